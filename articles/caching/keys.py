"""Surrogate keys: the names of what a response shows, shared by Masthead's own caches and CDNs.

Two kinds of key:

- **object keys** name one thing a response shows: ``article-12``, ``category-3``, ``tag-7``,
  ``author-5``, ``project-42`` (``object_key``). They are purged when that thing changes
  (an article edited, an author renamed, a project's logo replaced).
- **list keys** name the membership of a list: ``articles`` for every list of all articles
  (home, archive, site feeds), ``category-3-articles`` for the articles of category 3, and so
  on (``list_key``). They are purged when an article enters, leaves or moves in that list
  (published, unpublished, deleted, rescheduled, or given or denied that category, author or
  project).

Every cacheable response also carries ``all`` (purged by ``content_changed()``, which bulk
writers such as the importer call) and declares the keys of what it shows while it renders:

    from articles.caching import keys

    keys.declare_objects(article, *article.categories.all())  # shows these
    keys.declare(keys.list_key(category))                     # lists its articles

``declare*`` write into the collector of the response (or fragment) being rendered and do
nothing outside one, so selectors, views, feeds and template tags may call them freely. A
cacheable view that declares nothing is still safe: it is purged by every change, as the
single content generation of old did (``NO_KEYS`` below). A new kind of object gets its
prefix with ``register_prefix`` (e.g. sections, flashes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Model

ALL = "all"
ARTICLES = "articles"
# Sitemaps list every article with its last change: any article write changes them.
SITEMAPS = "sitemaps"
# The site's sections (header navigation, home page blocks): purged when any category changes.
SECTIONS = "sections"
# The editors' picks on the front page (lead and featured slots).
FRONT_PAGE = "front-page"
# Stands for "declared nothing": purged by every purge (see ``articles.caching.store``).
NO_KEYS = "*"

_PREFIXES: dict[str, str] = {
    "articles.article": "article",
    "articles.category": "category",
    "articles.tag": "tag",
    "articles.author": "author",
    "articles.project": "project",
}


def register_prefix(model: type[Model], prefix: str) -> None:
    """Give ``model``'s objects keys ``<prefix>-<pk>`` (and list keys ``<prefix>-<pk>-articles``)."""
    _PREFIXES[model._meta.label_lower] = prefix


def object_key(obj: Model) -> str:
    """``article-12`` for Article 12. Raises ``KeyError`` for a model with no registered prefix."""
    return f"{_PREFIXES[obj._meta.label_lower]}-{obj.pk}"


def key_for(model: type[Model], pk: int) -> str:
    """The object key of ``model`` ``pk`` without loading it."""
    return f"{_PREFIXES[model._meta.label_lower]}-{pk}"


def list_key(owner: Model | None = None) -> str:
    """``articles`` (every list of all articles) or ``category-3-articles`` (the list of the
    articles belonging to ``owner``)."""
    return ARTICLES if owner is None else f"{object_key(owner)}-articles"


def owner_list_key(model: type[Model], pk: int) -> str:
    return f"{key_for(model, pk)}-articles"


# --- collecting what a response shows -------------------------------------------------------

_collectors: ContextVar[tuple[set[str], ...]] = ContextVar("masthead_surrogate_keys", default=())


@contextmanager
def collecting() -> Iterator[set[str]]:
    """Collect the keys declared inside the block (they also reach any enclosing collector:
    a fragment's keys are its page's keys too)."""
    keys: set[str] = set()
    token = _collectors.set((*_collectors.get(), keys))
    try:
        yield keys
    finally:
        _collectors.reset(token)


def is_collecting() -> bool:
    return bool(_collectors.get())


def declare(*keys: str) -> None:
    """Add ``keys`` to every active collector (none active: nothing happens)."""
    for collector in _collectors.get():
        collector.update(keys)


def declare_many(keys: Iterable[str]) -> None:
    declare(*keys)


def declare_objects(*objects: Model) -> None:
    """Declare that the response shows ``objects``."""
    if _collectors.get():
        declare(*(object_key(obj) for obj in objects))


def declare_list(owner: Model | None = None) -> None:
    """Declare that the response lists the articles of ``owner`` (``None``: of the site)."""
    declare(list_key(owner))


# --- when what a response shows changes by itself (a front-page slot expiring) ----------------

_expiries: ContextVar[tuple[list[float], ...]] = ContextVar("masthead_expiries", default=())


@contextmanager
def expiring() -> Iterator[list[float]]:
    """Collect the moments (Unix times) declared inside the block at which the response stops
    being right by itself, with no write to purge it."""
    moments: list[float] = []
    token = _expiries.set((*_expiries.get(), moments))
    try:
        yield moments
    finally:
        _expiries.reset(token)


def declare_expiry(moment: float) -> None:
    """The response shows something that changes at Unix time ``moment``: cache it no longer."""
    for moments in _expiries.get():
        moments.append(moment)


def header_values(keys: Iterable[str]) -> tuple[str, str]:
    """``(Surrogate-Key, Cache-Tag)`` header values: space-separated for Fastly and Varnish
    xkey, comma-separated for Cloudflare and Akamai."""
    ordered = sorted(set(keys) - {NO_KEYS})
    return " ".join(ordered), ",".join(ordered)
