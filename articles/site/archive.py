"""The archive: every month with published articles, and one month's articles."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from articles import selectors
from articles.caching import keys
from articles.publication_dates import PUBLICATION_YEAR_MAX, PUBLICATION_YEAR_MIN
from articles.seo import list_meta
from articles.views import ArticleListView


class ArchiveIndexView(TemplateView):
    """Every month with published articles, grouped by year."""

    template_name = "articles/archive_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years: dict[int, list[dict]] = {}
        for row in selectors.archive_months():
            years.setdefault(row["month"].year, []).append(row)
        context["years"] = years
        keys.declare_list()
        context["meta"] = list_meta(
            title=_("文章归档"), description=_("按月份浏览全部文章"), path=self.request.path
        )
        return context


class ArchiveMonthView(ArticleListView):
    """The published articles of one month, e.g. ``/archive/2022/03/``."""

    template_name = "articles/archive_month.html"
    allow_empty = False

    def get_queryset(self):
        try:
            self.month = date(int(self.kwargs["year"]), int(self.kwargs["month"]), 1)
        except ValueError as error:
            raise Http404(_("没有这个月份")) from error
        if not PUBLICATION_YEAR_MIN <= self.month.year <= PUBLICATION_YEAR_MAX:
            raise Http404(_("没有这个月份"))
        return selectors.archive_articles(year=self.month.year, month=self.month.month)

    def page_title(self) -> str:
        return _("%(year)s 年 %(month)s 月的文章") % {"year": self.month.year, "month": self.month.month}

    def page_description(self) -> str:
        return self.page_title()

    def get_context_data(self, **kwargs):
        return super().get_context_data(month=self.month, **kwargs)
