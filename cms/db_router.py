"""Reads from a replica, writes to the primary (``DATABASE_REPLICA_URL`` turns it on).

``ReplicaRouter`` sends reads to the ``replica`` alias unless the primary must answer:

- the request is for the admin, or is not a GET/HEAD (editors see and act on the primary's
  rows; a form must not be validated against a lagging copy);
- the request has written already (``db_for_write`` pins the rest of it to the primary, so a
  redirect-after-save or a page rendered after a write reads its own writes);
- a transaction is open on the primary (``select_for_update`` and reads inside ``atomic`` see
  the rows they are about to change);
- content changed less than ``DATABASE_REPLICA_LAG_SECONDS`` ago: the page cache pins the
  render (``articles.page_cache``), so a page re-rendered right after an edit is not cached
  from the replica's past.

Migrations run on the primary only; the replica gets them through replication.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.db import connections
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA = "replica"

_pinned: ContextVar[bool] = ContextVar("masthead_primary_pinned", default=False)


def pin_to_primary() -> None:
    """Send the rest of this request's (or this thread's) reads to the primary."""
    _pinned.set(True)


def is_pinned() -> bool:
    return _pinned.get()


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if _pinned.get() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        _pinned.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same rows, whichever copy they were read from

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        return db == PRIMARY


class PrimaryPinningMiddleware:
    """Starts every request unpinned, and pins admin and non-read requests to the primary."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pinned = request.method not in ("GET", "HEAD") or request.path.startswith("/admin/")
        token = _pinned.set(pinned)
        try:
            return self.get_response(request)
        finally:
            _pinned.reset(token)
