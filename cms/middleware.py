"""Requests and outages that must not become a 500.

``HostileRequestMiddleware``: a NUL or another control character in the path or in a query
parameter is answered 400 before any view runs (except under ``/api/``, whose parameters are
all typed and checked by the API itself: it answers 422 naming the parameter, in JSON). No URL
of the site has one; PostgreSQL refuses NUL in a query (a 500 in every view that filters by a
path or query value: tag pages, admin filters, the project picker), and slugs, file names and
cache keys should never carry them.

``DatabaseUnavailableMiddleware``: a database outage answers 503 Service Unavailable with
``Retry-After``, not a 500.

While PostgreSQL restarts or fails over, a page that needs it cannot be made; saying so with a
503 tells load balancers, CDNs (which may then serve a stale copy) and crawlers that this is
temporary. Cached pages are still served: the page cache answers before any query
(``articles.page_cache.PageCacheMiddleware``). Connections are re-established by themselves on
the next request once the database is back (``CONN_HEALTH_CHECKS``).
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


# C0 controls but tab, newline and carriage return (which forms and textareas send), and DEL.
_CONTROL_CHARACTERS = frozenset(chr(code) for code in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _has_control_characters(text: str) -> bool:
    return not _CONTROL_CHARACTERS.isdisjoint(text)


_VALIDATES_ITS_OWN = ("/api/",)


class HostileRequestMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(_VALIDATES_ITS_OWN):
            return self.get_response(request)
        if _has_control_characters(request.path) or any(
            _has_control_characters(key) or any(_has_control_characters(value) for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                loader.render_to_string("400.html"), content_type="text/html; charset=utf-8"
            )
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        if not _is_outage(exception):
            return None  # a query error (a cancelled statement, bad SQL): a real 500
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


# PostgreSQL's SQLSTATEs for "the server is going away or not there yet".
_SHUTDOWN_STATES = {"57P01", "57P02", "57P03"}


def _is_outage(exception: Exception) -> bool:
    """True when ``exception`` says the database cannot be reached, not that a query failed.

    psycopg reports connection failures without a SQLSTATE (the client gave up) or with class
    08 (connection exception) or 57P01-57P03 (shutting down, crashed, starting up).
    """
    cause = exception.__cause__
    if cause is None:
        return False
    if not type(cause).__module__.startswith("psycopg"):
        return "database is locked" in str(cause)  # SQLite: busy beyond its timeout
    state = getattr(cause, "sqlstate", None)
    return state is None or state.startswith("08") or state in _SHUTDOWN_STATES
