"""One module per database: each ranks article ids for a parsed query (see ``engine``).

Both score a hit the same way (README, "How search ranks"):
``4 × all words in the title + 2 × a project the article links to is a word of the query
+ 1 × the words appear as a phrase (two words or more) + text relevance in [0, 1)`` (PostgreSQL
``ts_rank_cd`` with weights title 1.0, excerpt/credits/projects 0.4, body 0.2, single
characters 0.05; SQLite ``bm25`` with the same proportions), ties broken by recency. Articles
found only by substring (no word hit) come after every word hit.
"""

from __future__ import annotations

from django.db import connection


def backend():
    """The module for the default database's vendor."""
    if connection.vendor == "postgresql":
        from articles.search.backends import postgresql

        return postgresql
    from articles.search.backends import sqlite

    return sqlite


def token_in_column(column: str, count: int, *, function: str, joiner: str) -> str:
    """SQL true when each of ``count`` tokens (parameters) is a whole token of ``column``
    (a space-separated token list). ``joiner``: AND (all) or OR (any)."""
    test = f"{function}(' ' || {column} || ' ', ' ' || %s || ' ') > 0"
    return "(" + f" {joiner} ".join([test] * count) + ")" if count else "FALSE"
