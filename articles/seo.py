"""What a page tells search engines and link previews: title, description, canonical URL,
OpenGraph/Twitter tags and feed links. ``templates/_seo.html`` renders a ``PageMeta``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from articles.jsonld import absolute_url, article_images
from articles.models import Article
from articles.selectors import article_categories, article_tags
from articles.text import truncate_chars

DESCRIPTION_LENGTH = 150


@dataclass(slots=True)
class FeedLink:
    title: str
    rss: str
    atom: str


@dataclass(slots=True)
class PageMeta:
    title: str
    description: str
    canonical: str
    og_type: str = "website"
    image: str = ""
    image_alt: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    section: str = ""
    tags: list[str] = field(default_factory=list)
    feeds: list[FeedLink] = field(default_factory=list)
    noindex: bool = False

    @property
    def full_title(self) -> str:
        site = settings.MASTHEAD_SITE_NAME
        return site if self.title == site else f"{self.title} - {site}"

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.image else "summary"


def canonical_url(path: str, page: int = 1) -> str:
    """The absolute URL of ``path``; page 1 of a list is the list itself."""
    return absolute_url(path) + (f"?page={page}" if page > 1 else "")


def _describe(text: str) -> str:
    return truncate_chars(" ".join(text.split()), DESCRIPTION_LENGTH)


def site_feed() -> FeedLink:
    return FeedLink(title=settings.MASTHEAD_SITE_NAME, rss="/feed/", atom="/feed/atom/")


def list_meta(
    *, title: str, description: str, path: str, page: int = 1, feed: FeedLink | None = None
) -> PageMeta:
    """Meta for a list page (home, category, tag, author, project, archive)."""
    if page > 1:
        title = _("%(title)s（第 %(page)s 页）") % {"title": title, "page": page}
    return PageMeta(
        title=title,
        description=_describe(description or settings.MASTHEAD_SITE_DESCRIPTION),
        canonical=canonical_url(path, page),
        feeds=[feed, site_feed()] if feed else [site_feed()],
    )


def article_meta(article: Article) -> PageMeta:
    """Meta for an article page; expects the detail selector's prefetches (no queries)."""
    categories = [category.name for category in article_categories(article=article)]
    images = article_images(article)
    return PageMeta(
        title=article.title,
        description=_describe(article.excerpt or article.title),
        canonical=canonical_url(article.get_absolute_url()),
        og_type="article",
        image=images[0] if images else "",
        image_alt=article.head_image_alt or article.title,
        published=article.published_at,
        modified=article.updated_at,
        section=categories[0] if categories else "",
        tags=list(dict.fromkeys([*categories, *(tag.name for tag in article_tags(article=article))])),
        feeds=[site_feed()],
        noindex=article.status != Article.Status.PUBLISHED,
    )
