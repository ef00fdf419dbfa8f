"""PostgreSQL: the weighted ``tsv`` column (GIN) ranked with ``ts_rank_cd``; substrings of
three characters or more through ``pg_trgm`` (a GIN trigram index on ``plain``)."""

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


def _tsquery(tokens: tuple[str, ...], operator: str) -> str:
    # Tokens hold letters and digits only (articles.search.text.words_only): quoting is safe.
    return f" {operator} ".join(f"'{token}'" for token in tokens)


def _match(query: ParsedQuery) -> tuple[str, list]:
    conditions, params = [], []
    if query.tokens:
        conditions.append("d.tsv @@ to_tsquery('simple'::regconfig, %s)")
        params.append(_tsquery(query.tokens, "&"))
    if len(query.text) >= SUBSTRING_MIN_LENGTH:
        conditions.append("d.plain LIKE %s")
        params.append(query.like_pattern())
    return "(" + " OR ".join(conditions or ["FALSE"]) + ")", params


def count(query: ParsedQuery, base_sql: str, base_params: tuple) -> int:
    match, params = _match(query)
    sql = f"SELECT count(*) FROM articles_searchdocument d WHERE d.article_id IN ({base_sql}) AND {match}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*base_params, *params])
        return cursor.fetchone()[0]


def page(query: ParsedQuery, base_sql: str, base_params: tuple, *, offset: int, limit: int) -> list[int]:
    match, match_params = _match(query)
    tokens = query.tokens
    if tokens:
        title = token_in_column("d.title", len(tokens), function="strpos", joiner="AND")
        projects = token_in_column("d.projects", len(tokens), function="strpos", joiner="OR")
        phrase = "d.tsv @@ to_tsquery('simple'::regconfig, %s)" if len(tokens) > 1 else "FALSE"
        word_hit = "d.tsv @@ to_tsquery('simple'::regconfig, %s)"
        score = f"""4 * (CASE WHEN {title} THEN 1 ELSE 0 END)
            + 2 * (CASE WHEN {projects} THEN 1 ELSE 0 END)
            + (CASE WHEN {phrase} THEN 1 ELSE 0 END)
            + ts_rank_cd(%s::float4[], d.tsv, to_tsquery('simple'::regconfig, %s), 32)"""
        words = _tsquery(tokens, "&")
        score_params = [
            words,
            *tokens,
            *tokens,
            *([_tsquery(tokens, "<->")] if len(tokens) > 1 else []),
            _WEIGHTS,
            words,
        ]
    else:
        word_hit, score, score_params = "FALSE", "0", []
    sql = f"""
        SELECT d.article_id, {word_hit} AS word_hit, {score} AS score
        FROM articles_searchdocument d JOIN articles_article a ON a.id = d.article_id
        WHERE d.article_id IN ({base_sql}) AND {match}
        ORDER BY word_hit DESC, score DESC, a.published_at DESC NULLS LAST, a.id DESC
        LIMIT %s OFFSET %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*score_params, *base_params, *match_params, limit, offset])
        return [row[0] for row in cursor.fetchall()]
