"""Cache invalidation hook for reader pages.

Anything that changes what readers see (an article, its credits, its projects) calls
``content_changed()``. Page caching keys on ``content_generation()``, so one bump makes every
cached page stale at once; bulk writers (the importer) call it once per batch.
"""

from __future__ import annotations

from django.core.cache import cache

_GENERATION_KEY = "articles:content-generation"


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
