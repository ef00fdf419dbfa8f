"""Template tags for head images: ``<picture>`` with WebP and ``srcset``/``sizes`` from the
renditions, or the imported remote image as it is (wagtail images' tag style: the tag picks,
a small template renders)."""

from __future__ import annotations

from django import template

from articles.models import Article
from articles.pictures import head_picture, thumbnail_picture

register = template.Library()

ARTICLE_SIZES = "(min-width: 860px) 800px, 100vw"


@register.inclusion_tag("articles/_picture.html")
def article_head_picture(article: Article, sizes: str = ARTICLE_SIZES, alt: str | None = None) -> dict:
    """The article page's head image (widths 800 and 1600, WebP first). Needs the article's
    ``renditions`` prefetched to cost no query. ``alt=""`` where the image is decorative."""
    return {
        "picture": head_picture(article),
        "alt": (article.head_image_alt or article.title) if alt is None else alt,
        "sizes": sizes,
        "loading": "eager",
    }


@register.inclusion_tag("articles/_picture.html")
def article_card_picture(article: Article, width: int = 200, height: int = 150) -> dict:
    """A list card's image: the 400x300 crop at the focal point (shown at ``width``x``height``)."""
    picture = thumbnail_picture(article)
    return {
        "picture": picture,
        "alt": "",
        "sizes": "",
        "loading": "lazy",
        "display_width": width,
        "display_height": height,
    }
