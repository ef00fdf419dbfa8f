"""The read-replica router against a second real database standing in for the replica: reader
pages read from it; writes, the admin, transactions and reads right after a write or a
content change use the primary."""

from __future__ import annotations

import pytest
from django.db import router, transaction
from django.http import HttpResponse

from articles.caching import keys_changed
from articles.models import Article
from cms.db_router import PrimaryPinningMiddleware
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(databases=["default", "replica"], transaction=True)


@pytest.fixture
def replica(settings):
    settings.DATABASE_ROUTERS = ["cms.db_router.ReplicaRouter"]
    settings.DATABASE_REPLICA_URL = "postgres://stand-in"  # only tells the page cache one exists
    settings.DATABASE_REPLICA_LAG_SECONDS = 0
    settings.ARTICLES_PAGE_CACHE_SECONDS = 0


def article_in_both(title_primary: str, title_replica: str) -> Article:
    """The same article in both databases, as replication would have it, but told apart."""
    article = ArticleFactory(title=title_primary)
    Article.objects.using("replica").bulk_create(
        [Article(pk=article.pk, title=title_replica, body=article.body, excerpt=article.excerpt,
                 status=article.status, published_at=article.published_at)]
    )  # fmt: skip
    return article


def test_reader_pages_read_from_the_replica(replica, client):
    article = article_in_both("主库里的标题", "从库里的标题")
    for url in ("/", article.get_absolute_url(), "/feed/"):
        content = client.get(url).content.decode()
        assert "从库里的标题" in content and "主库里的标题" not in content, url


def test_the_admin_reads_and_writes_the_primary(replica, admin_client):
    article = article_in_both("主库里的标题", "从库里的标题")
    change_list = admin_client.get("/admin/articles/article/").content.decode()
    assert "主库里的标题" in change_list and "从库里的标题" not in change_list
    change_form = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "主库里的标题" in change_form

    response = admin_client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.using("default").filter(pk=article.pk).exists()
    assert Article.objects.using("replica").filter(pk=article.pk).exists(), "replication is not ours to do"


def test_writes_go_to_the_primary_and_pin_the_rest_of_the_request(replica, rf):
    seen = []

    def view(request):
        seen.append(router.db_for_read(Article))
        if request.GET.get("write"):
            ArticleFactory(title="请求里新写的文章")
            seen.append(router.db_for_read(Article))
            seen.append(Article.objects.filter(title="请求里新写的文章").exists())
        return HttpResponse()

    PrimaryPinningMiddleware(view)(rf.get("/", {"write": "1"}))
    assert seen == ["replica", "default", True]
    assert not Article.objects.using("replica").filter(title="请求里新写的文章").exists()
    seen.clear()
    PrimaryPinningMiddleware(view)(rf.get("/"))
    assert seen == ["replica"], "the next request starts unpinned"
    PrimaryPinningMiddleware(view)(rf.post("/"))
    assert seen == ["replica", "default"], "a POST reads the primary from the start"


def test_reads_inside_a_transaction_use_the_primary(replica, rf):
    seen = []

    def view(request):
        seen.append(router.db_for_read(Article))
        with transaction.atomic():
            seen.append(router.db_for_read(Article))
        return HttpResponse()

    PrimaryPinningMiddleware(view)(rf.get("/"))
    assert seen == ["replica", "default"]


def test_right_after_a_change_pages_are_rendered_from_the_primary(replica, client, settings):
    settings.DATABASE_REPLICA_LAG_SECONDS = 60
    article = article_in_both("刚改好的标题", "从库还没跟上的标题")
    keys_changed({f"article-{article.pk}"})
    content = client.get(article.get_absolute_url()).content.decode()
    assert "刚改好的标题" in content, (
        "the replica may lag: the render that refills the cache reads the primary"
    )


def test_migrations_run_on_the_primary_only(replica):
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate("replica", "articles")
