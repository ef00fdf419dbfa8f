"""PostgreSQL: writing the search documents and keeping their indexes (the query side is
``postgresql``, which hands these on as the backend's interface).

Documents are written with ``COPY`` and their weighted ``tsvector`` built in Python
(``articles.search.tsvector``); a full rebuild drops the GIN indexes first and builds them
again once at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection

from articles.search.tsvector import tsvector_text

# The search table's GIN indexes (migrations 0011_search, 0019_search_speed and
# 0023_search_projects_index), which a full rebuild drops and builds again once at the end:
# far cheaper than updating them row by row.
_GIN_INDEXES = {
    "articles_searchdocument_tsv": "USING gin (tsv)",
    "articles_searchdocument_plain_trgm": "USING gin (plain gin_trgm_ops)",
    "articles_searchdocument_head": "USING gin (to_tsvector('simple'::regconfig, title || ' ' || projects))",
    "articles_searchdocument_projects": "USING gin (to_tsvector('simple'::regconfig, projects))",
}
# Memory for building each of them (the default, 64 MB, makes the tsvector GIN spill to disk);
# two are built at a time.
_BUILD_MEMORY = "256MB"


@contextmanager
def bulk_indexing() -> Iterator[None]:
    """Around the rewriting of every document: the GIN indexes are dropped first and built
    again at the end, even when the rewriting fails or is interrupted (``search_rebuild``
    turns SIGTERM into an exception; searching meanwhile is slower, never wrong). A rebuild
    killed outright (SIGKILL, a crash) leaves them missing: ``manage.py migrate`` (a
    ``post_migrate`` handler) and the next ``search_rebuild`` build them again
    (``indexes_ensure``)."""
    with connection.cursor() as cursor:
        for name in _GIN_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    try:
        yield
    finally:
        indexes_ensure()


def _index_build(name: str, definition: str) -> None:
    from django.db import connections

    # This thread's own connection: two indexes are built at once, one per core.
    own = connections["default"]
    try:
        with own.cursor() as cursor:
            cursor.execute(f"SET maintenance_work_mem = '{_BUILD_MEMORY}'")
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON articles_searchdocument {definition}")
    finally:
        own.close()


def indexes_ensure() -> list[str]:
    """Build the GIN indexes that are missing (after a rebuild, or one that was killed), two
    at a time (the largest, on ``tsv``, beside the two others), then analyze the table; the
    names of those built (none: two queries, nothing else)."""
    from concurrent.futures import ThreadPoolExecutor

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('articles_searchdocument') IS NOT NULL")
        if not cursor.fetchone()[0]:  # migrated back before the search table
            return []
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ANY(%s)",
            [list(_GIN_INDEXES)],
        )
        present = {row[0] for row in cursor.fetchall()}
    missing = {name: sql for name, sql in _GIN_INDEXES.items() if name not in present}
    if not missing:
        return []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for built in [pool.submit(_index_build, name, sql) for name, sql in missing.items()]:
            built.result()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_searchdocument")
    return list(missing)


# The tsvector of a document as PostgreSQL computes it (``articles.search.tsvector`` builds
# the same value in Python; this is the fallback for tokens it cannot vouch for).
_TSVECTOR = """
    setweight(to_tsvector('simple'::regconfig, title), 'A')
    || setweight(to_tsvector('simple'::regconfig, summary || ' ' || projects), 'B')
    || setweight(to_tsvector('simple'::regconfig, body), 'C')
    || setweight(to_tsvector('simple'::regconfig, characters), 'D')
"""


# The columns only the tsvector is made of: not stored when it was built in Python, so a row
# holds what queries read (title and project tokens, ``plain``, the scope) and many fit a page
# (a common word's matches are visited by the page).
_TSVECTOR_ONLY = ("summary", "body", "characters")


def document_row(document, fields: Sequence[str]) -> tuple:
    """A ``SearchDocument``'s row as ``documents_insert`` takes it: its ``fields`` and its
    weighted ``tsvector`` as text, built in Python (on the segmenting worker during a
    rebuild), or None when PostgreSQL must compute it (``articles.search.tsvector``). With the
    tsvector built, the columns only it is made of are stored empty."""
    tsv = tsvector_text(
        [
            (document.title, "A"),
            (f"{document.summary} {document.projects}", "B"),
            (document.body, "C"),
            (document.characters, "D"),
        ]
    )
    if tsv is None:
        return (*(getattr(document, field) for field in fields), tsv)
    return (*("" if field in _TSVECTOR_ONLY else getattr(document, field) for field in fields), tsv)


def documents_insert(fields: Sequence[str], rows: Iterable[tuple], *, indexed_at) -> None:
    """Write new search documents, ``rows`` of ``fields`` and the ``tsvector`` text, with COPY:
    no statement of a few megabytes to build and parse per batch, and no ``to_tsvector`` to
    run (the tsvector's text is only read). The few whose tsvector was left to PostgreSQL get
    it by one UPDATE."""
    columns = (*fields, "tsv", "indexed_at")
    key = fields.index("article_id")
    computed_here: list[int] = []
    sql = f"COPY articles_searchdocument ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                if row[-1] is None:
                    computed_here.append(row[key])
                copy.write_row((*row, indexed_at))
        if computed_here:
            cursor.execute(
                f"UPDATE articles_searchdocument SET tsv = {_TSVECTOR} WHERE article_id = ANY(%s)",
                [computed_here],
            )
