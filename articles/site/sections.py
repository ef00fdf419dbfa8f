"""The site's sections as the header navigation shows them on every page.

Read from the shared cache (no query on a hit, the 404 page included) and declared into the
page being rendered under the ``sections`` key, which any category change purges.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from articles import selectors
from articles.caching import fragments, store
from articles.caching import keys as surrogate

_CACHE_NAME = "articles:sections"
# Every page shows the sections: read with the page's snapshot, in one round trip.
fragments.PAGE_ENTRIES[_CACHE_NAME] = (surrogate.SECTIONS,)


@dataclass(frozen=True, slots=True)
class NavSection:
    pk: int
    name: str
    slug: str
    url: str
    description: str


def nav_sections() -> list[NavSection]:
    """The sections in navigation order: cached (no query), or read once (one query)."""
    surrogate.declare(surrogate.SECTIONS)
    entry = fragments.page_entry(_CACHE_NAME)
    if entry is not None:
        return entry.value
    seq = store.snapshot()  # before the read: a change while reading leaves the entry stale
    sections = [
        NavSection(
            pk=category.pk,
            name=category.name,
            slug=category.slug,
            url=category.get_absolute_url(),
            description=category.description,
        )
        for category in selectors.section_list()
    ]
    if seq is not None and settings.ARTICLES_FRAGMENT_CACHE_SECONDS > 0:
        entry = store.Entry(value=sections, seq=seq, keys=(surrogate.SECTIONS,))
        store.entries_set({_CACHE_NAME: entry}, timeout=settings.ARTICLES_FRAGMENT_CACHE_SECONDS)
        fragments.page_entry_made(_CACHE_NAME, entry)
    return sections
