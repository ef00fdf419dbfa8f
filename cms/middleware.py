"""A database outage answers 503 Service Unavailable with ``Retry-After``, not a 500.

While PostgreSQL restarts or fails over, a page that needs it cannot be made; saying so with a
503 tells load balancers, CDNs (which may then serve a stale copy) and crawlers that this is
temporary. Cached pages are still served: the page cache answers before any query
(``articles.page_cache.PageCacheMiddleware``). Connections are re-established by themselves on
the next request once the database is back (``CONN_HEALTH_CHECKS``).
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


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
