"""A Redis cache that an outage degrades instead of breaking (``REDIS_URL`` selects it).

django-redis's ``RedisCache`` either raises on a connection error or, with
``IGNORE_EXCEPTIONS``, hides it and tries the network again on the very next call. Neither is
what a site under load wants when Redis goes away: pages must still be served (uncached), and
workers must not queue up behind connection attempts. ``ResilientRedisCache`` therefore:

- answers every call as a cache miss would (``get`` gives the default, ``get_many`` ``{}``,
  ``set``/``add``/``incr`` give ``None``/``False``) when Redis cannot be reached, never raising;
- after a failure, stops calling Redis at all for ``DOWN_SECONDS`` (an option, default 2 s):
  the calls in that window cost nothing; the first call after it tries again, so service comes
  back by itself once Redis does;
- counts outages (``outages``) and tells whether it is up (``is_available()``), so callers that
  must not lose a write, such as cache invalidation, can tell a miss from a failure.

Socket timeouts (``SOCKET_CONNECT_TIMEOUT``, ``SOCKET_TIMEOUT``) bound what one failed call
costs when Redis hangs rather than refuses; ``cms/settings/base.py`` sets them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a connection or server failure raises through django-redis.
REDIS_FAILURES = (RedisError, ConnectionInterrupted, OSError)


def _none() -> None:
    return None


def _false() -> bool:
    return False


def _empty_dict() -> dict:
    return {}


def _empty_list() -> list:
    return []


# Each public method and what it answers while Redis is unavailable.
_FALLBACKS: dict[str, Callable[[], Any]] = {
    "set": _false,
    "add": _false,
    "delete": _false,
    "delete_many": _none,
    "delete_pattern": _none,
    "clear": _none,
    "get_many": _empty_dict,
    "set_many": _empty_list,
    "incr": _none,
    "decr": _none,
    "has_key": _false,
    "keys": _empty_list,
    "ttl": _none,
    "expire": _false,
    "persist": _false,
    "touch": _false,
}


class ResilientRedisCache(RedisCache):
    """django-redis with a circuit breaker: an outage means misses, never errors."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = {**params, "OPTIONS": dict(params.get("OPTIONS", {}))}
        self.down_seconds = float(params["OPTIONS"].pop("DOWN_SECONDS", 2.0))
        params["OPTIONS"].pop("IGNORE_EXCEPTIONS", None)
        super().__init__(server, params)
        self._ignore_exceptions = False  # failures reach _guarded, which decides
        self._down_until = 0.0
        self._lock = threading.Lock()
        self.outages = 0

    def is_available(self) -> bool:
        """False while the breaker is open after a failure."""
        return time.monotonic() >= self._down_until

    def _trip(self, error: BaseException) -> None:
        with self._lock:
            if self.is_available():
                self.outages += 1
                logger.warning(
                    "Redis cache unavailable (%s); serving without it for %.1f s", error, self.down_seconds
                )
            self._down_until = time.monotonic() + self.down_seconds

    def get(self, key, default=None, version=None, client=None):
        if not self.is_available():
            return default
        try:
            return super().get(key, default=default, version=version, client=client)
        except REDIS_FAILURES as error:
            self._trip(error)
            return default


def _guarded(name: str, fallback: Callable[[], Any]) -> Callable:
    inner = getattr(RedisCache, name)

    @wraps(inner)
    def method(self: ResilientRedisCache, *args, **kwargs):
        if not self.is_available():
            return fallback()
        try:
            return inner(self, *args, **kwargs)
        except REDIS_FAILURES as error:
            self._trip(error)
            return fallback()

    return method


for _name, _fallback in _FALLBACKS.items():
    setattr(ResilientRedisCache, _name, _guarded(_name, _fallback))
