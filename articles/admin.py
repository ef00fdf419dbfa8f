"""Editing in the Django admin. Saves and actions call the article services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.forms import ArticleAdminForm
from articles.models import Article, Author, Credit, Project, ProjectMention
from articles.services.articles import article_save
from articles.services.publishing import article_publish, article_unpublish


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "order"]


class ProjectMentionInline(admin.TabularInline):
    model = ProjectMention
    extra = 0
    can_delete = False
    fields = ["project", "anchor_text", "refer_type", "href", "position"]
    readonly_fields = fields
    verbose_name_plural = _("项目提及（由正文自动生成）")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [CreditInline, ProjectMentionInline]
    list_display = ["title", "status", "published_at", "credit_names", "updated_at"]
    list_filter = ["status", "categories", "credits__author", "published_at"]
    search_fields = ["title", "excerpt", "credits__author__name"]
    date_hierarchy = "published_at"
    readonly_fields = ["head_image_preview", "legacy_path", "legacy_permalink", "version"]
    actions = ["publish_selected", "unpublish_selected"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["title", "body", "excerpt"]}),
        (_("发布"), {"fields": ["status", "published_at", "comments_enabled", "source"]}),
        (_("分类与标签"), {"fields": ["categories", "tags"]}),
        (
            _("题图"),
            {"fields": ["head_image", "head_image_preview", "head_image_alt", "thumbnail"]},
        ),
        (_("导入信息"), {"classes": ["collapse"], "fields": ["legacy_path", "legacy_permalink", "version"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("credits__author")

    @admin.display(description=_("署名"))
    def credit_names(self, obj: Article) -> str:
        return "、".join(f"{c.get_role_display()} {c.author.name}" for c in obj.credits.all())

    @admin.display(description=_("题图预览"))
    def head_image_preview(self, obj: Article) -> str:
        if not obj.head_image_src:
            return "—"
        return format_html('<img src="{}" alt="" width="320">', obj.head_image_src)

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        publishing = obj.status == Article.Status.PUBLISHED and (
            not change or "status" in form.changed_data or "published_at" in form.changed_data
        )
        if publishing and not request.user.has_perm("articles.publish_article"):
            raise PermissionDenied
        # The form's m2m (categories, tags) are saved by save_related; the service derives the rest.
        article_save(article=obj)

    @admin.action(description=_("发布所选文章"), permissions=["publish"])
    def publish_selected(self, request, queryset) -> None:
        for article in queryset:
            article_publish(article=article, by=request.user)
        self.message_user(request, _("已发布 %d 篇文章。") % queryset.count(), messages.SUCCESS)

    @admin.action(description=_("撤回所选文章"), permissions=["publish"])
    def unpublish_selected(self, request, queryset) -> None:
        for article in queryset:
            article_unpublish(article=article, by=request.user)
        self.message_user(request, _("已撤回 %d 篇文章。") % queryset.count(), messages.SUCCESS)

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("articles.publish_article")


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "external_id", "refer_type", "url", "updated_at"]
    search_fields = ["name", "external_id"]
    readonly_fields = ["last_seen_at", "created_at", "updated_at"]
