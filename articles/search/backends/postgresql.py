"""PostgreSQL: the weighted ``tsv`` column (GIN) ranked with ``ts_rank_cd``; substrings of
three characters or more through ``pg_trgm`` (a GIN trigram index on ``plain``).

Ranking reads each match's small columns only (title and project tokens, publication time)
and orders every match by them; the costly part of the score (``ts_rank_cd`` and the phrase
test, which read the whole ``tsvector``) is computed for the first ``RANKED_CANDIDATES`` of
that order only, so a word found in 30,000 articles costs what one found in 300 does.
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


def _tsquery(tokens: tuple[str, ...], operator: str) -> str:
    # Tokens hold letters and digits only (articles.search.text.words_only): quoting is safe.
    return f" {operator} ".join(f"'{token}'" for token in tokens)


def _matches(query: ParsedQuery, base_sql: str, base_params: tuple) -> tuple[str, list]:
    """SQL for ``(article_id, word_hit)`` of every match: word hits from the GIN index (no
    ``tsvector`` read), then substring-only hits from the trigram index."""
    parts, params = [], []
    words = _tsquery(query.tokens, "&") if query.tokens else ""
    if words:
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


def page(query: ParsedQuery, base_sql: str, base_params: tuple, *, offset: int, limit: int) -> list[int]:
    matches, match_params = _matches(query, base_sql, base_params)
    tokens = query.tokens
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
            SELECT m.article_id, m.word_hit, a.published_at, {cheap} AS cheap
            FROM ({matches}) m
            JOIN articles_searchdocument d ON d.article_id = m.article_id
            JOIN articles_article a ON a.id = m.article_id
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
