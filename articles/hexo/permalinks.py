"""Hexo permalinks: where a legacy post lived, so its old URL can redirect to ``/p/<id>/``. Pure.

A post's own front-matter ``permalink`` wins; otherwise ``ARTICLES_LEGACY_PERMALINK`` (Hexo's
``permalink`` setting, default ``:year/:month/:day/:title/``) is filled in as Hexo does, with the
date in the site time zone and ``:title`` the post's path under the import root without its
extension (under a Hexo site's ``source/_posts/`` when the import root is above it).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.utils import timezone

from articles.hexo.dates import site_timezone

_PLACEHOLDER = re.compile(
    r":(i_month|i_day|post_title|category|year|month|day|hour|minute|second|title|name|hash|id)"
)
# hexo-util's slugize: control characters go, runs of separators and punctuation become one "-".
_CONTROL = re.compile(r"[\u0000-\u001f]")
_SPECIAL = re.compile(r"""[\s~`!@#$%^&*()\-_+=\[\]{}|\\;:"'<>,.?/]+""")
POSTS_FOLDER = "_posts"
DEFAULT_CATEGORY = "uncategorized"


def hexo_slugize(text: str, *, lower: bool = False) -> str:
    """hexo-util's ``slugize`` (without its diacritic folding)."""
    slug = _SPECIAL.sub("-", _CONTROL.sub("", text)).strip("-")
    return slug.lower() if lower else slug


def hexo_slug(path: str) -> str:
    """Hexo's post slug: the path under ``source/_posts`` (or the import root) without extension."""
    parts = path.split("/")
    if POSTS_FOLDER in parts[:-1]:
        parts = parts[len(parts) - parts[::-1].index(POSTS_FOLDER) :]
    stem = "/".join(parts)
    return stem.rsplit(".", 1)[0] if "." in parts[-1] else stem


def _category_path(categories: object) -> str:
    # Hexo: a list is one hierarchy (parent first); a list of lists is several, the last one wins.
    if isinstance(categories, list) and categories and isinstance(categories[-1], list):
        categories = categories[-1]
    names = categories if isinstance(categories, list) else [categories] if categories else []
    slugs = [hexo_slugize(str(name)) for name in names if name is not None and str(name).strip()]
    return "/".join(slugs) or DEFAULT_CATEGORY


def permalink_normalize(permalink: str) -> str:
    """A front-matter permalink as a decoded site path starting with ``/``."""
    value = permalink.strip()
    if "://" in value:
        value = urlsplit(value).path
    return "/" + unquote(value).lstrip("/")


def legacy_permalink_build(
    *,
    path: str,
    title: str,
    published_at: datetime,
    categories: object = None,
    front_matter_id: object = None,
    pattern: str | None = None,
) -> str:
    """The Hexo permalink of a post without a ``permalink`` of its own, as a site path."""
    pattern = pattern if pattern is not None else settings.ARTICLES_LEGACY_PERMALINK
    local = timezone.localtime(published_at, site_timezone())
    slug = hexo_slug(path)
    values = {
        "year": f"{local.year:04d}",
        "month": f"{local.month:02d}",
        "i_month": str(local.month),
        "day": f"{local.day:02d}",
        "i_day": str(local.day),
        "hour": f"{local.hour:02d}",
        "minute": f"{local.minute:02d}",
        "second": f"{local.second:02d}",
        "title": slug,
        "name": slug.rsplit("/", 1)[-1],
        "post_title": hexo_slugize(title, lower=True),
        "category": _category_path(categories),
        "id": "" if front_matter_id is None else str(front_matter_id),
        "hash": hashlib.sha1(  # noqa: S324 (Hexo's :hash, not security)
            f"{slug}{int(published_at.timestamp())}".encode()
        ).hexdigest()[:12],
    }
    return "/" + _PLACEHOLDER.sub(lambda match: values[match.group(1)], pattern).lstrip("/")


def legacy_permalink_candidates(path: str) -> list[str]:
    """The stored permalinks a request path may stand for.

    Hexo serves ``a/b/`` as ``a/b/index.html`` and a bare ``a/b`` as a file; links to either
    form, with or without ``.html`` or the trailing slash, all mean the same post.
    """
    path = "/" + path.lstrip("/")
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    elif path.endswith(".html"):
        path = path[: -len(".html")]
    base = path.rstrip("/")
    if not base:
        return []
    return [base, base + "/", base + ".html", base + "/index.html"]
