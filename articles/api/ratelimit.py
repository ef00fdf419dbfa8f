"""Per-client request limits, counted in the cache (local memory or Redis alike).

A fixed one-minute window per client: the first request of a window adds the counter, every
request increments it (atomic in Redis, under a lock in local memory). Over the limit the API
answers ``429`` with ``Retry-After`` (seconds to the next window).
"""

from __future__ import annotations

import time

from django.core.cache import cache
from ninja.throttling import BaseThrottle

WINDOW_SECONDS = 60


def _clock() -> float:
    """The time windows are counted in (a seam for tests)."""
    return time.time()


def rate_limit_hit(*, ident: str, limit: int) -> bool:
    """Count one request for ``ident``; ``True`` while it stays within ``limit`` a minute."""
    window = int(_clock() // WINDOW_SECONDS)
    key = f"articles:api-rate:{ident}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    # A cache that is down (django-redis ignoring errors) answers None: let the request through.
    return count is None or count <= limit


def seconds_to_next_window() -> int:
    return max(1, int(WINDOW_SECONDS - _clock() % WINDOW_SECONDS))


class ClientRateThrottle(BaseThrottle):
    """ninja throttle over ``request.auth`` (an ``articles.api.auth.ApiClient``), run after auth."""

    def allow_request(self, request) -> bool:
        client = getattr(request, "auth", None)
        if client is None:
            return True
        return rate_limit_hit(ident=client.ident, limit=client.rate_limit)

    def wait(self) -> float:
        return seconds_to_next_window()
