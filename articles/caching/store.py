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

An entry found fresh can be re-checked without its keys (``purge_mark``): while no purge
started or finished since, it is still fresh; the page cache's recent pages use that, so a hit
reads a handful of values, not one per key its page shows.

Reading entries costs one cache round trip (``get_many``) however many entries and keys, when
this process knows which keys they were made from (it stored or read them before: their
records are asked for with the entries), else two (the entries, then their keys' records).
When the cache is unavailable every read is a miss and nothing is stored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache

from articles.caching.keys import ALL, NO_KEYS

SEQ = "articles:seq"
PURGED_AT = "articles:purged-at"
# The counter value of the last purge whose records were all written (with them, at once).
PURGE_DONE = "articles:purge-done"
_RECORD = "articles:key:"
# Records outlive every entry that can refer to them (pages live minutes, fragments a day).
RECORD_TIMEOUT = 7 * 24 * 3600
# The keys each entry name was made from when this process last stored or read it (name ->
# keys): the next read of the name asks for those keys' records in the same round trip as the
# entry. Only a guess: keys that turn out different are read in a second round trip. A few
# hundred bytes a name: this bounds it at a few MB per process.
KNOWN_NAMES = 4096
_known_keys: dict[str, tuple[str, ...]] = {}
_known_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Entry:
    """A cached value, the counter value its render started from, and the keys it showed;
    ``expires``: the Unix time at which what it shows changes by itself (a pick expiring)."""

    value: object
    seq: int
    keys: tuple[str, ...]
    expires: float | None = None

    def __reduce__(self):
        # Rebuilt by its constructor: a page reads dozens of entries, and the default for a
        # frozen dataclass with slots (``__setstate__`` walking ``fields()``) costs several
        # times more. Entries pickled the default way still load.
        return (Entry, (self.value, self.seq, self.keys, self.expires))


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
    stamped[PURGE_DONE] = seq  # last: whoever sees it sees the records too
    failed = cache.set_many(stamped, timeout=RECORD_TIMEOUT)
    return not failed and _cache_available()


def _cache_available() -> bool:
    is_available = getattr(cache, "is_available", None)
    return is_available() if is_available else True


def records_get(keys: Iterable[str], *extra: str) -> dict[str, object]:
    """The records of ``keys`` (and ``all``, the counter, the last purge time) plus the cache
    values named in ``extra``, in one round trip."""
    names = [record_name(key) for key in {*keys, ALL} - {NO_KEYS}]
    return cache.get_many([*names, SEQ, PURGED_AT, PURGE_DONE, *extra])


def purge_mark(records: dict[str, object]) -> tuple[object, object] | None:
    """Where purging stood when ``records`` were read (``None``: no counter, unknown).

    Every purge moves the counter on before it writes its records, and writes ``PURGE_DONE``
    (its own counter value, unique) with them: while the mark is the same, no purge started or
    finished, so an entry found fresh against records read with a mark is still fresh, whatever
    its keys (an eviction of a record since cannot make it stale: nothing was purged)."""
    seq = records.get(SEQ)
    return None if seq is None else (seq, records.get(PURGE_DONE))


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


def _expected_keys(names: Iterable[str]) -> set[str]:
    with _known_lock:
        return {key for name in names for key in _known_keys.get(name, ())}


def _learn(entries: dict[str, Entry]) -> None:
    with _known_lock:
        for name, entry in entries.items():
            _known_keys.pop(name, None)
            _known_keys[name] = entry.keys
        while len(_known_keys) > KNOWN_NAMES:
            del _known_keys[next(iter(_known_keys))]


def entries_get(names: list[str]) -> dict[str, Entry]:
    """The fresh entries among ``names``, stale and missing ones left out: one round trip when
    their keys are the ones this process saw last for these names, else two."""
    from articles.caching.invalidation import due_records_check

    expected = _expected_keys(names)
    # The entries and their keys' records in one get_many: one consistent moment (MGET).
    records = due_records_check(expected, extra=tuple(names))
    found = {name: entry for name in names if isinstance(entry := records.get(name), Entry)}
    if not found:
        return {}
    missing = {key for entry in found.values() for key in entry.keys} - expected - {NO_KEYS}
    if missing:
        records = {**records, **records_get(missing)}
    _learn(found)
    return {name: entry for name, entry in found.items() if is_fresh(entry, records)}


def entries_set(entries: dict[str, Entry], *, timeout: int) -> None:
    """Store ``entries`` (stamping their keys first, so they are fresh from now on)."""
    if not entries:
        return
    stamp({key for entry in entries.values() for key in entry.keys}, min(e.seq for e in entries.values()))
    cache.set_many(entries, timeout=timeout)
    _learn(entries)
