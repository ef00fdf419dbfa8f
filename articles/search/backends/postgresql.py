"""PostgreSQL: the weighted ``tsv`` column (GIN) ranked with ``ts_rank_cd``; substrings of
three characters or more through ``pg_trgm`` (a GIN trigram index on ``plain``).

Ranking reads each match's small columns only (title and project tokens, publication time)
and orders every match by them; the costly part of the score (``ts_rank_cd`` and the phrase
test, which read the whole ``tsvector``) is computed for the first ``RANKED_CANDIDATES`` of
that order only. An answer of more than ``LARGE_ANSWER`` word hits is not even read whole: the
matches that can score title or project points come from a small GIN over the title and
project tokens, the others newest first from the ``(published_at, article_id)`` index, as
many as the page can need; the order is exactly the one ranking every match would give.
"""

from __future__ import annotations

from django.db import connection

from articles.search.backends import token_in_column
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


def _tsquery(tokens: tuple[str, ...], operator: str) -> str:
    # Tokens hold letters and digits only (articles.search.text.words_only): quoting is safe.
    return f" {operator} ".join(f"'{token}'" for token in tokens)


def _matches(
    query: ParsedQuery, base_sql: str, base_params: tuple, *, word_hits: tuple[str, list] | None = None
) -> tuple[str, list]:
    """SQL for ``(article_id, word_hit)`` of every match: word hits from the GIN index (no
    ``tsvector`` read), or ``word_hits`` (SQL and parameters) in their place, then
    substring-only hits from the trigram index."""
    parts, params = [], []
    words = _tsquery(query.tokens, "&") if query.tokens else ""
    if word_hits is not None:
        parts.append(f"({word_hits[0]})")
        params += word_hits[1]
    elif words:
        parts.append(
            "SELECT d.article_id, 1 AS word_hit FROM articles_searchdocument d "
            f"WHERE d.article_id IN ({base_sql}) AND d.tsv @@ to_tsquery('simple'::regconfig, %s)"
        )
        params += [*base_params, words]
    if len(query.text) >= SUBSTRING_MIN_LENGTH:
        not_a_word_hit = "AND NOT d.tsv @@ to_tsquery('simple'::regconfig, %s)" if words else ""
        parts.append(
            "SELECT d.article_id, 0 AS word_hit FROM articles_searchdocument d "
            f"WHERE d.article_id IN ({base_sql}) AND d.plain LIKE %s {not_a_word_hit}"
        )
        params += [*base_params, query.like_pattern(), *([words] if words else [])]
    if not parts:
        return "SELECT NULL::bigint AS article_id, 0 AS word_hit WHERE FALSE", []
    return " UNION ALL ".join(parts), params


def count(query: ParsedQuery, base_sql: str, base_params: tuple, *, limit: int) -> int:
    """How many articles match, counted up to ``limit`` (the scan stops there)."""
    matches, params = _matches(query, base_sql, base_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM ({matches}) m LIMIT %s) c", [*params, limit])
        return cursor.fetchone()[0]


def _word_hits_more_than(query: ParsedQuery, base_sql: str, base_params: tuple, limit: int) -> bool:
    """Whether more than ``limit`` articles are word hits (one query, stopping there)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM articles_searchdocument d "
            f"WHERE d.article_id IN ({base_sql}) AND d.tsv @@ to_tsquery('simple'::regconfig, %s) "
            "LIMIT %s) c",
            [*base_params, _tsquery(query.tokens, "&"), limit + 1],
        )
        return cursor.fetchone()[0] > limit


def _candidates(query: ParsedQuery, base_sql: str, base_params: tuple, *, needed: int) -> tuple[str, list]:
    """SQL for ``(article_id, word_hit)`` of the word hits that can be among the first
    ``needed`` of the ranking: every hit whose title or projects hold a word of the query
    (they may score +4 or +2), and the ``needed`` newest of the others (which score 0 and so
    follow in order of recency, the order of the index they are read from). With the
    substring-only hits (``_matches``), the first ``needed`` of the ranking are all there."""
    tokens = query.tokens
    words = _tsquery(tokens, "&")
    title = token_in_column("d.title", len(tokens), function="strpos", joiner="AND")
    projects = token_in_column("d.projects", len(tokens), function="strpos", joiner="OR")
    sql = f"""
        SELECT d.article_id, 1 AS word_hit FROM articles_searchdocument d
        WHERE to_tsvector('simple'::regconfig, d.title || ' ' || d.projects)
              @@ to_tsquery('simple'::regconfig, %s)
          AND d.tsv @@ to_tsquery('simple'::regconfig, %s) AND d.article_id IN ({base_sql})
        UNION
        (SELECT d.article_id, 1 AS word_hit FROM articles_searchdocument d
         WHERE d.tsv @@ to_tsquery('simple'::regconfig, %s) AND d.article_id IN ({base_sql})
           AND NOT ({title} OR {projects})
         ORDER BY d.published_at DESC NULLS LAST, d.article_id DESC
         LIMIT %s)
    """
    params = [_tsquery(tokens, "|"), words, *base_params, words, *base_params, *tokens, *tokens, needed]
    return sql, params


def page(
    query: ParsedQuery,
    base_sql: str,
    base_params: tuple,
    *,
    offset: int,
    limit: int,
    counted: int | None = None,
) -> list[int]:
    """Ranked ids ``offset`` to ``offset + limit``. ``counted``: the (capped) count of every
    match when the caller has it; without it, one more query tells a large answer."""
    tokens = query.tokens
    large = bool(tokens) and offset + limit <= LARGE_ANSWER
    if large:
        large = counted > LARGE_ANSWER if counted is not None else (
            _word_hits_more_than(query, base_sql, base_params, LARGE_ANSWER)
        )
    if large:
        needed = RANKED_CANDIDATES + offset + limit
        word_hits = _candidates(query, base_sql, base_params, needed=needed)
        matches, match_params = _matches(query, base_sql, base_params, word_hits=word_hits)
    else:
        matches, match_params = _matches(query, base_sql, base_params)
    if tokens:
        title = token_in_column("d.title", len(tokens), function="strpos", joiner="AND")
        projects = token_in_column("d.projects", len(tokens), function="strpos", joiner="OR")
        phrase = "d.tsv @@ to_tsquery('simple'::regconfig, %s)" if len(tokens) > 1 else "FALSE"
        cheap = f"(CASE WHEN m.word_hit = 1 AND {title} THEN 4 ELSE 0 END) + " + (
            f"(CASE WHEN m.word_hit = 1 AND {projects} THEN 2 ELSE 0 END)"
        )
        cheap_params = [*tokens, *tokens]
        full = f"""(CASE WHEN {phrase} THEN 1 ELSE 0 END)
            + ts_rank_cd(%s::float4[], d.tsv, to_tsquery('simple'::regconfig, %s), 32)"""
        phrase_params = [_tsquery(tokens, "<->")] if len(tokens) > 1 else []
        full_params = [*phrase_params, _WEIGHTS, _tsquery(tokens, "&")]
    else:
        cheap, cheap_params, full, full_params = "0", [], "0", []
    sql = f"""
        WITH scored AS (
            SELECT m.article_id, m.word_hit, d.published_at, {cheap} AS cheap
            FROM ({matches}) m
            JOIN articles_searchdocument d ON d.article_id = m.article_id
        ), ordered AS (
            SELECT scored.*, row_number() OVER (
                ORDER BY word_hit DESC, cheap DESC, published_at DESC NULLS LAST, article_id DESC
            ) AS position
            FROM scored
        )
        SELECT o.article_id
        FROM ordered o JOIN articles_searchdocument d ON d.article_id = o.article_id
        ORDER BY o.word_hit DESC,
                 o.cheap + (CASE WHEN o.word_hit = 1 AND o.position <= %s THEN {full} ELSE 0 END) DESC,
                 o.published_at DESC NULLS LAST, o.article_id DESC
        LIMIT %s OFFSET %s
    """
    params = [*cheap_params, *match_params, RANKED_CANDIDATES, *full_params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
