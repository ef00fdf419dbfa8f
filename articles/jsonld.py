"""Structured data (schema.org JSON-LD) for article pages."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from articles.models import Article, Credit
from articles.selectors import article_projects


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.MASTHEAD_SITE_URL + url


def _iso(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _people(article: Article, role: str) -> list[dict]:
    return [
        {"@type": "Person", "name": c.author.name, "url": _absolute(c.author.get_absolute_url())}
        for c in article.credits.all()
        if c.role == role
    ]


def article_jsonld(article: Article) -> dict:
    """``NewsArticle`` for ``article``; expects the detail selector's prefetches (no queries)."""
    categories = [c.name for c in article.categories.all()]
    keywords = list(dict.fromkeys([*categories, *(t.name for t in article.tags.all())]))
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.excerpt,
        "url": _absolute(article.get_absolute_url()),
        "mainEntityOfPage": _absolute(article.get_absolute_url()),
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(article.updated_at),
        "author": _people(article, Credit.Role.WRITER),
        "editor": _people(article, Credit.Role.EDITOR),
        "articleSection": categories,
        "keywords": keywords,
        "inLanguage": "zh-CN",
        "publisher": {
            "@type": "Organization",
            "name": settings.MASTHEAD_SITE_NAME,
            "url": settings.MASTHEAD_SITE_URL + "/",
        },
        "mentions": [
            {
                "@type": "Organization",
                "name": project.name,
                "url": project.url or _absolute(project.get_absolute_url()),
                "logo": project.logo_url,
                "identifier": project.external_id,
            }
            for project in article_projects(article=article)
        ],
    }
    if image := article.head_image_src:
        data["image"] = [_absolute(image)]
    return {key: value for key, value in data.items() if value not in (None, "", [])}
