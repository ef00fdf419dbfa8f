"""One module per database: each ranks article ids for a parsed query (see ``engine``).

Both score a hit the same way (README, "How search ranks"):
``4 × all words in the title + 2 × a project the article links to is a word of the query
+ 1 × the words appear as a phrase (two words or more) + text relevance in [0, 1)`` (PostgreSQL
``ts_rank_cd`` with weights title 1.0, excerpt/credits/projects 0.4, body 0.2, single
characters 0.05; SQLite ``bm25`` with the same proportions), ties broken by recency. Articles
found only by substring (no word hit) come after every word hit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection


def backend():
    """The module for the default database's vendor."""
    if connection.vendor == "postgresql":
        from articles.search.backends import postgresql

        return postgresql
    from articles.search.backends import sqlite

    return sqlite


@dataclass(frozen=True, slots=True)
class Scope:
    """Which documents a search looks at. ``public_at``: only those readers may see at that
    moment (public flag and publication time of the search table, kept in step by every
    write: no visit to the articles table); ``within``: the SQL and parameters of the article
    ids it is narrowed to (filters, a writer's own articles), or None for no narrowing."""

    public_at: datetime | None = None
    within: tuple[str, tuple] | None = None

    def sql(self, alias: str = "d") -> tuple[str, list]:
        """A condition on the search table under ``alias``, and its parameters."""
        conditions, params = ["1 = 1"], []
        if self.public_at is not None:
            conditions.append(f"{alias}.public AND {alias}.published_at <= %s")
            params.append(connection.ops.adapt_datetimefield_value(self.public_at))
        if self.within is not None:
            conditions.append(f"{alias}.article_id IN ({self.within[0]})")
            params.extend(self.within[1])
        return " AND ".join(conditions), params


def token_in_column(column: str, count: int, *, function: str, joiner: str) -> str:
    """SQL true when each of ``count`` tokens (parameters) is a whole token of ``column``
    (a space-separated token list). ``joiner``: AND (all) or OR (any)."""
    test = f"{function}(' ' || {column} || ' ', ' ' || %s || ' ') > 0"
    return "(" + f" {joiner} ".join([test] * count) + ")" if count else "FALSE"
