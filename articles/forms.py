"""Admin forms. Validation lives here and in model ``clean()``, not in admin hooks."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import connection
from django.utils.translation import gettext_lazy as _

from articles.admin.category_field import OrderedCategoriesField
from articles.editor import ArticleBodyWidget
from articles.fields import ImageUploadField
from articles.models import Article
from articles.revisions import (
    FieldChange,
    article_version_numbered,
    article_versions,
    snapshot_diff,
    snapshot_from_article,
    snapshot_from_values,
    snapshot_from_version,
)
from articles.sanitize import HtmlTooDeepError, clean_html
from articles.selectors import article_categories
from articles.services.autosave import VERSION_MAX
from articles.services.workflow import WRITER_STATUSES, user_can_publish


class SecondsSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, with seconds shown (a save must not drop them)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[1].format = "%H:%M:%S"


def _as_text_input_shows(value: str) -> str:
    # A browser's <input type=text> drops line breaks; the form field then strips the ends.
    return value.replace("\r", "").replace("\n", "").strip()


def _as_textarea_sends(value: str) -> str:
    return value.replace("\r\n", "\n").strip()


@dataclass(slots=True)
class EditConflict:
    """Someone saved the article after this editor opened it."""

    current_version: int
    loaded_version: int
    saved_by: str
    saved_at: object
    theirs: list[FieldChange] = field(default_factory=list)  # loaded -> current
    yours: list[FieldChange] = field(default_factory=list)  # current -> submitted


class ArticleAdminForm(forms.ModelForm):
    head_image = ImageUploadField(
        label=_("题图"),
        required=False,
        help_text=_("JPEG、PNG、WebP 或 GIF；保存时自动转正方向、去除元数据并生成各尺寸。"),
    )
    head_image_focal_x = forms.FloatField(
        label=_("焦点 X"), required=False, min_value=0, max_value=1, widget=forms.HiddenInput
    )
    head_image_focal_y = forms.FloatField(
        label=_("焦点 Y"), required=False, min_value=0, max_value=1, widget=forms.HiddenInput
    )
    # The version this form was loaded with; a save against an older one is an edit conflict.
    loaded_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=VERSION_MAX
    )
    # In the editor's order (the first is the section); saved by ``article_save``, not save_m2m.
    categories = OrderedCategoriesField()

    class Meta:
        model = Article
        fields = [
            "kind",
            "title",
            "body",
            "excerpt",
            "status",
            "published_at",
            "date_unverified",
            "head_image",
            "head_image_alt",
            "head_image_focal_x",
            "head_image_focal_y",
            "tags",
            "comments_enabled",
            "source",
        ]
        widgets = {
            "body": ArticleBodyWidget(),
            "excerpt": forms.Textarea(attrs={"rows": 3}),
            "published_at": SecondsSplitDateTime(),
        }

    def __init__(self, *args, user=None, current_version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.conflict: EditConflict | None = None
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = current_version or self.instance.version
        if "categories" in self.fields:
            self.fields["categories"].refresh_choices()
            if self.instance.pk is not None and "categories" not in self.initial:
                self.initial["categories"] = article_categories(article=self.instance)
        if "status" in self.fields and user is not None and not user_can_publish(user):
            self.fields["status"].choices = [
                (value, label) for value, label in self.fields["status"].choices if value in WRITER_STATUSES
            ]

    def _save_m2m(self):
        # Categories are written in order by ``article_save`` (taggit's ``set`` keeps no order).
        categories = self.cleaned_data.pop("categories", None)
        try:
            super()._save_m2m()
        finally:
            if categories is not None:
                self.cleaned_data["categories"] = categories

    # Values a browser cannot send back exactly (a title with a line break, a time with
    # microseconds) are kept as stored when the editor left them as they were shown: saving an
    # unchanged article changes nothing.

    def _stored(self, name: str):
        return getattr(self.instance, name) if self.instance.pk is not None else None

    def clean_title(self):
        value, stored = self.cleaned_data["title"], self._stored("title")
        return stored if stored is not None and value == _as_text_input_shows(stored) else value

    def clean_body(self):
        value = self.cleaned_data["body"]
        try:
            clean_html(value)  # article_save cleans it again; here only to refuse what it cannot
        except HtmlTooDeepError as error:
            raise forms.ValidationError(str(error), code="too_deep") from error
        return value

    def clean_excerpt(self):
        value, stored = _as_textarea_sends(self.cleaned_data["excerpt"]), self._stored("excerpt")
        return stored if stored is not None and value == _as_textarea_sends(stored) else value

    def clean_published_at(self):
        value, stored = self.cleaned_data.get("published_at"), self._stored("published_at")
        if value is not None and stored is not None and value == stored.replace(microsecond=0):
            return stored
        return value

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        loaded = cleaned.get("loaded_version")
        queryset = Article.objects.filter(pk=self.instance.pk)
        if connection.in_atomic_block:  # the admin's transaction: hold the row until the save
            queryset = queryset.select_for_update()
        current = queryset.first()
        if current is not None and loaded is not None and current.version != loaded:
            self.conflict = self._conflict(current, loaded, cleaned)
            raise forms.ValidationError(
                _(
                    "保存冲突：你打开这篇文章之后，%(who)s 已经保存了新的版本（第 %(current)d 版，"
                    "你打开的是第 %(loaded)d 版）。你的修改没有保存，也没有覆盖任何内容。"
                    "请查看下面的差异，复制你需要的修改，再重新打开文章编辑。"
                ),
                code="conflict",
                params={"who": self.conflict.saved_by, "current": current.version, "loaded": loaded},
            )
        return cleaned

    def _conflict(self, current: Article, loaded: int, cleaned: dict) -> EditConflict:
        latest = article_versions(current).first()
        loaded_version = article_version_numbered(current, loaded)
        current_snapshot = snapshot_from_article(current)
        submitted = snapshot_from_values(
            {
                **{name: getattr(current, name) for name in ("published_at", "head_image", "head_image_url")},
                **{name: value for name, value in cleaned.items() if name != "head_image"},
                "body": clean_html(cleaned.get("body") or ""),
            }
        )
        user = latest.revision.user if latest is not None else None
        theirs = []
        if loaded_version is not None:
            theirs = snapshot_diff(snapshot_from_version(loaded_version), current_snapshot)
        return EditConflict(
            current_version=current.version,
            loaded_version=loaded,
            saved_by=(user.get_username() if user else str(_("其他人"))),
            saved_at=latest.revision.date_created if latest is not None else current.updated_at,
            theirs=theirs,
            yours=snapshot_diff(current_snapshot, submitted),
        )
