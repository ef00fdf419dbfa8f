"""Cache invalidation for reader pages.

Anything that changes what readers see (an article, its credits, its projects) calls
``content_changed()``. Page caching keys on ``content_generation()``, so one bump makes every
cached page stale at once; bulk writers (the importer) call it once per batch, and the signal
handlers in ``articles.signals`` call it for every ordinary write.

Scheduling is a query, never a job, so nothing writes when a scheduled article falls due.
``content_state()`` therefore remembers, per generation, when the next scheduled article
becomes visible, and moves to a new generation once that moment has passed.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.utils import timezone

_GENERATION_KEY = "articles:content-generation"
_NEXT_DUE_KEY = "articles:next-due:{generation}"
_NO_SCHEDULED_ARTICLE = 0.0
# How long the "next scheduled article" answer is trusted before it is asked again.
_NEXT_DUE_TTL = 3600


def content_generation() -> int:
    """The current generation of published content (starts at 1)."""
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        cache.add(_GENERATION_KEY, 1, timeout=None)
        generation = cache.get(_GENERATION_KEY, 1)
    return int(generation)


def content_changed() -> None:
    """Mark every cached reader page stale."""
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 2, timeout=None)


def _clock() -> float:
    """This process's clock (a seam for tests: the cache's own expiry must not move with it)."""
    return time.time()


def _next_due_timestamp() -> float:
    """When the next published-but-scheduled article becomes visible (one indexed query)."""
    from articles.models import Article  # the cache module is imported before the app registry

    next_due = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return next_due.timestamp() if next_due else _NO_SCHEDULED_ARTICLE


def content_state() -> int:
    """The generation reader pages are cached under, scheduled publication included.

    Guarantees that once a scheduled article's ``published_at`` has passed (by this process's
    clock), pages cached before that moment are no longer served. Costs two cache reads, plus
    one query the first time a generation is seen.
    """
    generation = content_generation()
    key = _NEXT_DUE_KEY.format(generation=generation)
    next_due = cache.get(key)
    if next_due is None:
        next_due = _next_due_timestamp()
        cache.set(key, next_due, timeout=_NEXT_DUE_TTL)
    if next_due != _NO_SCHEDULED_ARTICLE and _clock() >= next_due:
        content_changed()
        generation = content_generation()
        cache.set(_NEXT_DUE_KEY.format(generation=generation), _next_due_timestamp(), _NEXT_DUE_TTL)
    return generation
