"""最热: views counted per article per hour without cookies, in Redis or the process, written in
batches, and the 24-hour most-read list."""

from __future__ import annotations

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ArticleViewCount
from articles.site import most_read
from tests.factories import ArticleFactory
from tests.servers import redis_server

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    settings.REDIS_URL = ""
    most_read._reset_for_tests()
    yield
    most_read._reset_for_tests()


@pytest.fixture
def own_redis(settings):
    with redis_server() as server:
        settings.REDIS_URL = server.url
        yield server


def read(client, article: Article, times: int = 1) -> None:
    for _ in range(times):
        response = client.get(f"/p/{article.pk}/view.gif")
        assert response.status_code == 200 and response["Content-Type"] == "image/gif"
        assert not response.cookies and "no-store" in response["Cache-Control"]


def box(html: str) -> list[str]:
    section = html.split('class="most-read', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a href="/p/\d+/">([^<]+)</a>', section)


@pytest.fixture
def stories() -> list[Article]:
    return [ArticleFactory(title=title) for title in ("少人读", "最多人读", "中间")]


def count_in_db(article: Article) -> int:
    return sum(ArticleViewCount.objects.filter(article=article).values_list("count", flat=True))


def test_a_view_costs_no_sql_write_and_a_flush_writes_the_batch(client, stories):
    with CaptureQueriesContext(connection) as queries:
        read(client, stories[1], times=3)
    assert not [q for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert count_in_db(stories[1]) == 0
    assert most_read.views_flush() == 3
    read(client, stories[1], times=2)
    most_read.views_flush()
    assert count_in_db(stories[1]) == 5
    assert ArticleViewCount.objects.filter(article=stories[1]).count() == 1  # one row per hour


def test_the_first_view_after_the_flush_interval_writes_the_batch(client, stories, settings):
    settings.ARTICLES_VIEWS_FLUSH_SECONDS = 0
    read(client, stories[0], times=2)
    assert count_in_db(stories[0]) == 2


def test_views_of_ids_that_are_not_articles_are_dropped(client, stories):
    client.get("/p/999999/view.gif")
    read(client, stories[0])
    assert most_read.views_flush() == 1


def test_views_are_counted_per_hour():
    article = ArticleFactory()
    now = time.time()
    most_read.view_record(article_id=article.pk, now=now)
    most_read.view_record(article_id=article.pk, now=now - 3600)
    most_read.views_flush()
    assert sorted(ArticleViewCount.objects.values_list("count", flat=True)) == [1, 1]


def test_the_most_read_list_ranks_the_last_24_hours_on_home_and_article_pages(client, stories):
    read(client, stories[0], times=1)
    read(client, stories[1], times=5)
    read(client, stories[2], times=3)
    old = time.time() - 30 * 3600
    for _ in range(50):
        most_read.view_record(article_id=stories[0].pk, now=old)  # more, but too long ago
    hidden = ArticleFactory(title="撤下的文章", status=Article.Status.UNPUBLISHED)
    read(client, hidden, times=9)
    most_read.views_flush()
    assert box(client.get("/").content.decode()) == ["最多人读", "中间", "少人读"]
    assert box(client.get(stories[0].get_absolute_url()).content.decode()) == ["最多人读", "中间", "少人读"]


def test_the_article_page_carries_the_beacon_so_cached_pages_count_too(client, stories):
    url = stories[0].get_absolute_url()
    client.get(url)
    response = client.get(url)
    assert response["X-Cache"] == "hit"
    assert f'src="/p/{stories[0].pk}/view.gif"' in response.content.decode()


def test_staff_and_prefetches_are_not_readers(admin_client, client, stories):
    admin_client.get(f"/p/{stories[0].pk}/view.gif")
    client.get(f"/p/{stories[0].pk}/view.gif", headers={"Sec-Purpose": "prefetch"})
    assert most_read.views_flush() == 0


def test_with_redis_views_wait_in_redis_and_any_process_flushes_them(client, stories, own_redis):
    read(client, stories[2])  # the first view opens the flush interval (and writes what waited)
    with CaptureQueriesContext(connection) as queries:
        read(client, stories[2], times=4)
    assert not [q for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert most_read._memory == {}  # nothing held by this process
    assert most_read.views_flush() == 4
    assert count_in_db(stories[2]) == 5
    assert most_read.views_flush() == 0  # taken once


def test_a_redis_outage_loses_views_never_the_beacon(client, stories, own_redis):
    own_redis.stop()
    read(client, stories[0])


def test_the_flush_command_writes_pending_views(client, stories):
    from django.core.management import call_command

    read(client, stories[0], times=2)
    call_command("flush_page_views", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert count_in_db(stories[0]) == 2
