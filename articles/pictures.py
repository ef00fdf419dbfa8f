"""Which files show an article's head image: its renditions, or the imported remote URL.

Pure functions over an article whose ``renditions`` are prefetched (selectors do that), so
pages and the admin list pick images without extra queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from articles.models import Article, Rendition
from articles.services.images import FORMATS, PAGE_SPECS, THUMBNAIL_SPEC


@dataclass(slots=True)
class PictureSource:
    mime: str
    srcset: str


@dataclass(slots=True)
class Picture:
    """What a ``<picture>`` needs: WebP sources first, then the fallback ``<img>``."""

    src: str
    width: int | None = None
    height: int | None = None
    srcset: str = ""
    sources: list[PictureSource] = field(default_factory=list)


def _renditions(article: Article) -> list[Rendition]:
    if not article.head_image:
        return []
    return [r for r in article.renditions.all() if r.source == article.head_image.name]


def _srcset(renditions: list[Rendition]) -> str:
    widths: dict[int, str] = {}
    for rendition in sorted(renditions, key=lambda r: r.width):
        widths.setdefault(rendition.width, rendition.file.url)
    return ", ".join(f"{url} {width}w" for width, url in widths.items())


def head_picture(article: Article) -> Picture | None:
    """The article page's head image: widths 800 and 1600 in WebP and the original format."""
    renditions = [r for r in _renditions(article) if r.spec in PAGE_SPECS]
    fallback = [r for r in renditions if r.format != "WEBP"]
    if fallback:
        smallest = min(fallback, key=lambda r: r.width)
        webp = [r for r in renditions if r.format == "WEBP"]
        return Picture(
            src=smallest.file.url,
            width=smallest.width,
            height=smallest.height,
            srcset=_srcset(fallback),
            sources=[PictureSource(mime=FORMATS["WEBP"][1], srcset=_srcset(webp))] if webp else [],
        )
    if article.head_image_src:
        return Picture(src=article.head_image_src)
    return None


def thumbnail_picture(article: Article) -> Picture | None:
    """The list card's image: the 400x300 crop at the focal point, or the imported thumbnail."""
    crops = [r for r in _renditions(article) if r.spec == THUMBNAIL_SPEC]
    fallback = next((r for r in crops if r.format != "WEBP"), None)
    if fallback is not None:
        webp = next((r for r in crops if r.format == "WEBP"), None)
        return Picture(
            src=fallback.file.url,
            width=fallback.width,
            height=fallback.height,
            sources=[PictureSource(mime=FORMATS["WEBP"][1], srcset=webp.file.url)] if webp else [],
        )
    if article.thumbnail_src:
        return Picture(src=article.thumbnail_src)
    return None
