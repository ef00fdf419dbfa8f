"""最热 (most read): page views counted per article per hour, and the 24-hour list.

Counting knows nothing about the reader: no cookie, no address, only "article 12 was read in
this hour". A view is recorded by a tiny beacon request each article page makes (an ``<img>``,
so cached pages count too, and no JavaScript is needed) and costs no SQL write:

- with ``REDIS_URL``: ``HINCRBY`` on this hour's pending hash in Redis (one round trip), shared
  by every process;
- without: a counter in this process's memory.

Pending counts are flushed into ``ArticleViewCount`` in batches (one upsert statement for the
whole batch) by the first beacon after ``ARTICLES_VIEWS_FLUSH_SECONDS``, and by
``manage.py flush_page_views``. Counts for ids that are not articles are dropped at the flush.

``most_read`` reads the list from the database (one query) and keeps it in the cache for
``ARTICLES_MOST_READ_SECONDS``, purged with any article it names.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from functools import cache as memoize

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum

from articles.caching import keys as surrogate
from articles.caching import store
from articles.models import Article, ArticleViewCount

logger = logging.getLogger(__name__)

_PENDING = "masthead:views:pending:"  # + hour (Unix time of its start): {article id: views}
_FLUSH_LOCK = "masthead:views:flush-lock"
_LIST_CACHE = "articles:most-read:"

_lock = threading.Lock()
_memory: Counter[tuple[int, int]] = Counter()  # (hour, article id) -> views
_last_flush = time.monotonic()


def _hour_start(moment: float) -> int:
    return int(moment // 3600 * 3600)


@memoize
def _redis(url: str):
    import redis

    return redis.Redis.from_url(
        url,
        socket_connect_timeout=float(settings.REDIS_CONNECT_TIMEOUT),
        socket_timeout=float(settings.REDIS_TIMEOUT),
    )


def view_record(*, article_id: int, now: float | None = None) -> None:
    """Count one view of ``article_id`` in the current hour (no SQL; see the module docstring).
    Never raises: an unavailable Redis loses the view, never the page."""
    global _last_flush
    hour = _hour_start(now or time.time())
    if settings.REDIS_URL:
        import redis

        try:
            client = _redis(settings.REDIS_URL)
            pipe = client.pipeline(transaction=False)
            pipe.hincrby(f"{_PENDING}{hour}", str(article_id), 1)
            pipe.expire(f"{_PENDING}{hour}", 3 * 24 * 3600)
            pipe.set(_FLUSH_LOCK, "1", nx=True, ex=settings.ARTICLES_VIEWS_FLUSH_SECONDS)
            due = pipe.execute()[2]
        except redis.RedisError as error:
            logger.warning("page view not counted: Redis unavailable (%s)", error)
            return
        if due:
            views_flush()
        return
    with _lock:
        _memory[(hour, article_id)] += 1
        due = time.monotonic() - _last_flush >= settings.ARTICLES_VIEWS_FLUSH_SECONDS
        if due:
            _last_flush = time.monotonic()
    if due:
        views_flush()


def _take_pending() -> Counter[tuple[int, int]]:
    """Everything counted but not yet written, removed from where it waited."""
    if settings.REDIS_URL:
        import redis

        client = _redis(settings.REDIS_URL)
        taken: Counter[tuple[int, int]] = Counter()
        for raw_name in client.scan_iter(match=f"{_PENDING}*", count=100):
            name = raw_name.decode()
            if ":flushing:" in name:
                continue
            claimed = f"{name}:flushing:{time.time_ns()}"
            try:
                client.rename(name, claimed)  # atomic: views counted from now on wait for next time
            except redis.ResponseError:
                logger.debug("%s was flushed by another process", name)
                continue
            hour = int(name.rsplit(":", 1)[1])
            for article_id, views in client.hgetall(claimed).items():
                if article_id.isdigit():
                    taken[(hour, int(article_id))] += int(views)
            client.delete(claimed)
        return taken
    with _lock:
        taken = Counter(_memory)
        _memory.clear()
    return taken


def views_flush() -> int:
    """Write every pending count into ``ArticleViewCount`` (one upsert for the batch); return
    the number of views written."""
    pending = _take_pending()
    if not pending:
        return 0
    existing = set(Article.objects.filter(pk__in={pk for _h, pk in pending}).values_list("pk", flat=True))
    rows = [
        (article_id, datetime.fromtimestamp(hour, tz=UTC), views)
        for (hour, article_id), views in pending.items()
        if article_id in existing
    ]
    if not rows:
        return 0
    table = ArticleViewCount._meta.db_table
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {table} (article_id, hour, count) VALUES {values} "  # noqa: S608 (no user input)
        f"ON CONFLICT (article_id, hour) DO UPDATE SET count = {table}.count + excluded.count"
    )
    params = [
        value
        for article_id, hour, views in rows
        for value in (article_id, connection.ops.adapt_datetimefield_value(hour), views)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return sum(views for _a, _h, views in rows)


def most_read(*, hours: int = 24, limit: int | None = None) -> list[Article]:
    """The published articles read most in the last ``hours`` hours, most read first (ties:
    newest first), each with ``views``: cached (no query), else one query."""
    limit = limit or settings.ARTICLES_MOST_READ_COUNT
    name = f"{_LIST_CACHE}{hours}:{limit}"
    entry = store.entries_get([name]).get(name)
    if entry is not None:
        surrogate.declare_many(set(entry.keys) - {surrogate.NO_KEYS})
        return entry.value
    seq = store.snapshot()
    # This hour and the hours before it, ``hours`` in all.
    since = datetime.fromtimestamp(_hour_start(time.time()) - (hours - 1) * 3600, tz=UTC)
    articles = list(
        Article.objects.published()
        .filter(view_counts__hour__gte=since)
        .annotate(views=Sum("view_counts__count"))
        .only("id", "title", "published_at", "kind")
        .order_by("-views", "-published_at", "-id")[:limit]
    )
    # The list moves with views, not with writes: its entry lives ARTICLES_MOST_READ_SECONDS, and
    # goes at once when an article it names changes (an empty one: at any change).
    entry_keys = tuple(surrogate.object_key(article) for article in articles) or (surrogate.NO_KEYS,)
    surrogate.declare_many(set(entry_keys) - {surrogate.NO_KEYS})
    if seq is not None and settings.ARTICLES_MOST_READ_SECONDS > 0:
        store.entries_set(
            {name: store.Entry(value=articles, seq=seq, keys=entry_keys)},
            timeout=settings.ARTICLES_MOST_READ_SECONDS,
        )
    return articles


def _reset_for_tests() -> None:
    global _last_flush
    with _lock:
        _memory.clear()
    _last_flush = time.monotonic()
