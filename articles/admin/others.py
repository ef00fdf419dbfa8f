"""Authors and projects."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from articles.models import Author, Project
from articles.services.remote_images import remote_image_state_text


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
