"""Authors, projects, categories (the site's sections) and the front page's slots."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import BooleanField, ExpressionWrapper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Author, Category, FrontPageSlot, Project
from articles.services.remote_images import remote_image_state_text
from articles.site.front_page import slot_active_condition


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "external_id", "refer_type", "url", "updated_at"]
    search_fields = ["name", "external_id"]
    readonly_fields = ["logo_state", "last_seen_at", "created_at", "updated_at"]

    @admin.display(description=_("Logo 下载状态"))
    def logo_state(self, obj) -> str:
        return remote_image_state_text(obj, "logo")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Categories; those with a navigation position are the site's sections."""

    list_display = ["name", "slug", "nav_position", "description"]
    list_editable = ["nav_position"]
    list_filter = [("nav_position", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "nav_position", "description"]
    ordering = ["nav_position", "name"]


@admin.register(FrontPageSlot)
class FrontPageSlotAdmin(admin.ModelAdmin):
    """The front page's lead and featured stories, chosen by editors."""

    list_display = ["__str__", "kind", "position", "article", "expires_at", "is_active"]
    list_editable = ["position"]
    list_filter = ["kind"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    fields = ["kind", "position", "article", "title", "image", "expires_at"]
    search_fields = ["title", "article__title"]

    def get_queryset(self, request):
        # Whether each slot shows now, computed per request in the list's own query.
        showing = ExpressionWrapper(slot_active_condition(timezone.now()), output_field=BooleanField())
        return super().get_queryset(request).annotate(showing=showing)

    @admin.display(description=_("正在显示"), boolean=True)
    def is_active(self, obj: FrontPageSlot) -> bool:
        return obj.showing

    def save_model(self, request, obj: FrontPageSlot, form, change: bool) -> None:
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
