"""Caching reader pages by what they show, for Masthead's own caches and for CDNs.

- ``keys``: the surrogate-key scheme (``article-12``, ``category-3-articles``, ``all`` ...) and
  the collector views, feeds and template tags declare what a response shows into.
- ``store``: cache entries that remember the keys they were made from and go stale when one is
  purged (shared by every instance through the cache, Redis in production).
- ``invalidation``: ``keys_changed`` (purge now, after the commit, and in the CDN),
  ``content_changed`` (purge everything: bulk writers), and scheduled articles falling due.
- ``affected``: which keys a change to each kind of content empties (used by the signals).
- ``fragments``: fragment caching for pieces of pages (cards, article sections, feed items).
- ``purgers``: the pluggable CDN purgers (none, log, HTTP PURGE).

The page cache itself is ``articles.page_cache``; the signal handlers that call
``keys_changed`` are in ``articles.signals``.
"""

from articles.caching.invalidation import (
    content_changed,
    content_generation,
    content_state,
    keys_changed,
)

__all__ = ["content_changed", "content_generation", "content_state", "keys_changed"]
