"""Purging: which keys a change empties, and when.

``keys_changed(keys)`` is the one way to say "these surrogate keys changed". It purges them in
Masthead's shared cache at once (a page rendered later in the same transaction, or in a test,
is fresh) and again when the transaction commits (a page another request rendered from the
old rows while the transaction was open is not kept); after the commit it also sends them,
once per transaction, to the CDN purger. ``content_changed()`` purges everything (key ``all``):
bulk writers that bypass signals (the importer's batches) call it.

Scheduling is a query, never a job, so nothing writes when a scheduled article falls due.
Every cache read therefore also reads when the next scheduled article becomes visible (one
value, in the same round trip as the keys' records); once that moment has passed, the first
reader purges the lists of the articles that became visible then (and the CDN hears of it),
before its own page is looked up.

If the cache cannot take a purge (Redis unreachable), this process owes a purge of everything
and pays it as soon as the cache answers again, so an outage never leaves stale pages behind.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

from articles.caching import keys as surrogate
from articles.caching import store
from articles.caching.purgers import get_purger

logger = logging.getLogger(__name__)

NEXT_DUE = "articles:next-due"
_NO_SCHEDULED_ARTICLE = 0.0
# How long the "next scheduled article" answer is trusted before it is asked again.
_NEXT_DUE_TTL = 3600

# This process could not tell the cache about a purge: it owes a purge of everything.
_owed = False


def _clock() -> float:
    """This process's clock (a seam for tests: the cache's own expiry must not move with it)."""
    return time.time()


def _purge_now(keys: set[str]) -> None:
    global _owed
    if not store.purge_records(keys):
        _owed = True
        logger.warning("cache unavailable: purge of %d keys deferred until it answers", len(keys))


def _pay_what_is_owed() -> None:
    global _owed
    if _owed and store.purge_records({surrogate.ALL}):
        _owed = False
        logger.info("cache answers again: purged everything changed during the outage")


class _CommitBatch:
    """The keys one transaction changed, purged (again) and sent to the CDN after it commits."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.schedule_changed = False

    def __call__(self) -> None:
        if self.schedule_changed:
            cache.delete(NEXT_DUE)
        _purge_now(self.keys)
        try:
            get_purger().purge(self.keys)
        except Exception:  # a CDN outage must never fail the save that caused the purge
            logger.exception("CDN purger failed for %d keys", len(self.keys))


def _waiting_batch() -> _CommitBatch:
    """The batch of the open transaction, reused by every change made in the same (or an
    inner) atomic block: one CDN purge per save. A batch registered in a savepoint that was
    rolled back is gone from the list; one registered in a savepoint already released is not
    reused (its block is over)."""
    connection = transaction.get_connection()
    open_savepoints = set(connection.savepoint_ids)
    for savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _CommitBatch) and savepoints <= open_savepoints:
            return callback
    batch = _CommitBatch()
    transaction.on_commit(batch, robust=True)
    return batch


def keys_changed(keys: Iterable[str], *, schedule_changed: bool = False) -> None:
    """Purge ``keys`` now and after the commit (then from the CDN too).

    ``schedule_changed``: an article's status or publication time changed, so the moment the
    next scheduled article falls due is asked again.
    """
    keys = set(keys)
    _pay_what_is_owed()
    if not transaction.get_connection().in_atomic_block:
        batch = _CommitBatch()  # autocommit: the change is committed already
        batch.keys, batch.schedule_changed = keys, schedule_changed
        batch()
        return
    if schedule_changed:
        cache.delete(NEXT_DUE)
    _purge_now(keys)
    batch = _waiting_batch()
    batch.keys |= keys
    batch.schedule_changed |= schedule_changed


def content_changed() -> None:
    """Mark every cached reader page and fragment stale, here and in the CDN."""
    keys_changed([surrogate.ALL], schedule_changed=True)


def content_generation() -> int:
    """The current value of the purge counter: it moves on with every purge."""
    return store.snapshot() or 0


def render_snapshot() -> int | None:
    """What a render about to start should store its entries under (``None``: store nothing).
    Pays a purge owed from an outage first."""
    return render_start()[0]


def render_start(
    early: dict[str, tuple[str, ...]] | None = None,
) -> tuple[int | None, dict[str, store.Entry]]:
    """``render_snapshot()``, and the fresh entries among ``early`` (cache name -> the keys its
    entry is made from, known beforehand: the sections) read in the same round trip."""
    early = early or {}
    records = due_records_check({key for keys in early.values() for key in keys}, extra=tuple(early))
    seq = records.get(store.SEQ)
    found = {
        name: entry
        for name in early
        if isinstance(entry := records.get(name), store.Entry) and store.is_fresh(entry, records)
    }
    return (int(seq) if seq is not None else store.snapshot()), found


_page_snapshot: ContextVar[int | None] = ContextVar("masthead_page_snapshot", default=None)


@contextmanager
def page_snapshot(seq: int | None) -> Iterator[None]:
    """Inside the block (a reader page's render), ``content_state()`` is ``seq``: read once."""
    token = _page_snapshot.set(seq)
    try:
        yield
    finally:
        _page_snapshot.reset(token)


def content_state() -> int:
    """The purge counter once due scheduled articles are accounted for: a value to key cheap
    derived data on (counts, the sitemaps' last change). Costs one cache round trip, none
    inside a reader page's render (its snapshot is reused)."""
    seq = _page_snapshot.get()
    return seq if seq is not None else render_snapshot() or 0


def last_purge_time() -> float | None:
    """When anything was last purged (wall clock), as far as the cache knows."""
    return cache.get(store.PURGED_AT)


# --- scheduled articles ----------------------------------------------------------------------


def _next_due() -> tuple[float, float]:
    """``(when the next published-but-scheduled article becomes visible, when this was asked)``
    (one indexed query)."""
    from django.utils import timezone

    from articles.models import Article

    asked = timezone.now()
    next_due = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=asked)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return (next_due.timestamp() if next_due else _NO_SCHEDULED_ARTICLE, asked.timestamp())


def _publish_due(asked: float) -> None:
    """Purge the lists of the articles that became visible since ``asked`` (they were still
    scheduled then; any later save purged its own keys)."""
    from datetime import UTC, datetime

    from django.utils import timezone

    from articles.caching.affected import article_list_keys
    from articles.models import Article

    ids = list(
        Article.objects.filter(
            status=Article.Status.PUBLISHED,
            published_at__gt=datetime.fromtimestamp(asked, tz=UTC),
            published_at__lte=timezone.now(),
        ).values_list("pk", flat=True)
    )
    cache.set(NEXT_DUE, _next_due(), _NEXT_DUE_TTL)
    keys_changed(article_list_keys(ids))


def due_records_check(keys: Iterable[str], *, extra: tuple[str, ...] = ()) -> dict[str, object]:
    """The records of ``keys`` (see ``store.records_get``) and the cache values named in
    ``extra``, after paying a purge owed from an outage and purging what scheduled articles
    falling due since the last look changed."""
    keys = set(keys)
    _pay_what_is_owed()
    records = store.records_get(keys, NEXT_DUE, *extra)
    if store.SEQ not in records:  # a new (or emptied) cache: start the counter
        if store.snapshot() is None:
            return records  # no cache: nothing cached can be fresh anyway
        records = store.records_get(keys, NEXT_DUE, *extra)
    next_due = records.get(NEXT_DUE)
    if next_due is None:
        next_due = _next_due()
        cache.set(NEXT_DUE, next_due, _NEXT_DUE_TTL)
    due, asked = next_due
    if due != _NO_SCHEDULED_ARTICLE and _clock() >= due:
        _publish_due(asked)
        records = store.records_get(keys, NEXT_DUE, *extra)
    return records
