"""Structured data (schema.org JSON-LD) for article pages: ``NewsArticle`` and ``BreadcrumbList``."""

from __future__ import annotations

from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone

from articles.models import Article, Credit
from articles.selectors import article_categories, article_projects, article_tags


def absolute_url(url: str) -> str:
    """``url`` made absolute against ``MASTHEAD_SITE_URL`` (absolute URLs pass through)."""
    if not url or url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return "https:" + url
    return settings.MASTHEAD_SITE_URL + url


def publisher_logo_url() -> str:
    """``MASTHEAD_PUBLISHER_LOGO_URL``, else the logo shipped in ``static/img/``; absolute."""
    return absolute_url(settings.MASTHEAD_PUBLISHER_LOGO_URL or static("img/logo.png"))


def _iso(value) -> str | None:
    return timezone.localtime(value).replace(microsecond=0).isoformat() if value else None


def _people(article: Article, role: str) -> list[dict]:
    return [
        {"@type": "Person", "name": c.author.name, "url": absolute_url(c.author.get_absolute_url())}
        for c in article.credits.all()
        if c.role == role
    ]


def _without_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def publisher() -> dict:
    return {
        "@type": "Organization",
        "name": settings.MASTHEAD_PUBLISHER_NAME,
        "url": settings.MASTHEAD_SITE_URL + "/",
        "logo": {"@type": "ImageObject", "url": publisher_logo_url()},
    }


def article_images(article: Article) -> list[str]:
    """Absolute URLs of the article's head image and thumbnail, head image first; the
    publisher's logo when it has neither (search engines want an image for every story)."""
    images = [
        absolute_url(url) for url in dict.fromkeys([article.head_image_src, article.thumbnail_src]) if url
    ]
    return images or [publisher_logo_url()]


def article_jsonld(article: Article) -> dict:
    """``NewsArticle`` for ``article``; expects the detail selector's prefetches (no queries)."""
    categories = [c.name for c in article_categories(article=article)]
    keywords = list(dict.fromkeys([*categories, *(t.name for t in article_tags(article=article))]))
    url = absolute_url(article.get_absolute_url())
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.excerpt,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(article.updated_at),
        "author": _people(article, Credit.Role.WRITER),
        "editor": _people(article, Credit.Role.EDITOR),
        "articleSection": categories,
        "keywords": keywords,
        "inLanguage": "zh-CN",
        "isAccessibleForFree": True,
        "image": article_images(article),
        "publisher": publisher(),
        "mentions": [
            _without_empty(
                {
                    "@type": "Organization",
                    "name": project.name,
                    "url": project.url or absolute_url(project.get_absolute_url()),
                    "logo": absolute_url(project.logo_src) if project.logo_src else "",
                    "identifier": project.external_id,
                }
            )
            for project in article_projects(article=article)
        ],
    }
    return _without_empty(data)


def breadcrumbs_jsonld(crumbs: list[tuple[str, str]]) -> dict:
    """``BreadcrumbList`` from ``[(name, path), ...]``, outermost first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute_url(path)}
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }
