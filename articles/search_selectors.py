"""Reads of search: published articles for readers and the API, any article for staff, and
what the reader's search page shows of its results. Like every reader selector, the reader's
start from ``Article.objects.published()`` (``selectors.article_list_filtered``); the engine
is ``articles.search``.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from articles.models import Article, Author, Credit
from articles.search import ParsedQuery, SearchResults, search
from articles.selectors import ArticleFilters, article_list_filtered, credits_prefetch


def article_search_published(*, query: ParsedQuery, filters: ArticleFilters) -> SearchResults:
    """Published, due articles matching ``query`` and ``filters``, best first
    (``articles.search``), with what a search result shows (credits, body for the passage).
    Counting is one query; a page of results three (ranked ids, articles, credits). The
    search table tells which documents are public; the filters, when any, narrow them."""
    queryset = article_list_filtered(filters=filters, with_body=True).prefetch_related(credits_prefetch())
    return search(query=query, queryset=queryset, public=True, narrowed=filters != ArticleFilters())


def article_search_page(*, query: ParsedQuery, filters: ArticleFilters) -> SearchResults:
    """``article_search_published`` with only what the reader's search page shows of each
    article (title, excerpt, body for the passage, publication time): a page of results is
    two queries (ranked ids, articles), and one more for their writers (``search_writers``)."""
    queryset = article_list_filtered(filters=filters, with_body=True).only(
        "id", "title", "excerpt", "body", "published_at"
    )
    return search(query=query, queryset=queryset, public=True, narrowed=filters != ArticleFilters())


def search_writers(*, article_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """``{article_id: [(author_id, name), ...]}``: the writer credits of ``article_ids`` in
    their order (as a byline shows them). One query, written out: the ORM's compiling of it
    cost more than the query (about 1 ms of a search page's 30)."""
    if not article_ids:
        return {}
    placeholders = ", ".join(["%s"] * len(article_ids))
    sql = (
        f"SELECT c.article_id, c.author_id, a.name FROM {Credit._meta.db_table} c"  # noqa: S608 (names, %s)
        f" JOIN {Author._meta.db_table} a ON a.id = c.author_id"
        f' WHERE c.article_id IN ({placeholders}) AND c.role = %s ORDER BY c."order", c.id'
    )
    writers: dict[int, list[tuple[int, str]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*article_ids, Credit.Role.WRITER.value])
        for article_id, author_id, name in cursor.fetchall():
            writers.setdefault(article_id, []).append((author_id, name))
    return writers


def article_search_all(*, query: ParsedQuery, queryset: QuerySet[Article]) -> SearchResults:
    """Any article of ``queryset`` (staff: drafts included) matching ``query``, best first."""
    return search(query=query, queryset=queryset)
