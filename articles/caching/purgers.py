"""CDN purgers: tell the caches in front of Masthead which surrogate keys changed.

``ARTICLES_CDN_PURGER`` picks one:

- ``none`` (default): nothing in front, nothing to tell;
- ``log``: logs each purge (``articles.caching.purgers`` logger), to see what would be sent;
- ``http``: an HTTP ``PURGE`` request to each of ``ARTICLES_CDN_PURGE_URLS`` with the keys,
  space-separated, in the ``ARTICLES_CDN_PURGE_HEADER`` header (``xkey-purge`` by default: what
  Varnish's xkey vmod reads; see the README for the VCL). A purge of everything sends the key
  ``all``, which every cacheable response carries;
- a dotted path to a class with a ``purge(keys)`` method, e.g. one calling Fastly's or
  Cloudflare's purge-by-tag API.

Purges are sent once per committed transaction, after the commit. A purger that fails logs the
failure and never breaks the save that caused it: the CDN's own TTL
(``ARTICLES_CDN_CACHE_SECONDS``) bounds how stale it can then be.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Iterable
from functools import cache as memoize
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Keys per request: keeps a header well under the 8 KB most proxies accept.
HTTP_BATCH = 200


class Purger(Protocol):
    def purge(self, keys: Iterable[str]) -> None:
        """Make the CDN drop every response carrying any of ``keys``. Should not raise."""


class NoopPurger:
    def purge(self, keys: Iterable[str]) -> None:
        return None


class LoggingPurger:
    def purge(self, keys: Iterable[str]) -> None:
        logger.info("purge surrogate keys: %s", " ".join(sorted(keys)))


class HttpPurger:
    """``PURGE`` with the keys in a header, to every configured cache (Varnish with xkey, an
    OpenResty/nginx purge endpoint ...)."""

    def __init__(
        self, urls: list[str] | None = None, header: str | None = None, timeout: float | None = None
    ) -> None:
        self.urls = list(urls if urls is not None else settings.ARTICLES_CDN_PURGE_URLS)
        self.header = header or settings.ARTICLES_CDN_PURGE_HEADER
        self.timeout = timeout if timeout is not None else settings.ARTICLES_CDN_PURGE_TIMEOUT
        if not self.urls:
            raise ImproperlyConfigured("ARTICLES_CDN_PURGER=http needs ARTICLES_CDN_PURGE_URLS.")
        for url in self.urls:
            if not url.startswith(("http://", "https://")):
                raise ImproperlyConfigured(f"ARTICLES_CDN_PURGE_URLS must be http(s) URLs, not {url!r}.")

    def purge(self, keys: Iterable[str]) -> None:
        ordered = sorted(set(keys))
        for start in range(0, len(ordered), HTTP_BATCH):
            batch = " ".join(ordered[start : start + HTTP_BATCH])
            for url in self.urls:
                self._send(url, batch)

    def _send(self, url: str, keys: str) -> None:
        request = urllib.request.Request(url, method="PURGE", headers={self.header: keys})  # noqa: S310 (http(s) only)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
        except (urllib.error.URLError, OSError) as error:
            logger.warning("CDN purge of %s at %s failed: %s", keys, url, error)


_ALIASES = {
    "none": "articles.caching.purgers.NoopPurger",
    "log": "articles.caching.purgers.LoggingPurger",
    "http": "articles.caching.purgers.HttpPurger",
}


@memoize
def _purger_for(name: str) -> Purger:
    return import_string(_ALIASES.get(name, name))()


def get_purger() -> Purger:
    """The configured purger (made once per setting value)."""
    return _purger_for(settings.ARTICLES_CDN_PURGER)


def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith("ARTICLES_CDN_"):
        _purger_for.cache_clear()


setting_changed.connect(_settings_changed, dispatch_uid="articles-cdn-purger-settings")
