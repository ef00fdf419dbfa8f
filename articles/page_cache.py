"""Full-page cache for anonymous readers, keyed by URL and invalidated by surrogate keys.

Two halves:

- ``reader_page`` wraps a reader view (pages, feeds, sitemaps). It renders the view inside a
  surrogate-key collector (``articles.caching.keys``) and with fragment caching on, then marks
  a shareable 200 as cacheable: ``Surrogate-Key`` and ``Cache-Tag`` headers naming what it shows
  (for CDNs), ``Cache-Control: public`` with a short max-age (and ``s-maxage`` when a CDN may
  keep it), ``Vary: Cookie``. Logged-in users (staff) get a fresh page marked
  ``private, no-store``, never stored.
- ``PageCacheMiddleware`` sits right after WhiteNoise, before sessions, auth, CSRF and messages:
  an anonymous GET/HEAD (no session cookie) whose page is cached and fresh is answered there,
  without running the rest of the stack or any query. A page this process answered or stored
  lately is kept in its memory (``RECENT_PAGES``), so a hit on it asks the shared cache only
  whether its keys were purged since (one round trip, not two), and only for the purge counter
  while nothing at all was purged since it was last found fresh (a handful of values, not one
  per key). On the way out it stores what ``reader_page`` marked, with the headers the rest of
  the stack added (CSP, X-Frame-Options).

Every cacheable answer carries ``ETag`` and ``Last-Modified``; a matching conditional request
gets ``304 Not Modified``. ``X-Cache`` says ``hit`` or ``miss``.

An entry is stale as soon as one of its keys is purged (``articles.caching.store``): an edit
to one article empties its page and the lists and feeds showing it, not every page. A page is
stored only when it is safe to share: status 200, no cookie set, no CSRF token used, no
message shown, no session written.

Query parameters: only those registered with ``reader_page(query=...)`` (and ``page``) are
part of the key; others (``utm_source`` ...) cannot fill the cache with copies of one page.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial, wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe

from articles.caching import fragments, store
from articles.caching import keys as surrogate
from articles.caching.invalidation import (
    due_records_check,
    last_purge_time,
    page_snapshot,
    render_start,
)

# Query parameters that change what a reader view returns; views add theirs through
# ``reader_page(query=...)``.
KEY_QUERY_PARAMETERS: set[str] = {"page", "p"}
_SKIPPED_HEADERS = {"vary", "cache-control", "etag", "last-modified", "set-cookie", "x-cache", "date"}
_PREFIX = "articles:page:"
# Pages this process answered or stored lately (key -> entry, the wall-clock time it expires,
# the purge mark it was last found fresh at): a hit on one reads only its keys' purge records,
# one cache round trip instead of two, and only the counter's (``store.purge_mark``) while no
# purge happened since it was last found fresh. A page is at most ~100 KB: this bounds the
# copies at a few MB per process.
RECENT_PAGES = 128
_recent: dict[str, tuple[store.Entry, float, tuple | None]] = {}
_recent_lock = threading.Lock()


@dataclass(slots=True)
class _Cacheable:
    seq: int | None
    keys: tuple[str, ...]
    timeout: int | None = None  # shorter than ARTICLES_PAGE_CACHE_SECONDS: it expires by itself


def page_cache_key(request: HttpRequest) -> str:
    """The cache key of the page ``request`` asks for (scheme, host, path, key parameters,
    language)."""
    query = "&".join(
        f"{name}={request.GET[name]}" for name in sorted(KEY_QUERY_PARAMETERS) if name in request.GET
    )
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(address.encode("utf-8")).hexdigest()[:32]
    return f"{_PREFIX}{translation.get_language()}:{digest}"


def _is_shareable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page holds a CSRF token: it belongs to one visitor
    messages = getattr(request, "_messages", None)
    if messages is not None and messages.used:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


def _render(view, request: HttpRequest, *args, **kwargs) -> HttpResponse:
    response = view(request, *args, **kwargs)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def _pin_if_replica_may_lag() -> None:
    """Right after a change, read from the primary: a replica may not have it yet."""
    if not settings.DATABASE_REPLICA_URL:
        return
    purged_at = last_purge_time()
    if purged_at is not None and time.time() - purged_at < settings.DATABASE_REPLICA_LAG_SECONDS:
        from cms.db_router import pin_to_primary

        pin_to_primary()


def _lifetime(expiries: list[float]) -> int | None:
    """Seconds until the earliest declared expiry (at least 1), ``None`` when none."""
    if not expiries:
        return None
    return max(1, int(min(expiries) - time.time()))


def _cache_headers(response: HttpResponse, shown: set[str], *, cdn: bool, lifetime: int | None) -> None:
    surrogate_key, cache_tag = surrogate.header_values(shown)
    response["Surrogate-Key"] = surrogate_key
    response["Cache-Tag"] = cache_tag
    cdn_seconds = settings.ARTICLES_CDN_CACHE_SECONDS if cdn else 0
    if lifetime is not None:
        cdn_seconds = min(cdn_seconds, lifetime)
    control = {"public": True, "max_age": settings.ARTICLES_BROWSER_CACHE_SECONDS, "must_revalidate": True}
    if cdn_seconds > 0:
        control["s_maxage"] = cdn_seconds
        response["Surrogate-Control"] = f"max-age={cdn_seconds}"
    patch_cache_control(response, **control)
    patch_vary_headers(response, ("Cookie",))


def reader_page(view=None, *, keys: Iterable[str] = (), query: Iterable[str] = ()):
    """Make ``view`` a cacheable reader page (see the module docstring).

    ``keys``: surrogate keys every response of the view shows, besides those it declares while
    rendering (``articles.caching.keys``). ``query``: the query parameters that change its
    content (``page`` always does). Usable bare or with arguments::

        path("flash/", reader_page(views.FlashListView.as_view(), keys=["flashes"]))
        path("search/", reader_page(views.search, query=["q"]))
    """
    if view is None:
        return partial(reader_page, keys=keys, query=query)
    KEY_QUERY_PARAMETERS.update(query)
    static_keys = tuple(keys)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        seq, early = render_start(fragments.PAGE_ENTRIES)
        _pin_if_replica_may_lag()
        # Staff see exactly what is stored now: no cached fragment, ever.
        fragment_seq = None if request.user.is_authenticated else seq
        with (
            surrogate.collecting() as shown,
            surrogate.expiring() as expiries,
            fragments.rendering(fragment_seq, early=early),
            page_snapshot(seq),
        ):
            surrogate.declare(*static_keys)
            response = _render(view, request, *args, **kwargs)
        private = response.status_code == 200 and not _is_shareable(request, response)
        if request.user.is_authenticated or private:
            if response.status_code == 200:
                add_never_cache_headers(response)
            return response
        if response.status_code == 200 and not response.streaming:
            # A view that declared nothing is purged by any change here, and a CDN must
            # revalidate it every time: no purge by key could reach it there.
            declared = bool(shown)
            shown.add(surrogate.ALL)
            lifetime = _lifetime(expiries)
            _cache_headers(response, shown, cdn=declared, lifetime=lifetime)
            entry_keys = tuple(sorted(shown)) if declared else (surrogate.NO_KEYS,)
            response._masthead_cacheable = _Cacheable(seq=seq, keys=entry_keys, timeout=lifetime)
        return response

    return wrapper


# --- the middleware --------------------------------------------------------------------------


def _entry_value(response: HttpResponse) -> dict:
    content = response.content
    last_modified = parse_http_date_safe(response.get("Last-Modified", "")) or int(time.time())
    return {
        "content": content,
        "headers": [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS],
        "cache_control": response.get("Cache-Control", ""),
        "vary": response.get("Vary", ""),
        "etag": f'"{hashlib.sha256(content).hexdigest()[:32]}"',
        "last_modified": last_modified,
    }


def _remember(key: str, entry: store.Entry, mark: tuple | None = None) -> None:
    expires = entry.value.get("expires_at") if isinstance(entry.value, dict) else None
    if expires is None:
        return
    with _recent_lock:
        _recent.pop(key, None)
        _recent[key] = (entry, expires, mark)
        while len(_recent) > RECENT_PAGES:
            del _recent[next(iter(_recent))]


def _recent_page(key: str) -> store.Entry | None:
    """The copy of page ``key`` this process holds, when it is still fresh: no purge since it
    was last found fresh (one round trip, a handful of values), else none of its keys purged (one
    round trip, or two when a purge happened since)."""
    with _recent_lock:
        recent = _recent.get(key)
    if recent is None:
        return None
    entry, expires, mark = recent
    if time.time() < expires:
        if mark is not None and store.purge_mark(due_records_check(())) == mark:
            return entry
        records = due_records_check(entry.keys)
        if store.is_fresh(entry, records):
            with _recent_lock:
                if key in _recent:
                    _recent[key] = (entry, expires, store.purge_mark(records))
            return entry
    with _recent_lock:
        _recent.pop(key, None)
    return None


def _cached_page(key: str) -> store.Entry | None:
    """The fresh cached page ``key``: a copy this process holds when nothing it shows was purged
    since (one round trip), else the shared cache's (two)."""
    if (entry := _recent_page(key)) is not None:
        return entry
    entry = store.entries_get([key]).get(key)
    if entry is not None:
        _remember(key, entry)
    return entry


def _response_from(request: HttpRequest, value: dict, verdict: str) -> HttpResponse:
    response = HttpResponse(value["content"], headers=value["headers"])
    response["ETag"] = value["etag"]
    response["Last-Modified"] = http_date(value["last_modified"])
    response["Cache-Control"] = value["cache_control"]
    response["Vary"] = value["vary"]
    response["X-Cache"] = verdict
    return get_conditional_response(
        request, etag=value["etag"], last_modified=value["last_modified"], response=response
    )


class PageCacheMiddleware:
    """Answers anonymous cache hits early and stores what ``reader_page`` marked cacheable."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def _may_read(self, request: HttpRequest) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and settings.ARTICLES_PAGE_CACHE_SECONDS > 0
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = None
        if self._may_read(request):
            key = page_cache_key(request)
            entry = _cached_page(key)
            if entry is not None:
                return _response_from(request, entry.value, "hit")
        response = self.get_response(request)
        cacheable = getattr(response, "_masthead_cacheable", None)
        if cacheable is None:
            return response
        if response.status_code != 200 or not _is_shareable(request, response):
            add_never_cache_headers(response)
            return response
        value = _entry_value(response)
        if key is not None and cacheable.seq is not None:
            timeout = settings.ARTICLES_PAGE_CACHE_SECONDS
            if cacheable.timeout is not None:
                timeout = min(timeout, cacheable.timeout)
            value["expires_at"] = time.time() + timeout
            entry = store.Entry(value=value, seq=cacheable.seq, keys=cacheable.keys)
            store.entries_set({key: entry}, timeout=timeout)
            _remember(key, entry)
        return _response_from(request, value, "miss")
