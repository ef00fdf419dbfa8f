"""Full-page cache for anonymous readers, with ETag/Last-Modified revalidation.

``reader_page`` wraps a reader view (pages, feeds, sitemaps):

- Anonymous GET/HEAD requests are answered from the cache (Redis when ``REDIS_URL`` is set,
  local memory otherwise). Entries are keyed on the content generation
  (``articles.caching.content_state``), so any change to an article, its credits or its
  projects, or a scheduled article falling due, makes every entry stale at once.
- Every cached answer carries ``ETag`` and ``Last-Modified``; a matching conditional request
  gets ``304 Not Modified``. ``Cache-Control`` is public with a short max-age, and the answer
  varies on ``Cookie`` (a logged-in reader must never get an anonymous copy from a proxy).
- Logged-in users (staff) always get a freshly rendered page marked ``private, no-store``;
  their requests neither read nor fill the cache.
- A response is stored only when it is safe to share: status 200, no cookie set, no CSRF
  token used, no message shown, no session written.
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe

from articles.caching import content_state

# Only these query parameters change what a reader view returns; others (utm_source ...) are
# left out of the key so they cannot fill the cache with copies of one page.
KEY_QUERY_PARAMETERS = ("page", "p")
_SKIPPED_HEADERS = {"vary", "cache-control", "etag", "set-cookie"}


def page_cache_key(request: HttpRequest, generation: int) -> str:
    """The cache key of the page ``request`` asks for, under content ``generation``."""
    query = "&".join(f"{name}={request.GET[name]}" for name in KEY_QUERY_PARAMETERS if name in request.GET)
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(address.encode("utf-8")).hexdigest()[:32]
    return f"articles:page:{generation}:{translation.get_language()}:{digest}"


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


def _entry_from(response: HttpResponse) -> dict:
    content = response.content
    last_modified = parse_http_date_safe(response.get("Last-Modified", "")) or int(time.time())
    return {
        "content": content,
        "headers": {k: v for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS},
        "etag": f'"{hashlib.sha256(content).hexdigest()[:32]}"',
        "last_modified": last_modified,
    }


def _response_from(request: HttpRequest, entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"], headers=entry["headers"])
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    patch_cache_control(
        response, public=True, max_age=settings.ARTICLES_BROWSER_CACHE_SECONDS, must_revalidate=True
    )
    patch_vary_headers(response, ("Cookie",))
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )


def _render(view, request: HttpRequest, *args, **kwargs) -> HttpResponse:
    response = view(request, *args, **kwargs)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def reader_page(view):
    """Serve ``view`` from the anonymous full-page cache (see the module docstring)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if request.user.is_authenticated:
            response = _render(view, request, *args, **kwargs)
            add_never_cache_headers(response)
            return response
        key = page_cache_key(request, content_state())
        entry = cache.get(key)
        if entry is None:
            response = _render(view, request, *args, **kwargs)
            if not _is_shareable(request, response):
                if response.status_code == 200:
                    add_never_cache_headers(response)
                return response
            entry = _entry_from(response)
            if settings.ARTICLES_PAGE_CACHE_SECONDS > 0:
                cache.set(key, entry, timeout=settings.ARTICLES_PAGE_CACHE_SECONDS)
        return _response_from(request, entry)

    return wrapper
