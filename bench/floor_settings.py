"""The floor of ``make bench-http``: production settings, the same middleware minus the page
cache (it would only add lookups that never hit), and one view answering every path with the
bytes Masthead served for it (``bench/floor_urls.py``)."""

from cms.settings.production import *  # noqa: F403
from cms.settings.production import MIDDLEWARE

ROOT_URLCONF = "bench.floor_urls"
MIDDLEWARE = [name for name in MIDDLEWARE if name != "articles.page_cache.PageCacheMiddleware"]
