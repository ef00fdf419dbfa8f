"""Authors and projects."""

from __future__ import annotations

from django.contrib import admin

from articles.models import Author, Project


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
