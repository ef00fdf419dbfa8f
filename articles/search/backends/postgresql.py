"""PostgreSQL: the weighted ``tsv`` column (GIN) ranked with ``ts_rank_cd``; substrings of
three characters or more through ``pg_trgm`` (a GIN trigram index on ``plain``).

Every query reads the search table alone: a reader's scope is its ``public`` flag and
``published_at`` (``Scope``), so matches never visit the articles table (filters, when a
reader sets some, narrow to the ids of the filtered articles).

Ranking reads each match's small columns only (title and project tokens, publication time)
and orders every match by them; the costly part of the score (``ts_rank_cd`` and the phrase
test, which read the whole ``tsvector``) is computed for the first ``RANKED_CANDIDATES`` of
that order only. An answer of more than ``LARGE_ANSWER`` word hits is not even read whole: the
matches that can score title or project points come from small GINs over the title and
project tokens (no ``tsv`` GIN scan for the words found there), the others newest first from
the ``(published_at, article_id)`` indexes, as many as the page can need; the order is exactly
the one ranking every match would give.
Substring-only hits rank after every word hit, so they are looked for only when the word hits
do not fill the page.
"""

from __future__ import annotations

import time
from itertools import pairwise

from django.db import connection

from articles.search.backends import Scope, token_in_column

# Writing documents and keeping the indexes: the rest of the backend's interface.
from articles.search.backends.postgresql_documents import (  # noqa: F401
    bulk_indexing,
    document_row,
    documents_insert,
    indexes_ensure,
)
from articles.search.query import ParsedQuery

# pg_trgm can use its index from three characters on; shorter substrings are not looked for
# (one character is a word hit through the single-character column).
SUBSTRING_MIN_LENGTH = 3
# ts_rank_cd's weights, in the order D (single characters), C (body), B (excerpt, credits,
# categories, tags, projects), A (title).
_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"
# How many of the best matches by title, project link and recency get the full score.
RANKED_CANDIDATES = 200
# More word hits than this: rank from the candidates only (see the module's docstring).
LARGE_ANSWER = 1000
# The windows of recent documents a large answer's newest hits are looked for in, in turn:
# the newest 5 %, then the newest 25 % (of the documents with a publication time), then all.
# Each window scans the tsv GIN again (2 to 4 ms for common words) while a match visited
# costs a few microseconds: a first window that seldom falls short is the cheaper one (over
# the bench's large answers, 8 % less PostgreSQL CPU than with 2 % and 16 %; 4 % to 8 % and
# 20 % to 30 % do as well).
_WINDOWS = (0.05, 0.25)
_TSQUERY = "to_tsquery('simple'::regconfig, %s)"
# The planner does not know that testing a document's tsvector reads it from TOAST, so under
# a LIMIT a scan of the whole table looks cheaper than the GIN index (72 ms against 15 for a
# common word over 100,000 articles); it never is. Each search statement runs with
# sequential scans off, for itself only (the implicit transaction of a multi-statement
# string, or reset after it inside a caller's transaction).
# A large answer's ranking and the count also run with (plain) index scans off: the newest matches are
# to be found through bitmaps of the tsv GIN and the publication-time index, never by
# walking that index and testing each document's tsvector (thousands read from TOAST).
_PLANS = ("enable_seqscan",)
_BITMAP_PLANS = ("enable_seqscan", "enable_indexscan")


def _rows(sql: str, params: list, *, plans: tuple[str, ...] = _PLANS) -> list[tuple]:
    before = "".join(f"SET LOCAL {setting} = off; " for setting in plans)
    after = "".join(f"; RESET {setting}" for setting in plans)
    with connection.cursor() as cursor:
        cursor.execute(f"{before}{sql}{after}", params)
        for _setting in plans:
            cursor.nextset()
        return cursor.fetchall()


def _tsquery(tokens: tuple[str, ...], operator: str) -> str:
    # Tokens hold letters and digits only (articles.search.text._words): quoting is safe.
    return f" {operator} ".join(f"'{token}'" for token in tokens)


def _word_hits(query: ParsedQuery, scope: Scope, columns: str = "d.article_id") -> tuple[str, list]:
    """SQL selecting ``columns`` of the word hits in ``scope`` (the GIN index; no ``tsvector``
    is read: a query of words only needs no recheck)."""
    where, params = scope.sql()
    sql = f"SELECT {columns} FROM articles_searchdocument d WHERE {where} AND d.tsv @@ {_TSQUERY}"
    return sql, [*params, _tsquery(query.tokens, "&")]


def _substring_only(
    query: ParsedQuery, scope: Scope, columns: str = "d.article_id"
) -> tuple[str, list] | None:
    """SQL selecting ``columns`` of the substring hits in ``scope`` that are not word hits, or
    None when the query is too short for the trigram index."""
    if len(query.text) < SUBSTRING_MIN_LENGTH:
        return None
    where, params = scope.sql()
    sql = f"SELECT {columns} FROM articles_searchdocument d WHERE {where} AND d.plain LIKE %s"
    params.append(query.like_pattern())
    if query.tokens:
        # The word hits from the GIN index, hashed: reading each candidate's tsvector is dearer.
        sql += (
            " AND d.article_id NOT IN "
            f"(SELECT w.article_id FROM articles_searchdocument w WHERE w.tsv @@ {_TSQUERY})"
        )
        params.append(_tsquery(query.tokens, "&"))
    return sql, params


def count(query: ParsedQuery, scope: Scope, *, limit: int) -> tuple[int, int]:
    """How many articles match, and how many of them are word hits, each counted up to
    ``limit`` (the scans stop there; substring-only hits are not looked for when the word
    hits reach it). One query."""
    words, word_params = _word_hits(query, scope, "1") if query.tokens else ("SELECT 1 WHERE FALSE", [])
    substring = _substring_only(query, scope, "1")
    if substring is None:
        others, other_params = "0", []
    else:
        others = f"(SELECT count(*) FROM ({substring[0]} LIMIT %s) s)"
        other_params = [*substring[1], limit]
    sql = f"""
        SELECT w.n, CASE WHEN w.n >= %s THEN 0 ELSE {others} END
        FROM (SELECT count(*) AS n FROM ({words} LIMIT %s) w) w
    """
    # Bitmaps only: with plain index scans allowed, a common word is counted by walking the
    # publication-time index and testing each document's tsvector (17 ms for 1,001 hits of
    # `数据` among 100,000 articles, against 6 ms from the GIN bitmap).
    params = [limit, *other_params, *word_params, limit]
    ((word_count, other_count),) = _rows(sql, params, plans=_BITMAP_PLANS)
    return min(word_count + other_count, limit), word_count


def _word_hits_counted(query: ParsedQuery, scope: Scope, limit: int) -> int:
    """How many articles are word hits, counted up to ``limit`` (one query)."""
    words, params = _word_hits(query, scope, "1")
    return _rows(f"SELECT count(*) FROM ({words} LIMIT %s) c", [*params, limit])[0][0]


def _cheap(tokens: tuple[str, ...]) -> tuple[str, list]:
    """The title (+4: every word in it) and project (+2: one of the words) points of a word
    hit, from its small columns."""
    title = token_in_column("d.title", len(tokens), function="strpos", joiner="AND")
    projects = token_in_column("d.projects", len(tokens), function="strpos", joiner="OR")
    sql = f"(CASE WHEN {title} THEN 4 ELSE 0 END) + (CASE WHEN {projects} THEN 2 ELSE 0 END)"
    return sql, [*tokens, *tokens]


# The publication times' histogram, as the last ANALYZE left it in pg_stats, places the
# windows' edges: read once every this many seconds per process and database, and passed to
# each ranking as a constant (reading pg_stats in the statement cost a large answer 1 ms of
# its 9, mostly planning the view). Edges make a search faster or slower, never different, so
# stale ones are harmless.
_BOUNDS_SECONDS = 600
_bounds: dict[str, tuple[float, list | None]] = {}


def _publication_bounds() -> list | None:
    """The histogram bounds of the search table's ``published_at`` (None before any ANALYZE),
    at most ``_BOUNDS_SECONDS`` old: one query when they are older, none otherwise."""
    database = connection.settings_dict["NAME"]
    read_at, bounds = _bounds.get(database, (None, None))
    now = time.monotonic()
    if read_at is None or now - read_at > _BOUNDS_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT histogram_bounds::text::timestamptz[] FROM pg_stats"
                " WHERE schemaname = current_schema() AND tablename = 'articles_searchdocument'"
                " AND attname = 'published_at'"
            )
            row = cursor.fetchone()
        bounds = row[0] if row else None
        _bounds[database] = (now, bounds)
    return bounds


def _candidates(query: ParsedQuery, scope: Scope, *, needed: int) -> tuple[str, list]:
    """SQL for ``(article_id, word_hit, published_at, cheap)`` of the word hits that can be
    among the first ``needed`` of the ranking: the ``needed`` best of those that score title
    or project points (+4 or +2: found through the small GINs over the title and project
    tokens), and as many of the newest others as those leave room for (they score 0 and so
    follow in order of recency: none at all when title and project hits fill the ``needed``).

    The newest others are looked for in windows of recent documents first (``_WINDOWS``:
    each a ``BitmapAnd`` of the ``tsv`` GIN and the publication-time index, so only the
    matches inside it are visited and no ``tsvector`` is read), the next window only when one
    holds too few; every document of a window is newer than every one outside it, so the
    newest of the first window that holds enough are the newest of all."""
    tokens = query.tokens
    cheap, cheap_params = _cheap(tokens)
    title = token_in_column("d.title", len(tokens), function="strpos", joiner="AND")
    projects = token_in_column("d.projects", len(tokens), function="strpos", joiner="OR")
    columns = f"d.article_id, 1 AS word_hit, d.published_at, {cheap} AS cheap"
    # Every token of the title and projects is in the tsvector (they are part of it), so all
    # the words in them (the head GIN, with AND) make a word hit without the tsv GIN, whose
    # scan costs 3 to 4 ms for a common word; a project naming one of several words (the
    # small projects GIN) is a word hit when its tsvector holds them all, read for those
    # few documents only. The same heads as the tsv GIN's hits among the head GIN's (with
    # OR) give, without visiting the thousands whose title holds one word of two.
    where, head_params = scope.sql()
    head = f"to_tsvector('simple'::regconfig, d.title || ' ' || d.projects) @@ {_TSQUERY}"
    head_params.append(_tsquery(tokens, "&"))
    if len(tokens) > 1:
        head = (
            f"({head} OR (to_tsvector('simple'::regconfig, d.projects) @@ {_TSQUERY}"
            f" AND d.tsv @@ {_TSQUERY}))"
        )
        head_params += [_tsquery(tokens, "|"), _tsquery(tokens, "&")]
    heads = f"SELECT {columns} FROM articles_searchdocument d WHERE {where} AND {head}"
    others, other_params = _word_hits(query, scope, columns)
    others = f"{others} AND NOT ({title} OR {projects})"
    other_params = [*cheap_params, *other_params, *tokens, *tokens]
    newest_first = "ORDER BY d.published_at DESC NULLS LAST, d.article_id DESC LIMIT (SELECT n FROM room)"
    # The window edges: the publication times above which lie about that share of the
    # documents (the column's histogram; none yet: one window, all).
    edges = [
        "(SELECT COALESCE(b[greatest(1, array_length(b, 1) - round((array_length(b, 1) - 1) * %s)::int)],"
        " '-infinity') FROM bounds)"
    ] * len(_WINDOWS)
    windows = [f"d.published_at >= {edges[0]}"]
    windows += [f"d.published_at < {newer} AND d.published_at >= {older}" for newer, older in pairwise(edges)]
    # The rest (and the documents without a publication time) through the tsv GIN alone.
    windows.append(f"coalesce(d.published_at < {edges[-1]}, TRUE)")
    window_params = [[_WINDOWS[0]]]
    window_params += [[newer, older] for newer, older in pairwise(_WINDOWS)]
    window_params.append([_WINDOWS[-1]])
    newest = " UNION ALL ".join(f"({others} AND {window} {newest_first})" for window in windows)
    sql = f"""
        WITH heads AS MATERIALIZED (
            {heads} AND ({title} OR {projects})
            ORDER BY cheap DESC, d.published_at DESC NULLS LAST, d.article_id DESC LIMIT %s
        ),
        room AS MATERIALIZED (SELECT %s - count(*) AS n FROM heads),
        bounds AS MATERIALIZED (SELECT %s::timestamptz[] AS b)
        SELECT * FROM heads
        UNION ALL
        (SELECT * FROM ({newest}) newest LIMIT (SELECT n FROM room))
    """
    params = [*cheap_params, *head_params, *tokens, *tokens, needed, needed, _publication_bounds()]
    for window_param in window_params:
        params += [*other_params, *window_param]
    return sql, params


def page(
    query: ParsedQuery,
    scope: Scope,
    *,
    offset: int,
    limit: int,
    counted: tuple[int, int] | None = None,
) -> list[int]:
    """Ranked ids ``offset`` to ``offset + limit``. ``counted``: ``count()``'s answer when the
    caller has it; without it, one more query counts the word hits."""
    tokens = query.tokens
    end = offset + limit
    words = 0
    if tokens:
        words = counted[1] if counted else _word_hits_counted(query, scope, max(LARGE_ANSWER, end) + 1)
    parts, params, plans = [], [], _PLANS
    if tokens and words > LARGE_ANSWER and end <= LARGE_ANSWER:
        sql, part_params = _candidates(query, scope, needed=RANKED_CANDIDATES + end)
        parts.append(sql)
        params += part_params
        plans = _BITMAP_PLANS
    elif tokens:
        cheap, cheap_params = _cheap(tokens)
        columns = f"d.article_id, 1 AS word_hit, d.published_at, {cheap} AS cheap"
        sql, part_params = _word_hits(query, scope, columns)
        parts.append(sql)
        params += [*cheap_params, *part_params]
    # Substring-only hits come after every word hit: wanted only when these do not fill the page.
    substring = _substring_only(query, scope, "d.article_id, 0 AS word_hit, d.published_at, 0 AS cheap")
    if substring is not None and words < end:
        parts.append(substring[0])
        params += substring[1]
    if not parts:
        return []
    if tokens:
        phrase = f"d.tsv @@ {_TSQUERY}" if len(tokens) > 1 else "FALSE"
        full = f"(CASE WHEN {phrase} THEN 1 ELSE 0 END) + ts_rank_cd(%s::float4[], d.tsv, {_TSQUERY}, 32)"
        phrase_params = [_tsquery(tokens, "<->")] if len(tokens) > 1 else []
        full_params = [*phrase_params, _WEIGHTS, _tsquery(tokens, "&")]
    else:
        full, full_params = "0", []
    # The first max(RANKED_CANDIDATES, end) in the order of title, project and recency; the
    # full score reorders the first RANKED_CANDIDATES of them (it is below 2, the gap between
    # point levels, so no later match can pass one of them).
    union = " UNION ALL ".join(f"({part})" for part in parts)
    sql = f"""
        WITH ordered AS (
            SELECT m.*, row_number() OVER (
                ORDER BY word_hit DESC, cheap DESC, published_at DESC NULLS LAST, article_id DESC
            ) AS position
            FROM ({union}) m
            ORDER BY position
            LIMIT %s
        )
        SELECT o.article_id
        FROM ordered o JOIN articles_searchdocument d ON d.article_id = o.article_id
        ORDER BY o.word_hit DESC,
                 o.cheap + (CASE WHEN o.word_hit = 1 AND o.position <= %s THEN {full} ELSE 0 END) DESC,
                 o.published_at DESC NULLS LAST, o.article_id DESC
        LIMIT %s OFFSET %s
    """
    params = [*params, max(RANKED_CANDIDATES, end), RANKED_CANDIDATES, *full_params, limit, offset]
    return [row[0] for row in _rows(sql, params, plans=plans)]
