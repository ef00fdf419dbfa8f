"""Autosaves: what an editor typed but has not saved, so a closed tab loses nothing.

They are kept per user and per article (one slot for a new article), never touch the article
(no version, no revision) and go when the article is saved.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from articles.models import Article, ArticleAutosave
from articles.sanitize import HtmlTooDeepError, clean_html

VERSION_MAX = 2**31 - 1  # the largest PositiveIntegerField on every supported database
AUTOSAVE_TEXT_FIELDS = ("title", "body", "excerpt")


class AutosaveRefused(ValueError):
    """An autosave that cannot be kept, with the reason to show the editor."""


def autosave_fields(data: object) -> dict:
    """The keyword arguments of ``autosave_store`` from the editor's JSON ``data``.

    Raises ``AutosaveRefused`` (with a message) for anything but an object of strings without
    NUL and a ``base_version`` that is an integer a version can be, or null.
    """
    if not isinstance(data, dict):
        raise AutosaveRefused(_("数据格式不对。"))
    fields: dict = {}
    for name in AUTOSAVE_TEXT_FIELDS:
        value = data.get(name, "")
        if not isinstance(value, str):
            raise AutosaveRefused(_("%(field)s 必须是文本。") % {"field": name})
        if "\x00" in value:
            raise AutosaveRefused(_("%(field)s 不能包含 NUL 字符。") % {"field": name})
        fields[name] = value
    base_version = data.get("base_version")
    is_version = isinstance(base_version, int) and not isinstance(base_version, bool)
    if base_version is not None and not (is_version and 0 <= base_version <= VERSION_MAX):
        raise AutosaveRefused(_("base_version 必须是 0 到 %(max)d 之间的整数。") % {"max": VERSION_MAX})
    fields["base_version"] = base_version
    return fields


def autosave_store(
    *, user, article: Article | None, title: str, body: str, excerpt: str, base_version: int | None
) -> ArticleAutosave:
    """Keep the editor's current text (the body cleaned like any body). Raises
    ``AutosaveRefused`` for a body the cleaner refuses (nested too deep)."""
    try:
        body = clean_html(body)
    except HtmlTooDeepError as error:
        raise AutosaveRefused(str(error)) from error
    autosave, _created = ArticleAutosave.objects.update_or_create(
        user=user,
        article=article,
        defaults={
            "title": title[:500],
            "body": body,
            "excerpt": excerpt,
            "base_version": base_version,
        },
    )
    return autosave


def autosave_get(*, user, article: Article | None) -> ArticleAutosave | None:
    return ArticleAutosave.objects.filter(user=user, article=article).first()


def autosave_discard(*, user, article: Article | None) -> None:
    ArticleAutosave.objects.filter(user=user, article=article).delete()
