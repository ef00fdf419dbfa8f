"""Sitemaps (django.contrib.sitemaps): an index at ``/sitemap.xml`` with one section per kind
of page, each with ``lastmod``, and a Google News sitemap of the last 48 hours.

Only published, due articles appear, and only categories, tags, authors and projects that
have at least one (see ``articles.selectors``). Each section's ``get_latest_lastmod`` is one
aggregate query, never a walk over every item.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property

from articles import selectors
from articles.models import Article


class _LastmodFromAnnotation(Sitemap):
    """Items annotated with ``lastmod`` by their selector."""

    def lastmod(self, item):
        return item.lastmod

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("lastmod"))["latest"]


class ArticleSitemap(Sitemap):
    @property
    def limit(self) -> int:
        return settings.ARTICLES_SITEMAP_LIMIT

    def items(self):
        return selectors.article_sitemap_items()

    def lastmod(self, item: Article):
        return max(item.updated_at, item.published_at)

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class CategorySitemap(_LastmodFromAnnotation):
    def items(self):
        return selectors.category_list_published()


class TagSitemap(_LastmodFromAnnotation):
    def items(self):
        return selectors.tag_list_published()


class AuthorSitemap(_LastmodFromAnnotation):
    def items(self):
        return selectors.author_list_published()


class ProjectSitemap(_LastmodFromAnnotation):
    def items(self):
        return selectors.project_list_published()


class PageSitemap(Sitemap):
    """The home page and the archive index; both change whenever an article does."""

    def items(self) -> list[str]:
        return ["articles:home", "articles:archive"]

    def location(self, item: str) -> str:
        return reverse(item)

    @cached_property
    def _latest(self):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]

    def lastmod(self, item: str):
        return self._latest

    def get_latest_lastmod(self):
        return self._latest


class NewsSitemap(Sitemap):
    """Google News: articles published in the last ``ARTICLES_NEWS_SITEMAP_HOURS`` hours
    (at most 1,000, as Google allows)."""

    limit = 1000

    def items(self):
        return selectors.article_list_recent(hours=settings.ARTICLES_NEWS_SITEMAP_HOURS).only(
            "id", "title", "published_at", "updated_at"
        )

    def lastmod(self, item: Article):
        return max(item.updated_at, item.published_at)

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["news"] = {
                "name": settings.MASTHEAD_PUBLISHER_NAME,
                "language": "zh-cn",
                "title": url["item"].title,
                "date": url["item"].published_at,
            }
        return urls


SITEMAPS: dict[str, type[Sitemap]] = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "news": NewsSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "projects": ProjectSitemap,
}
