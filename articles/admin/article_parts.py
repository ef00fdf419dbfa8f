"""Parts of the article admin: its inlines (credits; mentions, read-only) and list filters."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Credit, ProjectMention


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

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ScheduleFilter(admin.SimpleListFilter):
    title = _("上线情况")
    parameter_name = "schedule"

    def lookups(self, request, model_admin):
        return [("live", _("已上线")), ("scheduled", _("定时发布（未到时间）"))]

    def queryset(self, request, queryset):
        published = Q(status=Article.Status.PUBLISHED)
        if self.value() == "live":
            return queryset.filter(published, published_at__lte=Now())
        if self.value() == "scheduled":
            return queryset.filter(published, published_at__gt=Now())
        return queryset


class DateUnverifiedFilter(admin.SimpleListFilter):
    """Imported posts whose date is the file's time (no usable date of their own)."""

    title = _("日期待核实")
    parameter_name = "date_unverified"

    def lookups(self, request, model_admin):
        return [("yes", _("日期待核实")), ("no", _("日期已确认"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(date_unverified=self.value() == "yes")
        return queryset
