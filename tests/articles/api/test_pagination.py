"""Cursor pagination stays correct and costs the same deep in a large archive."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.api.pagination import Ordering, cursor_decode
from articles.models import Article

pytestmark = pytest.mark.django_db

COUNT = 1_050


@pytest.fixture
def archive(db) -> list[int]:
    """1,050 published articles, three to a timestamp (ties the cursor must break by id), plus
    drafts and scheduled ones interleaved. Returns the published ids, newest first."""
    now = timezone.now()
    rows = [
        Article(
            title=f"第 {n} 篇",
            body="<p>正文</p>",
            excerpt="摘要",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=n // 3 + 1),
        )
        for n in range(COUNT)
    ]
    rows += [
        Article(title=f"草稿 {n}", status=Article.Status.DRAFT, published_at=now - timedelta(minutes=n))
        for n in range(0, COUNT, 50)
    ]
    rows += [Article(title="定时", status=Article.Status.PUBLISHED, published_at=now + timedelta(hours=1))]
    Article.objects.bulk_create(rows, batch_size=500)
    return list(Article.objects.published().order_by("-published_at", "-id").values_list("id", flat=True))


def walk(api, **params) -> tuple[list[int], list[int]]:
    """Follow next_cursor to the end; returns the ids seen and the queries each page cost."""
    seen, costs, cursor = [], [], None
    while True:
        with CaptureQueriesContext(connection) as queries:
            response = api("/articles", **params, **({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200, response.content
        data = response.json()
        seen += [item["id"] for item in data["items"]]
        costs.append(len(queries))
        cursor = data["next_cursor"]
        if cursor is None:
            return seen, costs


def test_walking_the_cursor_visits_every_published_article_once_in_order(api, archive):
    seen, costs = walk(api, limit="100")
    assert seen == archive
    assert len(costs) == 11
    # Every page after the first costs the same, however deep: no OFFSET, no count. The first
    # also looks the key up (cached after), notes its use, and finds the next scheduled article.
    assert len(set(costs[1:])) == 1, costs
    assert costs[1] <= 6  # the page and its five relations
    assert costs[0] <= costs[1] + 3


def test_walking_oldest_first_and_by_update_time(api, archive):
    seen, _costs = walk(api, limit="100", ordering="published_at")
    assert seen == list(reversed(archive))
    seen, _costs = walk(api, limit="100", ordering="-updated_at")
    assert sorted(seen) == sorted(archive)


def test_a_deep_page_reads_from_the_cursor_not_an_offset(api, archive):
    cursor = None
    for _page in range(10):
        cursor = api("/articles", limit="100", **({"cursor": cursor} if cursor else {})).json()["next_cursor"]
    with CaptureQueriesContext(connection) as queries:
        response = api("/articles", limit="100", cursor=cursor)
    assert [item["id"] for item in response.json()["items"]] == archive[1000:1100]
    page_query = next(q["sql"] for q in queries if 'FROM "articles_article"' in q["sql"])
    assert "OFFSET" not in page_query.upper()


def test_cursors_are_opaque_and_tied_to_their_ordering(api, archive):
    cursor = api("/articles", limit="5").json()["next_cursor"]
    payload = cursor.rsplit(":", 1)[0]
    assert api("/articles", cursor=payload + ":forged").status_code == 400  # signed: no made-up cursors
    tampered = cursor[:-3] + ("aaa" if not cursor.endswith("aaa") else "bbb")
    assert api("/articles", cursor=tampered).status_code == 400
    response = api("/articles", cursor=cursor, ordering="updated_at")
    assert response.status_code == 400
    assert "ordering" in response.json()["detail"]
    _value, pk = cursor_decode(cursor, Ordering.parse("-published_at"))
    assert pk == archive[4]
