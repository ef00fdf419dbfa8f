"""``/api/v1/search``: the site's search engine, published articles only, in the article
lists' representation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.services.articles import article_save

pytestmark = pytest.mark.django_db


def write(title: str, body: str = "<p>正文。</p>", *, days_ago: float = 1, status=Article.Status.PUBLISHED):
    return article_save(
        article=Article(
            title=title,
            body=body,
            status=status,
            published_at=timezone.now() - timedelta(days=days_ago) if status == "published" else None,
        ),
        categories=["资讯"],
    )


def test_search_answers_ranked_published_articles_as_lists_do(api):
    body_hit = write("行业观察", "<p>边缘计算正在落地。</p>", days_ago=1)
    title_hit = write("边缘计算新品发布", days_ago=5)
    write("边缘计算草稿", status=Article.Status.DRAFT)
    response = api("/search", q="邊緣計算")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [title_hit.pk, body_hit.pk]
    listed = api("/articles").json()["items"]
    assert set(items[0]) == set(listed[0])


def test_search_pages_with_a_cursor(api):
    for day in range(5):
        write(f"储能第{day}篇", days_ago=day + 1)
    first = api("/search", q="储能", limit=2).json()
    second = api("/search", q="储能", limit=2, cursor=first["next_cursor"]).json()
    third = api("/search", q="储能", limit=2, cursor=second["next_cursor"]).json()
    ids = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert len(ids) == len(set(ids)) == 5
    assert third["next_cursor"] is None


def test_search_filters_and_fields(api):
    write("储能一")
    response = api("/search", q="储能", category="资讯", fields="id,title")
    assert [set(item) for item in response.json()["items"]] == [{"id", "title"}]
    assert api("/search", q="储能", category="不存在").json()["items"] == []


@pytest.mark.parametrize("q", ["& | ! ( ) : * ' \"", "'; DROP TABLE x; --", "a:* <-> b", "", "  "])
def test_search_takes_any_text(api, q):
    write("储能一")
    assert api("/search", q=q).status_code == 200


def test_search_refuses_an_over_long_query_and_a_forged_cursor(api):
    assert api("/search", q="长" * 201).status_code == 400
    assert api("/search", q="储能", cursor="forged").status_code == 400
    assert api("/search").status_code == 422
    assert api("/search", q="控制\x00").status_code == 422  # the API's rule for NUL in any parameter
