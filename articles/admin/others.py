"""Authors, projects and categories (the site's sections)."""

from __future__ import annotations

from django.contrib import admin

from articles.models import Author, Category, Project


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
