"""Sitemaps (django.contrib.sitemaps): an index at ``/sitemap.xml`` with one section per kind
of page, each with ``lastmod``, and a Google News sitemap of the last 48 hours.

Only published, due articles appear, and only categories, tags, authors and projects that
have at least one (see ``articles.selectors``). Articles carry their own ``lastmod``. A
category, tag, author or project page changes whenever one of its articles does; giving each
its own ``lastmod`` would cost an aggregate over all its articles, so those sections only
report, in the index, the last time any published article changed (computed once per
content generation and shared by every section).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.cache import cache
from django.urls import reverse

from articles import selectors
from articles.caching import content_state
from articles.models import Article


def latest_article_update() -> datetime | None:
    """When a published article last changed; one query per content generation."""
    key = f"articles:latest-update:{content_state()}"
    latest = cache.get(key)
    if latest is None:
        latest = selectors.article_latest_update() or ""
        cache.set(key, latest, timeout=settings.ARTICLES_PAGE_CACHE_SECONDS or 60)
    return latest or None


class _ChangesWithArticles(Sitemap):
    """A section whose pages change whenever a published article does."""

    def get_latest_lastmod(self):
        return latest_article_update()


class ArticleSitemap(Sitemap):
    @property
    def limit(self) -> int:
        return settings.ARTICLES_SITEMAP_LIMIT

    def items(self):
        return selectors.article_sitemap_items()

    def lastmod(self, item: Article):
        return max(item.updated_at, item.published_at)

    def get_latest_lastmod(self):
        return latest_article_update()


class CategorySitemap(_ChangesWithArticles):
    def items(self):
        return selectors.category_list_published()


class TagSitemap(_ChangesWithArticles):
    def items(self):
        return selectors.tag_list_published()


class AuthorSitemap(_ChangesWithArticles):
    def items(self):
        return selectors.author_list_published()


class ProjectSitemap(_ChangesWithArticles):
    def items(self):
        return selectors.project_list_published()


class PageSitemap(_ChangesWithArticles):
    """The home page and the archive index; both change whenever an article does."""

    def items(self) -> list[str]:
        return ["articles:home", "articles:archive"]

    def location(self, item: str) -> str:
        return reverse(item)

    def lastmod(self, item: str):
        return latest_article_update()


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
        # A few hundred rows at most, read by the publication-date index.
        return max(self.items().values_list("updated_at", flat=True), default=None)

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
