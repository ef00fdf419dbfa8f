"""Conditional and cached JSON answers for the content API.

An answer's ETag is computed before any query: it is the hash of the content version
(``content_version``), the API revision, the path and the query string (less the key). So a
client revalidating with ``If-None-Match`` gets its ``304`` without a database query, and any
change to published content (or a scheduled article falling due) gives every answer a new ETag.
The answer itself is kept in the cache under the same hash for ``ARTICLES_API_CACHE_SECONDS``.

``content_version`` is the only place the API learns whether content changed: switch it (to
surrogate keys, say) and everything here follows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from articles.caching import content_state

# Bump when the shape of answers changes, so clients and the cache drop old ones on deploy.
API_REVISION = "1"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
# Parameters that do not change the answer (the content key) stay out of the cache key.
_IGNORED_PARAMETERS = {"key"}


def content_version() -> str:
    """The version of everything the content API shows (the reader cache's generation)."""
    return str(content_state())


def json_bytes(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _fingerprint(request: HttpRequest, version: str) -> str:
    query = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if name not in _IGNORED_PARAMETERS
        for value in values
    )
    seed = f"{API_REVISION}|{version}|{request.path}|{urlencode(query)}"
    return hashlib.sha256(seed.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _cache_headers(response: HttpResponse, etag: str) -> None:
    response["ETag"] = etag
    # Shared caches may keep answers only when anyone may read them anyway.
    audience = {"public": True} if settings.ARTICLES_API_ANONYMOUS else {"private": True}
    patch_cache_control(
        response, **audience, max_age=settings.ARTICLES_API_BROWSER_CACHE_SECONDS, must_revalidate=True
    )
    patch_vary_headers(response, ("X-Masthead-Key",))


def cached_json(request: HttpRequest, build: Callable[[], dict]) -> HttpResponse:
    """Answer ``request`` with the JSON ``build()`` returns, as a ``304`` when the client's
    ETag is current, from the cache when another client asked the same, else by calling
    ``build`` (which may raise ``Http404``/``HttpError`` as usual)."""
    fingerprint = _fingerprint(request, content_version())
    etag = f'"{fingerprint}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        _cache_headers(not_modified, etag)
        return not_modified
    cache_key = f"articles:api:{fingerprint}"
    body = cache.get(cache_key)
    if body is None:
        body = json_bytes(build())
        if settings.ARTICLES_API_CACHE_SECONDS > 0:
            cache.set(cache_key, body, timeout=settings.ARTICLES_API_CACHE_SECONDS)
    response = HttpResponse(body, content_type=JSON_CONTENT_TYPE)
    _cache_headers(response, etag)
    return response
