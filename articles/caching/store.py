"""Cache entries that know which surrogate keys they were made from, and go stale when one of
those keys is purged. No model knowledge here: ``articles.caching.invalidation`` decides what
to purge; the page cache and fragment caches store and read entries.

How freshness works, on any Django cache shared by every instance (Redis in production):

- ``articles:seq`` is a counter, moved on by every purge. A render reads it *before* it starts
  (``snapshot()``), and the entry it stores remembers that value and the keys it declared.
- ``articles:key:<key>`` holds the counter value of the last purge of ``<key>``.
- An entry is fresh when every one of its keys (and ``all``) has a record no newer than the
  entry's snapshot. A purge during a render is newer than the render's snapshot, so what was
  rendered from rows read before the change is never taken as fresh; a missing record (never
  stamped, or evicted) counts as stale, so an eviction can never bring an old entry back.
- An entry that declared no keys (``keys.NO_KEYS``) is fresh only while the counter has not
  moved at all: any change purges it, which is always correct.

Reading an entry costs two cache round trips (the entries, then their keys' records, both with
``get_many``), however many entries and keys. When the cache is unavailable every read is a
miss and nothing is stored.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache

from articles.caching.keys import ALL, NO_KEYS

SEQ = "articles:seq"
PURGED_AT = "articles:purged-at"
_RECORD = "articles:key:"
# Records outlive every entry that can refer to them (pages live minutes, fragments a day).
RECORD_TIMEOUT = 7 * 24 * 3600


@dataclass(frozen=True, slots=True)
class Entry:
    """A cached value, the counter value its render started from, and the keys it showed;
    ``expires``: the Unix time at which what it shows changes by itself (a pick expiring)."""

    value: object
    seq: int
    keys: tuple[str, ...]
    expires: float | None = None


def record_name(key: str) -> str:
    return _RECORD + key


def _initial_seq() -> int:
    # Milliseconds since the epoch: a counter lost with its Redis restarts above any value it
    # had (far fewer than one purge per millisecond), so old entries can never look fresh.
    return int(time.time() * 1000)


def snapshot() -> int | None:
    """The counter value a render starts from; ``None`` when the cache cannot be used."""
    seq = cache.get(SEQ)
    if seq is None:
        cache.add(SEQ, _initial_seq(), timeout=None)
        seq = cache.get(SEQ)
    return None if seq is None else int(seq)


def purge_records(keys: Iterable[str]) -> bool:
    """Move the counter on and stamp ``keys`` with it. False when the cache did not take it."""
    try:
        seq = cache.incr(SEQ)
    except ValueError:  # no counter yet (new or restarted cache)
        cache.add(SEQ, _initial_seq(), timeout=None)
        try:
            seq = cache.incr(SEQ)
        except ValueError:
            return False
    if seq is None:  # ResilientRedisCache: Redis unavailable
        return False
    stamped = {record_name(key): seq for key in set(keys)}
    stamped[PURGED_AT] = time.time()
    failed = cache.set_many(stamped, timeout=RECORD_TIMEOUT)
    return not failed and _cache_available()


def _cache_available() -> bool:
    is_available = getattr(cache, "is_available", None)
    return is_available() if is_available else True


def records_get(keys: Iterable[str], *extra: str) -> dict[str, object]:
    """The records of ``keys`` (and ``all``, the counter, the last purge time) plus the cache
    values named in ``extra``, in one round trip."""
    names = [record_name(key) for key in {*keys, ALL} - {NO_KEYS}]
    return cache.get_many([*names, SEQ, PURGED_AT, *extra])


def is_fresh(entry: Entry, records: dict[str, object]) -> bool:
    """Whether ``entry`` is still what its render would give (see the module docstring)."""
    if NO_KEYS in entry.keys:
        return records.get(SEQ) == entry.seq
    for key in (*entry.keys, ALL):
        purged = records.get(record_name(key))
        if purged is None or purged > entry.seq:
            return False
    return True


def stamp(keys: Iterable[str], seq: int) -> None:
    """Give keys that have no record yet one at ``seq`` (``add``: never over a newer purge)."""
    wanted = {record_name(key) for key in {*keys, ALL} - {NO_KEYS}}
    for name in wanted - cache.get_many(list(wanted)).keys():
        cache.add(name, seq, timeout=RECORD_TIMEOUT)


def entries_get(names: list[str]) -> dict[str, Entry]:
    """The fresh entries among ``names`` (two round trips; stale and missing ones left out)."""
    from articles.caching.invalidation import due_records_check

    found = {name: entry for name, entry in cache.get_many(names).items() if isinstance(entry, Entry)}
    if not found:
        return {}
    keys = {key for entry in found.values() for key in entry.keys}
    records = due_records_check(keys)
    return {name: entry for name, entry in found.items() if is_fresh(entry, records)}


def entries_set(entries: dict[str, Entry], *, timeout: int) -> None:
    """Store ``entries`` (stamping their keys first, so they are fresh from now on)."""
    if not entries:
        return
    stamp({key for entry in entries.values() for key in entry.keys}, min(e.seq for e in entries.values()))
    cache.set_many(entries, timeout=timeout)
