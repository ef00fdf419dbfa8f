"""The Redis cache against a real redis-server of the test's own: pages are cached there; an
outage serves fresh, uncached pages and never an error; caching comes back by itself; and a
change made while Redis could not be told never brings an old page back."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from articles.services.articles import article_save
from tests.servers import redis_server

pytestmark = pytest.mark.django_db

RETRY_SECONDS = 0.3


@pytest.fixture
def own_redis(settings):
    with redis_server() as server:
        settings.CACHES = {
            "default": {
                "BACKEND": "cms.cache.ResilientRedisCache",
                "LOCATION": server.url,
                "KEY_PREFIX": "outage-test",
                "OPTIONS": {
                    "SOCKET_CONNECT_TIMEOUT": 0.2,
                    "SOCKET_TIMEOUT": 0.2,
                    "DOWN_SECONDS": RETRY_SECONDS,
                },
            }
        }
        yield server


def get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response["X-Cache"], response.content.decode()


def wait_for_retry() -> None:
    time.sleep(RETRY_SECONDS + 0.1)


def test_pages_are_cached_in_redis_and_served_without_a_query(
    own_redis, client, reader_site, django_assert_num_queries
):
    url = reader_site.imported.get_absolute_url()
    assert get(client, url)[0] == "miss"
    with django_assert_num_queries(0):
        assert get(client, url)[0] == "hit"
    assert cache.keys("articles:page:*"), "the entry is in Redis"


def test_a_redis_outage_serves_fresh_uncached_pages_and_caching_comes_back_by_itself(
    own_redis, client, reader_site
):
    article = reader_site.imported
    url = article.get_absolute_url()
    get(client, url)
    own_redis.stop()

    for page in (url, "/", "/feed/", "/categories/快讯/", "/sitemap.xml"):
        assert get(client, page)[0] == "miss", page  # 200, rendered
    article.title = "Redis 停机时改的标题"
    article_save(article=article)  # the purge cannot reach Redis: no error either
    assert "Redis 停机时改的标题" in get(client, url)[1]
    assert cache.outages >= 1

    own_redis.start()
    wait_for_retry()
    assert get(client, url)[0] == "miss"  # stored again
    verdict, content = get(client, url)
    assert verdict == "hit" and "Redis 停机时改的标题" in content


def test_a_change_redis_missed_during_a_partition_never_brings_an_old_page_back(
    own_redis, client, reader_site
):
    article = reader_site.imported
    url = article.get_absolute_url()
    assert get(client, url)[0] == "miss"
    assert get(client, url)[0] == "hit"

    own_redis.pause()  # unreachable, but it keeps the old page
    article.title = "分区期间改的标题"
    article_save(article=article)
    assert "分区期间改的标题" in get(client, url)[1]

    own_redis.resume()
    wait_for_retry()
    verdict, content = get(client, url)
    assert "分区期间改的标题" in content, "the purge owed since the partition was paid first"
    assert verdict == "miss"
    assert get(client, url) == ("hit", content)


def test_the_backend_answers_as_a_miss_while_down_and_costs_nothing_until_the_retry(own_redis):
    cache.set("k", "v")
    assert cache.get("k") == "v"
    own_redis.stop()
    assert cache.get("k", "default") == "default"
    started = time.monotonic()
    for _ in range(100):
        assert cache.get_many(["k"]) == {}
        assert cache.set("k", "w") is False
        assert cache.incr("n") is None
    assert time.monotonic() - started < RETRY_SECONDS, "no connection attempt while the breaker is open"
    assert cache.outages == 1
