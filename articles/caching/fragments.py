"""Fragment caching: pieces of pages (a list card, an article's body and header, its related
articles, a feed item) rendered once and reused until a key they showed is purged.

A fragment is cached only while a reader page is being rendered (``rendering`` is active: the
page cache's ``reader_page`` opens it), never for the admin's preview of a draft. Fragments
hold no per-visitor state (no user, no CSRF token): staff tools stay outside them.

On a hit, the fragment's keys are declared into the page being rendered, so a page made from
cached fragments carries the same Surrogate-Key header as one rendered from scratch. So is the
moment it stops being right by itself (``keys.declare_expiry``: a front-page pick expiring),
which is also when the fragment expires.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils import translation

from articles.caching import keys as surrogate
from articles.caching import store

_PREFIX = "articles:fragment:"

# The purge counter the current reader page's render started from (None: do not cache).
_render_seq: ContextVar[int | None] = ContextVar("masthead_fragment_seq", default=None)
# Fresh entries a view read ahead for this render (``prefetch``), by fragment name.
_prefetched: ContextVar[dict[str, store.Entry] | None] = ContextVar("masthead_fragments", default=None)
# Fresh cache entries read with the render's snapshot (``page_entries``), by cache name.
_early: ContextVar[dict[str, store.Entry] | None] = ContextVar("masthead_early_entries", default=None)
# Entries whose keys are known before a page renders (cache name -> keys): every reader page
# reads them with its snapshot, in the same round trip (``invalidation.render_start``).
PAGE_ENTRIES: dict[str, tuple[str, ...]] = {}


@contextmanager
def rendering(seq: int | None, *, early: dict[str, store.Entry] | None = None) -> Iterator[None]:
    """Cache fragments rendered inside the block under ``seq`` (``None``: render them all).
    ``early``: fresh ``PAGE_ENTRIES`` read with the snapshot (``page_entry`` gives them)."""
    token = _render_seq.set(seq if settings.ARTICLES_FRAGMENT_CACHE_SECONDS > 0 else None)
    prefetched = _prefetched.set({})
    early_token = _early.set(early)
    try:
        yield
    finally:
        _render_seq.reset(token)
        _prefetched.reset(prefetched)
        _early.reset(early_token)


def page_entry(name: str) -> store.Entry | None:
    """The fresh entry ``name`` (one of ``PAGE_ENTRIES``): read with the page's snapshot when a
    reader page is rendering, else now."""
    early = _early.get()
    if early is not None:
        return early.get(name)
    return store.entries_get([name]).get(name)


def page_entry_made(name: str, entry: store.Entry) -> None:
    """``entry`` was just made for ``name``: the rest of the page uses it (no second read)."""
    early = _early.get()
    if early is not None:
        early[name] = entry


def prefetch(names: list[str]) -> set[str]:
    """Read the fragments ``names`` ahead (one cache read for all of them); return the names
    that are cached and fresh. A view can skip work those fragments make unnecessary; the
    fragments' keys are declared when the page uses them."""
    memo = _prefetched.get()
    if not is_active() or memo is None or not names:
        return set()
    cache_names = _cache_names(names)
    found = store.entries_get(list(cache_names.values()))
    fresh = {name for name, cache_name in cache_names.items() if cache_name in found}
    memo.update({name: found[cache_names[name]] for name in fresh})
    return fresh


def is_active() -> bool:
    return _render_seq.get() is not None


def _cache_name(name: str, language: str | None = None) -> str:
    return f"{_PREFIX}{language or translation.get_language()}:{name}"


def _cache_names(names: list[str]) -> dict[str, str]:
    """``{name: cache name}`` (the language asked once: a page has dozens of fragments)."""
    language = translation.get_language()
    return {name: _cache_name(name, language) for name in names}


def fragments_get(names: list[str]) -> dict[str, str]:
    """The fresh cached fragments among ``names`` (their keys declared into the page)."""
    if not is_active() or not names:
        return {}
    memo = _prefetched.get() or {}
    cache_names = _cache_names([name for name in names if name not in memo])
    found = store.entries_get(list(cache_names.values())) if cache_names else {}
    values = {}
    for name in names:
        entry = memo.get(name) or found.get(cache_names.get(name, ""))
        if entry is not None:
            surrogate.declare_many(entry.keys)
            expires = getattr(entry, "expires", None)  # entries stored before it existed
            if expires is not None:
                surrogate.declare_expiry(expires)
            values[name] = entry.value
    return values


def fragments_set(
    rendered: dict[str, tuple[str, set[str]]], *, timeout: int | None = None, expires: float | None = None
) -> None:
    """Store ``{name: (html, keys)}`` rendered under the current page's snapshot (until
    ``expires``, a Unix time, at the latest)."""
    seq = _render_seq.get()
    if seq is None or not rendered:
        return
    timeout = timeout or settings.ARTICLES_FRAGMENT_CACHE_SECONDS
    if expires is not None:
        timeout = min(timeout, int(expires - time.time()))
        if timeout < 1:
            return
    cache_names = _cache_names(list(rendered))
    store.entries_set(
        {
            cache_names[name]: store.Entry(
                value=html, seq=seq, keys=tuple(sorted(keys or {surrogate.NO_KEYS})), expires=expires
            )
            for name, (html, keys) in rendered.items()
        },
        timeout=timeout,
    )


def fragment(name: str, render: Callable[[], str], *, timeout: int | None = None) -> str:
    """The fragment ``name``: cached, or made by ``render()`` (which declares the keys of what
    it shows) and cached."""
    cached = fragments_get([name])
    if name in cached:
        return cached[name]
    with surrogate.collecting() as shown, surrogate.expiring() as expiries:
        html = render()
    fragments_set({name: (html, shown)}, timeout=timeout, expires=min(expiries) if expiries else None)
    return html
