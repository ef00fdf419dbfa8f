"""Pagination that stays fast at page 2,000 of 100,000 articles.

Two costs grow with a list's depth and size: counting it, and skipping the rows before the
requested page. ``DeepPaginator`` keeps both small:

- the count is remembered in the cache for the current content generation (any change to
  published content starts a new one), so it is computed once, not on every page view; so are
  the ids of each page read (read with the count, in the same round trip), so a page rendered
  again under the same generation (another instance, an expired or evicted page, the page
  cache off) skips the deep read too;
- a page is read as a *deferred join*: first the primary keys of the page, which the
  database reads from the ``(status, published_at, id)`` index alone, then the full rows and
  their prefetches for just those keys, and only for the ones a cached fragment does not
  already show (``ArticleRows``: list cards are cached per article, see
  ``articles.templatetags.article_cards``).

``bench/pagination.py`` measures it against Django's default paginator.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from articles.caching import content_state

_COUNT_TIMEOUT = 600


class DeepPaginator(Paginator):
    """A ``Paginator`` over an ordered queryset with a cached count and keyed page reads.

    ``count_name`` names the list for its cached count (views pass their path: compiling the
    query's SQL to name it costs more than the rest of the page); without it, the SQL does.
    """

    def __init__(self, *args, count_name: str | None = None, ids=None, **kwargs) -> None:
        self.count_name = count_name
        # ``ids(bottom, top)``: the page's ids as the queryset would give them, read by a
        # compiled read (``articles.prepared``) when the view has one.
        self.ids = ids
        super().__init__(*args, **kwargs)

    def _check_object_list_is_ordered(self) -> None:
        # A list read by ``ids`` is ordered by that read; its queryset may be lazy (not built
        # unless a count or a card needs it).
        if self.ids is None:
            super()._check_object_list_is_ordered()

    @cached_property
    def _name_digest(self) -> str | None:
        """The list's name for its cached count and page ids, with the content state it holds
        for (``None``: an empty query, nothing cached)."""
        name = self.count_name
        if name is None:
            try:
                name = str(self.object_list.query)
            except EmptyResultSet:
                return None
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:32]
        return f"{content_state()}:{digest}"

    def _count_key(self) -> str | None:
        name = self._name_digest
        return None if name is None else f"articles:count:{name}"

    def _ids_key(self, number) -> str | None:
        name = self._name_digest
        if name is None:
            return None
        return f"articles:ids:{name}:{self.per_page}:{self.orphans}:{number}"

    @cached_property
    def count(self) -> int:
        key = self._count_key()
        count = cache.get(key) if key else None
        if count is None:
            count = self.object_list.count()
            if key:
                cache.set(key, count, timeout=_COUNT_TIMEOUT)
        return count

    def _cached_ids(self, number) -> list[int] | None:
        """The cached ids of page ``number``, read with the count when it is not known yet
        (one round trip for both)."""
        key = self._ids_key(number)
        if key is None:
            return None
        if "count" in self.__dict__:
            return cache.get(key)
        count_key = self._count_key()
        found = cache.get_many([count_key, key])
        if found.get(count_key) is not None:
            self.__dict__["count"] = found[count_key]
        return found.get(key)

    def page(self, number) -> Page:
        cached = None
        if self.ids is not None and isinstance(number, int):
            cached = self._cached_ids(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if top <= bottom:
            keys = []
        elif cached is not None:
            keys = cached
        elif self.ids is not None:
            keys = list(self.ids(bottom, top))
            if (ids_key := self._ids_key(number)) is not None:
                cache.set(ids_key, keys, timeout=_COUNT_TIMEOUT)
        else:
            keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(ArticleRows(self.object_list, keys), number, self)


class ArticleRows(Sequence):
    """The rows of one page, in order, read from the database only when first needed, and
    only those asked for (``rows_for``). ``pks`` costs nothing."""

    def __init__(self, queryset, pks: list[int]) -> None:
        self.queryset = queryset
        self.pks = pks
        self._rows: dict[int, object] = {}

    def rows_for(self, pks: list[int]) -> dict[int, object]:
        """The rows of ``pks`` (one query plus the queryset's prefetches for those not read yet)."""
        missing = [pk for pk in pks if pk not in self._rows]
        if missing:
            self._rows.update((row.pk, row) for row in self.queryset.filter(pk__in=missing))
        return {pk: self._rows[pk] for pk in pks if pk in self._rows}

    def _all(self) -> list:
        rows = self.rows_for(self.pks)
        return [rows[pk] for pk in self.pks if pk in rows]

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self.pks)

    def __iter__(self) -> Iterator:
        return iter(self._all())

    def __bool__(self) -> bool:
        return bool(self.pks)
