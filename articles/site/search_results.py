"""The results of the reader's search page: what each shows, made cheaply.

A result's title and passage depend on the query (its words are marked); its link and byline
(the credited writers and the publication time, as ``articles/_byline.html`` renders it) on
the article only. The page reads its articles' shown fields only
(``search_selectors.article_search_page``) and their writers in one query of three columns, and
makes the bylines in Python: no model instance per credit or author, no template include and
no ``reverse()`` per result. (A cached fragment per byline was tried: a cache round trip
costs what reading the writers does.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

from articles import selectors
from articles.caching import fragments, store
from articles.caching import keys as surrogate
from articles.models import Article, Author, Category
from articles.search import SEARCH_KEY, ParsedQuery, body_passage, highlight, passage
from articles.search_selectors import search_writers
from articles.templatetags.articles_tags import iso_datetime

_CATEGORIES_NAME = "articles:search-categories"
# What changes the categories that have published articles: any article write (the index
# changes: ``search``), a category's (``sections``), a scheduled article falling due (its
# lists: ``articles``). Read with the page's snapshot, in the same round trip.
_CATEGORIES_KEYS = (SEARCH_KEY, surrogate.SECTIONS, surrogate.ARTICLES)
fragments.PAGE_ENTRIES[_CATEGORIES_NAME] = _CATEGORIES_KEYS


@dataclass(frozen=True, slots=True)
class FilterCategory:
    pk: int
    slug: str
    name: str


def filter_categories() -> list[FilterCategory]:
    """The categories with published articles, by slug, for the search page's category
    filter (their keys declared into the page): cached (no query), or read once (one query)."""
    surrogate.declare(*_CATEGORIES_KEYS)
    entry = fragments.page_entry(_CATEGORIES_NAME)
    if entry is not None:
        categories = entry.value
    else:
        seq = store.snapshot()  # before the read: a change while reading leaves the entry stale
        categories = [
            FilterCategory(pk=category.pk, slug=category.slug, name=category.name)
            for category in selectors.category_list_published().only("pk", "slug", "name")
        ]
        if seq is not None and settings.ARTICLES_FRAGMENT_CACHE_SECONDS > 0:
            entry = store.Entry(value=categories, seq=seq, keys=_CATEGORIES_KEYS)
            store.entries_set({_CATEGORIES_NAME: entry}, timeout=settings.ARTICLES_FRAGMENT_CACHE_SECONDS)
            fragments.page_entry_made(_CATEGORIES_NAME, entry)
    surrogate.declare(*(surrogate.key_for(Category, category.pk) for category in categories))
    return categories


class SearchResult:
    """One search result as the template shows it: link, highlighted title, byline and
    passage (all safe HTML but the link)."""

    __slots__ = ("article", "byline", "passage", "title", "url")

    def __init__(self, article: Article, query: ParsedQuery, byline: SafeString, url: str) -> None:
        self.article = article
        self.url = url
        self.title = highlight(article.title, query)
        best = body_passage(article.body, query)
        self.passage = best if "<mark>" in best or not article.excerpt else passage(article.excerpt, query)
        self.byline = byline


def byline_html(published_at, writers: list[str]) -> SafeString:
    """What ``articles/_byline.html`` renders for an article published at ``published_at``
    whose writer credits, in order, name ``writers`` (its trailing newline included)."""
    names = format_html_join("", '<span class="meta-item">{}</span>', ((name,) for name in writers))
    # As the template's ``date:"Y年n月j日 H:i"`` shows it: in the current time zone.
    local = template_localtime(published_at)
    shown = f"{local.year:04d}年{local.month}月{local.day}日 {local.hour:02d}:{local.minute:02d}"
    return format_html(
        '<p class="meta">{}<time class="meta-item" datetime="{}">{}</time></p>\n',
        names,
        iso_datetime(published_at),
        shown,
    )


def _bylines(articles: list[Article]) -> dict[int, SafeString]:
    """``{pk: byline}`` of ``articles``, from one read of their writers; the writers' keys are
    declared into the page (a renamed author purges it)."""
    writers = search_writers(article_ids=[article.pk for article in articles])
    authors = {author_id for credited in writers.values() for author_id, _name in credited}
    surrogate.declare(*(surrogate.key_for(Author, author_id) for author_id in authors))
    return {
        article.pk: byline_html(article.published_at, [name for _id, name in writers.get(article.pk, ())])
        for article in articles
    }


def search_results(articles: list[Article], query: ParsedQuery) -> list[SearchResult]:
    """The results showing ``articles`` (a page of ``search_selectors.article_search_page``) for
    ``query``, in their order."""
    if not articles:
        return []
    bylines = _bylines(articles)
    # One reverse() for the page: every article's link differs only by its id.
    placeholder = 2_147_483_647
    pattern = reverse("articles:detail", kwargs={"pk": placeholder})
    before, _, after = pattern.partition(str(placeholder))
    return [
        SearchResult(article, query, bylines[article.pk], f"{before}{article.pk}{after}")
        for article in articles
    ]
