"""Running a query: ranked, paged article results over any article queryset."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from articles.search.backends import Scope, backend
from articles.search.query import ParsedQuery

# Answers are counted up to this many: a word found in a third of the archive must not be
# counted to the last article. A larger answer reads "1,000+" and pages within the first 1,000.
COUNT_CAP = 1000


class SearchResults:
    """The articles of ``queryset`` matching ``query``, best first (see
    ``articles.search.backends``). Behaves as a sequence for Django's ``Paginator``: ``count()``
    is one query, a slice is two (the ranked ids, then the articles through ``queryset``, so
    its ``select_related``/``prefetch_related`` apply, and what it leaves out is never shown).
    ``count()`` stops at ``COUNT_CAP`` (``capped`` tells that there are more), so a paginator
    pages within the first ``COUNT_CAP`` results."""

    def __init__(
        self, *, query: ParsedQuery, queryset: QuerySet, public: bool = False, narrowed: bool = True
    ) -> None:
        self.query = query
        self.queryset = queryset
        self.public = public
        # A queryset of every article narrows nothing: its ids are not read.
        self.narrowed = narrowed and bool(queryset.query.where)

    @cached_property
    def _scope(self) -> Scope:
        within = self.queryset.order_by().values("pk").query.sql_with_params() if self.narrowed else None
        return Scope(public_at=timezone.now() if self.public else None, within=within)

    @cached_property
    def _counts(self) -> tuple[int, int]:
        """The number of matches and of word hits among them, each counted up to
        ``COUNT_CAP + 1``."""
        if self.query.is_empty:
            return 0, 0
        return backend().count(self.query, self._scope, limit=COUNT_CAP + 1)

    @property
    def _counted(self) -> int:
        return self._counts[0]

    @property
    def _count(self) -> int:
        return min(self._counted, COUNT_CAP)

    @property
    def capped(self) -> bool:
        """More than ``COUNT_CAP`` articles match (``count()`` says ``COUNT_CAP``)."""
        return self._counted > COUNT_CAP

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def ids(self, *, offset: int, limit: int) -> list[int]:
        if self.query.is_empty or limit <= 0:
            return []
        # The count, when it was taken, tells the backend how large the answer is.
        counted = self.__dict__.get("_counts")
        return backend().page(self.query, self._scope, offset=offset, limit=limit, counted=counted)

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        offset = max(item.start or 0, 0)
        stop = item.stop if item.stop is not None else self._count
        ids = self.ids(offset=offset, limit=stop - offset)
        found = {article.pk: article for article in self.queryset.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]


def search(
    *, query: ParsedQuery, queryset: QuerySet, public: bool = False, narrowed: bool = True
) -> SearchResults:
    """The articles of ``queryset`` (already narrowed: published only for readers, anything
    for staff; filters applied) that match ``query``, ranked.

    ``public``: ``queryset`` holds only articles readers may see; the search table's own
    public flag and publication time say which, so the database answers from it alone.
    ``narrowed``: ``queryset`` narrows further than that (filters, a writer's own articles):
    the documents are also restricted to its ids. A reader's unfiltered search passes
    ``public=True, narrowed=False`` and never reads the articles table to find its matches."""
    return SearchResults(query=query, queryset=queryset, public=public, narrowed=narrowed)
