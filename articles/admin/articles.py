"""The article admin: the newsroom's desk. Saves and actions call the article services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles import search_selectors
from articles.admin import editor_views
from articles.admin.article_parts import (
    CreditInline,
    DateUnverifiedFilter,
    ProjectMentionInline,
    ScheduleFilter,
)
from articles.admin.editor import editor_csp
from articles.admin.forms import ArticleAdminForm
from articles.models import Article, FrontPageSlot
from articles.pictures import thumbnail_picture
from articles.revisions import deleted_versions_for
from articles.search import QueryTooLong, query_parse
from articles.services.articles import ArticleVersionConflict, article_save
from articles.services.autosave import autosave_discard, autosave_get, autosave_store
from articles.services.exporting import articles_export_zip
from articles.services.front_page import front_page_pin
from articles.services.publishing import article_publish, article_submit_for_review, article_unpublish
from articles.services.remote_images import remote_image_state_text
from articles.services.workflow import user_can_edit, user_can_publish

# The admin's article search shows at most this many results, best first.
ADMIN_SEARCH_RESULTS = 500


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    inlines = [CreditInline, ProjectMentionInline]
    list_display = [
        "title",
        "status_label",
        "schedule",
        "list_thumbnail",
        "credit_names",
        "created_by",
        "updated_at",
    ]
    list_display_links = ["title"]
    list_filter = [
        "status",
        "kind",
        ScheduleFilter,
        DateUnverifiedFilter,
        "categories",
        "credits__author",
        "created_by",
    ]
    list_select_related = ["created_by"]
    search_fields = ["title", "excerpt", "credits__author__name"]
    date_hierarchy = "published_at"
    readonly_fields = ["head_image_preview", "remote_images", "legacy_path", "legacy_permalink", "version"]
    actions = [
        "publish_selected",
        "unpublish_selected",
        "submit_selected",
        "export_selected",
        "pin_as_lead",
        "pin_as_featured",
    ]
    list_per_page = 50
    history_latest_first = True
    object_history_template = "admin/articles/article/object_history.html"
    change_list_template = "admin/articles/article/change_list.html"
    fieldsets = [
        (None, {"fields": ["kind", "title", "body", "excerpt", "loaded_version"]}),
        (
            _("发布"),
            {"fields": ["status", "published_at", "date_unverified", "comments_enabled", "source"]},
        ),
        (_("分类与标签"), {"fields": ["categories", "tags"]}),
        (
            _("题图"),
            {
                "fields": [
                    "head_image",
                    "head_image_preview",
                    "remote_images",
                    "head_image_alt",
                    "head_image_focal_x",
                    "head_image_focal_y",
                ]
            },
        ),
        (_("导入信息"), {"classes": ["collapse"], "fields": ["legacy_path", "legacy_permalink", "version"]}),
    ]

    # --- lists -----------------------------------------------------------------------------

    def _reversion_order_version_queryset(self, request, queryset):
        # The recover page lists deleted articles: writers see only their own.
        visible = deleted_versions_for(queryset, user=request.user)
        return super()._reversion_order_version_queryset(request, visible)

    def recover_view(self, request, version_id, extra_context=None):
        deleted = Version.objects.get_deleted(self.model)
        if not deleted_versions_for(deleted, user=request.user).filter(pk=version_id).exists():
            raise Http404(_("没有这个已删除的文章"))
        return super().recover_view(request, version_id, extra_context)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("credits__author", "renditions")
        if not user_can_publish(request.user):
            # Writers work on their own stories.
            queryset = queryset.filter(created_by=request.user)
        return queryset

    def get_search_results(self, request, queryset, search_term):
        """The site's search engine over the articles this user may see (drafts included),
        best first (``articles.search``); at most ``ADMIN_SEARCH_RESULTS`` of them."""
        if not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        try:
            query = query_parse(search_term)
        except QueryTooLong as error:
            self.message_user(request, str(error), messages.WARNING)
            return queryset.none(), False
        ids = search_selectors.article_search_all(query=query, queryset=queryset).ids(
            offset=0, limit=ADMIN_SEARCH_RESULTS
        )
        if not ids:
            return queryset.none(), False
        rank = Case(
            *(When(pk=pk, then=Value(len(ids) - position)) for position, pk in enumerate(ids)),
            default=Value(0),
            output_field=IntegerField(),
        )
        found = queryset.filter(pk__in=ids).annotate(search_rank=rank)
        # Best first, unless the editor sorts by a column.
        return (found if ORDER_VAR in request.GET else found.order_by("-search_rank", "-pk")), False

    @admin.display(description=_("状态"), ordering="status")
    def status_label(self, obj: Article) -> str:
        return format_html('<span class="status status-{}">{}</span>', obj.status, obj.get_status_display())

    @admin.display(description=_("发布 / 定时"), ordering="published_at")
    def schedule(self, obj: Article) -> str:
        if obj.published_at is None:
            return "—"
        when = timezone.localtime(obj.published_at).strftime("%Y-%m-%d %H:%M")
        if obj.status == Article.Status.PUBLISHED and obj.published_at > timezone.now():
            return format_html('<span class="scheduled">{} {}</span>', _("定时"), when)
        return when

    @admin.display(description=_("缩略图"))
    def list_thumbnail(self, obj: Article) -> str:
        picture = thumbnail_picture(obj)
        if picture is None:
            return "—"
        return format_html('<img src="{}" alt="" width="80" height="60" class="thumb">', picture.src)

    @admin.display(description=_("署名"))
    def credit_names(self, obj: Article) -> str:
        return "、".join(f"{c.get_role_display()} {c.author.name}" for c in obj.credits.all())

    @admin.display(description=_("题图预览"))
    @admin.display(description=_("远程图片"))
    def remote_images(self, obj: Article) -> str:
        """The imported remote URLs and whether images_fetch brought them home."""
        rows = [
            (label, url, remote_image_state_text(obj, name))
            for label, name, url in (
                (_("题图"), "head_image", obj.head_image_url),
                (_("缩略图"), "thumbnail", obj.thumbnail_url),
            )
            if url
        ]
        if not rows:
            return "—"
        return format_html_join(
            "",
            '<p class="remote-image">{}：<a href="{}" rel="noopener noreferrer">{}</a><br>{}</p>',
            ((label, url, url, state) for label, url, state in rows),
        )

    def head_image_preview(self, obj: Article) -> str:
        if not obj.head_image_src:
            # A remote head image that could not be fetched: say so (its URL and state are in
            # the "远程图片" row below) instead of an empty box.
            return remote_image_state_text(obj, "head_image") if obj.head_image_url else "—"
        x = obj.head_image_focal_x if obj.head_image_focal_x is not None else 0.5
        y = obj.head_image_focal_y if obj.head_image_focal_y is not None else 0.5
        return format_html(
            '<div class="focal-picker" data-x="{}" data-y="{}"><img src="{}" alt="" width="320">'
            '<span class="focal-marker" aria-hidden="true"></span></div>'
            '<p class="help">{}</p>',
            x,
            y,
            obj.head_image_src,
            _("点击图片设置焦点：列表缩略图按焦点裁切。") if obj.head_image else "",
        )

    # --- permissions -----------------------------------------------------------------------

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or user_can_edit(request.user, obj))

    def has_publish_permission(self, request) -> bool:
        return user_can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not user_can_publish(request.user):
            fields.append("published_at")  # scheduling is an editor's decision
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        user = request.user
        refused = getattr(request, "_article_save_refused", None)

        class RequestArticleForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, user=user, refused=refused, **kwargs)

        return RequestArticleForm

    # --- saving ----------------------------------------------------------------------------

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        # The form's tags are saved by save_related; the service does the rest (categories in
        # the chosen order, the permission rules and the version check).
        expected = form.cleaned_data.get("loaded_version") if change else None
        categories = form.cleaned_data.get("categories") if "categories" in form.fields else None
        article_save(article=obj, by=request.user, expected_version=expected, categories=categories)
        autosave_discard(user=request.user, article=obj if change else None)

    # --- actions ---------------------------------------------------------------------------

    def _apply(self, request, queryset, service, done_message: str) -> None:
        done, refused = 0, 0
        for article in queryset:
            try:
                service(article=article, by=request.user)
            except PermissionDenied:
                refused += 1
            else:
                done += 1
        self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d 篇文章你无权修改，已跳过。", "%(count)d 篇文章你无权修改，已跳过。", refused
                )
                % {"count": refused},
                messages.WARNING,
            )

    @admin.action(description=_("导出所选文章（Hexo .zip）"))
    def export_selected(self, request, queryset) -> HttpResponse:
        response = HttpResponse(articles_export_zip(articles=queryset), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="masthead-export.zip"'
        return response

    @admin.action(description=_("发布所选文章"), permissions=["publish"])
    def publish_selected(self, request, queryset) -> None:
        self._apply(request, queryset, article_publish, str(_("已发布 %(count)d 篇文章。")))

    @admin.action(description=_("撤回所选文章"), permissions=["publish"])
    def unpublish_selected(self, request, queryset) -> None:
        self._apply(request, queryset, article_unpublish, str(_("已撤回 %(count)d 篇文章。")))

    @admin.action(description=_("提交所选文章审核"), permissions=["change"])
    def submit_selected(self, request, queryset) -> None:
        queryset = queryset.filter(status=Article.Status.DRAFT)
        self._apply(request, queryset, article_submit_for_review, str(_("已提交 %(count)d 篇文章审核。")))

    def _pin(self, request, queryset, kind: str, done_message: str) -> None:
        pinned = 0
        for article in queryset:
            front_page_pin(article=article, kind=kind, by=request.user)
            pinned += 1
        self.message_user(request, done_message % {"count": pinned}, messages.SUCCESS)

    @admin.action(description=_("设为首页头条"), permissions=["publish"])
    def pin_as_lead(self, request, queryset) -> None:
        self._pin(request, queryset[:1], FrontPageSlot.Kind.LEAD, str(_("已设为首页头条（%(count)d 篇）。")))

    @admin.action(description=_("加入首页推荐"), permissions=["publish"])
    def pin_as_featured(self, request, queryset) -> None:
        self._pin(request, queryset, FrontPageSlot.Kind.FEATURED, str(_("已加入首页推荐 %(count)d 篇。")))

    # --- views -----------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        autosave = view(editor_views.AutosaveView.as_view(model_admin=self))
        editor = [
            path("editor/upload/", view(editor_views.editor_upload), name="articles_article_editor_upload"),
            path("editor/projects/", view(editor_views.project_search), name="articles_article_projects"),
            path("editor/autosave/", autosave, name="articles_article_autosave_new"),
            path("<path:object_id>/autosave/", autosave, name="articles_article_autosave"),
            path(
                "<path:object_id>/preview/",
                view(editor_views.PreviewView.as_view(model_admin=self)),
                name="articles_article_preview",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/diff/",
                view(editor_views.RevisionDiffView.as_view(model_admin=self)),
                name="articles_article_revision_diff",
            ),
        ]
        return editor + super().get_urls()

    def reversion_register(self, model, **options):
        # The admin registers Article with reversion before ArticlesConfig.ready can: follow
        # what that registration follows too, so a restore brings back the categories and tags.
        if model is Article:
            follow = [*options.get("follow", ()), "credits", "categorizedarticle_set", "taggedarticle_set"]
            options["follow"] = tuple(dict.fromkeys(follow))
        super().reversion_register(model, **options)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Restores go through article_restore (permissions, version numbering, a new revision):
        # the revision page is the diff page with its restore button.
        url = reverse("admin:articles_article_revision_diff", args=[object_id, version_id])
        return HttpResponseRedirect(url)

    def _editor_context(self, request, article: Article | None) -> dict:
        autosave = autosave_get(user=request.user, article=article)
        if article is not None:
            autosave_url = reverse("admin:articles_article_autosave", args=[article.pk])
        else:
            autosave_url = reverse("admin:articles_article_autosave_new")
        stale = autosave is not None and (article is None or autosave.saved_at > article.updated_at)
        restorable = None
        if stale:
            restorable = {"title": autosave.title, "body": autosave.body, "excerpt": autosave.excerpt}
        return {
            "autosave_url": autosave_url,
            "autosave": autosave if stale else None,
            "autosave_data": restorable,
            "preview_url": (
                reverse("admin:articles_article_preview", args=[article.pk]) if article is not None else None
            ),
        }

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        except ArticleVersionConflict as refused:
            # article_save found the article moved on since this editor opened it; its
            # transaction rolled back. The same submission is shown again with the conflict
            # (the form reports it with the diff and saves nothing).
            request._article_save_refused = refused
            response = super().changeform_view(request, object_id, form_url, extra_context)
        response._csp_config = editor_csp()  # what django.views.decorators.csp.csp_override sets
        return response

    def add_view(self, request, form_url="", extra_context=None):
        context = {**self._editor_context(request, None), **(extra_context or {})}
        return super().add_view(request, form_url, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        if article is not None:
            extra_context = {**self._editor_context(request, article), **(extra_context or {})}
        response = super().change_view(request, object_id, form_url, extra_context)
        form = getattr(getattr(response, "context_data", {}).get("adminform"), "form", None)
        if form is not None and form.conflict is not None:
            # Nothing was saved: keep the editor's text where reopening the article offers it.
            autosave_store(
                user=request.user,
                article=article,
                title=form.cleaned_data.get("title", ""),
                body=form.cleaned_data.get("body", ""),
                excerpt=form.cleaned_data.get("excerpt", ""),
                base_version=form.conflict.loaded_version,
            )
        return response

    def history_view(self, request, object_id, extra_context=None):
        context = {"diff_url_name": "admin:articles_article_revision_diff", **(extra_context or {})}
        return super().history_view(request, object_id, context)
