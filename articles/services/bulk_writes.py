"""The database connection's settings while one process writes many rows (an import, a search
rebuild): on SQLite, more of the file kept in memory and fewer checkpoints; elsewhere nothing.

SQLite reads each page it does not hold with a system call and, in WAL mode, writes every page
a transaction changed to the log and again to the file at each checkpoint (every 1,000 pages
by default). A bulk write changes the same pages again and again (the tables' and indexes'
last leaves, and the search index's segments, which FTS5 merges as they grow), so with the
defaults (2 MB of pages, a checkpoint every 4 MB of log) most of its system calls read back
pages it wrote a moment ago or copy them to the file once more. The writer of an import of
4,000 posts (``strace -c``) read and wrote with 281,000 calls, 111,000 of them for the search
index; under these settings, checkpoint at the end included, 146,000 and 50,000.

The settings are the connection's own: readers on other connections keep theirs, and the
previous values come back when the block ends, after a checkpoint that copies the log into the
file (unless the block ran inside a caller's transaction, which then checkpoints as usual on a
later commit), so the work is done within the block and the log is not left long.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

SQLITE_BULK_PRAGMAS = {
    "cache_size": -64 * 1024,  # negative: KiB, so 64 MB of pages (the default holds 2 MB)
    "mmap_size": 256 * 1024 * 1024,  # pages of the file read in place, without a read call each
    "wal_autocheckpoint": 20_000,  # pages of log (80 MB) before a checkpoint (default 1,000)
}


def _pragma(name: str) -> int | None:
    """The setting's value; None where the database has no such setting (``mmap_size`` of an
    in-memory database). Read and set on the DB-API connection, as ``init_command`` sets the
    others: connection settings, not queries of the work they serve."""
    row = connection.connection.execute(f"PRAGMA {name}").fetchone()
    return None if row is None else row[0]


def _pragma_set(name: str, value: int) -> None:
    connection.connection.execute(f"PRAGMA {name} = {int(value)}")


@contextmanager
def bulk_writes() -> Iterator[None]:
    """Run the block with the default connection set for writing many rows (SQLite only;
    a no-op on other databases). Its previous settings are restored however the block ends."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    before = {name: _pragma(name) for name in SQLITE_BULK_PRAGMAS}
    before = {name: value for name, value in before.items() if value is not None}
    for name in before:
        _pragma_set(name, SQLITE_BULK_PRAGMAS[name])
    try:
        yield
    finally:
        if not connection.in_atomic_block:
            connection.connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        for name, value in before.items():
            _pragma_set(name, value)
