"""SQLite: FTS5 over the segmented columns ranked with ``bm25``; substrings of two characters
or more with LIKE over ``plain`` (a scan, fine at the sizes SQLite serves)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from datetime import datetime

from django.db import connection

from articles.search.backends import Scope, token_in_column
from articles.search.query import ParsedQuery

SUBSTRING_MIN_LENGTH = 2
# bm25 column weights: title, summary (excerpt, credits, categories, tags), projects, body,
# single characters; the proportions of the PostgreSQL weights.
_WEIGHTS = "20.0, 8.0, 8.0, 4.0, 1.0"


def bulk_indexing() -> nullcontext:
    """Around the rewriting of every document: nothing to do (FTS5 is kept by triggers)."""
    return nullcontext()


def indexes_ensure() -> list[str]:
    """Nothing to build: FTS5 is never dropped. The names of those built (none)."""
    return []


def document_row(document, fields: Sequence[str]) -> tuple:
    """A ``SearchDocument``'s row as ``documents_insert`` takes it: its ``fields`` (the FTS5
    triggers index its token columns)."""
    return tuple(getattr(document, field) for field in fields)


def documents_insert(fields: Sequence[str], rows: Iterable[tuple], *, indexed_at: datetime) -> None:
    """Write new search documents, ``rows`` of ``fields`` (the FTS5 triggers index them), in
    as few multi-row statements as SQLite's parameter limit allows.

    One statement for many rows, not one per row: FTS5 writes out the terms it holds at the
    start of every statement that fires its triggers (the statement's savepoint), so row by row
    each document became a segment of its own, to be merged again; a statement of 200 documents
    makes one, and the writer's FTS5 time falls by about 40 %."""
    columns = (*fields, "indexed_at")
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Times as Django stores them (UTC text without an offset), as the ORM writes them.
    adapt = connection.ops.adapt_datetimefield_value
    rows = [
        tuple(adapt(value) if isinstance(value, datetime) else value for value in (*row, indexed_at))
        for row in rows
    ]
    size = max(1, connection.features.max_query_params // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO articles_searchdocument ({', '.join(columns)}) VALUES "
                f"{', '.join([row_sql] * len(chunk))}",
                [value for row in chunk for value in row],
            )


def _fts(tokens: tuple[str, ...], operator: str) -> str:
    # Tokens hold letters and digits only: each is one quoted FTS5 string, never syntax.
    return f" {operator} ".join(f'"{token}"' for token in tokens)


def _hits(query: ParsedQuery) -> tuple[str, list]:
    if not query.tokens:
        return "SELECT NULL AS article_id, 0 AS relevance WHERE 0", []
    return (
        f"SELECT rowid AS article_id, -bm25(articles_searchdocument_fts, {_WEIGHTS}) AS relevance "
        "FROM articles_searchdocument_fts WHERE articles_searchdocument_fts MATCH %s",
        [_fts(query.tokens, "AND")],
    )


def _match(query: ParsedQuery) -> tuple[str, list]:
    conditions = ["h.article_id IS NOT NULL"]
    params: list = []
    if len(query.text) >= SUBSTRING_MIN_LENGTH:
        conditions.append("d.plain LIKE %s ESCAPE '\\'")
        params.append(query.like_pattern())
    return "(" + " OR ".join(conditions) + ")", params


def count(query: ParsedQuery, scope: Scope, *, limit: int) -> tuple[int, int]:
    """How many articles match, and how many of them are word hits, counted up to ``limit``."""
    hits, hit_params = _hits(query)
    match, params = _match(query)
    where, scope_params = scope.sql()
    sql = (
        f"WITH h AS ({hits}) SELECT count(*), coalesce(sum(word_hit), 0) FROM (SELECT "
        "h.article_id IS NOT NULL AS word_hit FROM articles_searchdocument d "
        f"LEFT JOIN h ON h.article_id = d.article_id WHERE {where} AND {match} LIMIT %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*hit_params, *scope_params, *params, limit])
        total, words = cursor.fetchone()
        return total, words


def page(
    query: ParsedQuery,
    scope: Scope,
    *,
    offset: int,
    limit: int,
    counted: tuple[int, int] | None = None,  # the PostgreSQL backend's hint; unused here
) -> list[int]:
    hits, hit_params = _hits(query)
    match, match_params = _match(query)
    where, scope_params = scope.sql()
    tokens = query.tokens
    title = token_in_column("d.title", len(tokens), function="instr", joiner="AND")
    projects = token_in_column("d.projects", len(tokens), function="instr", joiner="OR")
    if len(tokens) > 1:
        phrase = (
            "d.article_id IN (SELECT rowid FROM articles_searchdocument_fts "
            "WHERE articles_searchdocument_fts MATCH %s)"
        )
        phrase_params = [" + ".join(f'"{token}"' for token in tokens)]
    else:
        phrase, phrase_params = "0", []
    sql = f"""
        WITH h AS ({hits})
        SELECT d.article_id,
               h.article_id IS NOT NULL AS word_hit,
               4 * ({title}) + 2 * ({projects}) + ({phrase})
               + coalesce(h.relevance / (h.relevance + 1.0), 0) AS score
        FROM articles_searchdocument d
        LEFT JOIN h ON h.article_id = d.article_id
        WHERE {where} AND {match}
        ORDER BY word_hit DESC, score DESC, d.published_at IS NULL, d.published_at DESC, d.article_id DESC
        LIMIT %s OFFSET %s
    """
    params = [*hit_params, *tokens, *tokens, *phrase_params, *scope_params, *match_params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
