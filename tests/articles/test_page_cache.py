"""The anonymous full-page cache: served from cache, stale the moment content changes,
conditional GETs, headers, and nothing private ever shared."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import timezone

from articles.caching import content_changed, invalidation, store
from articles.models import Article, Credit
from articles.page_cache import reader_page
from articles.services.articles import article_save
from articles.services.publishing import article_unpublish
from tests.factories import ArticleFactory, AuthorFactory, CreditFactory

pytestmark = pytest.mark.django_db


def body(client, url: str, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_second_anonymous_request_is_served_from_the_cache_without_queries(
    client, reader_site, django_assert_num_queries
):
    url = reader_site.imported.get_absolute_url()
    first = body(client, url)
    with django_assert_num_queries(0):
        assert body(client, url) == first


def test_published_edit_is_visible_to_the_next_anonymous_request(client, reader_site):
    article = reader_site.imported
    urls = [article.get_absolute_url(), "/", reader_site.category.get_absolute_url(), "/feed/"]
    for url in urls:
        assert "青松数据完成新一轮融资" not in body(client, url)
    article.title = "青松数据完成新一轮融资"
    article_save(article=article)
    for url in urls:
        assert "青松数据完成新一轮融资" in body(client, url), url


def test_new_article_appears_in_lists_feeds_and_sitemaps_at_once(client, reader_site):
    for url in ("/", "/feed/", "/sitemap-articles.xml"):
        body(client, url)
    article = ArticleFactory(title="刚刚发布的快讯")
    assert "刚刚发布的快讯" in body(client, "/")
    assert "刚刚发布的快讯" in body(client, "/feed/")
    assert f"/p/{article.pk}/" in body(client, "/sitemap-articles.xml")


def test_unpublished_article_disappears_from_the_next_anonymous_request(client, reader_site):
    article = reader_site.published[0]
    assert article.title in body(client, "/")
    body(client, article.get_absolute_url())
    article_unpublish(article=article)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.title not in body(client, "/")


def test_credit_changes_are_visible_at_once(client, reader_site):
    article = reader_site.imported
    url = article.get_absolute_url()
    assert "新来的记者" not in body(client, url)
    CreditFactory(article=article, author=AuthorFactory(name="新来的记者"), role=Credit.Role.REPORTER)
    assert "新来的记者" in body(client, url)
    Credit.objects.get(author__name="新来的记者").delete()
    assert "新来的记者" not in body(client, url)


def test_author_rename_is_visible_at_once(client, reader_site):
    url = reader_site.imported.get_absolute_url()
    body(client, url)
    writer = reader_site.writer
    writer.name = "苏建勋（特约）"
    writer.save()
    assert "苏建勋（特约）" in body(client, url)


def test_project_changes_are_visible_on_article_and_project_pages(client, reader_site):
    urls = [reader_site.imported.get_absolute_url(), "/projects/8301/"]
    for url in urls:
        body(client, url)
    project = reader_site.project
    project.name = "青松数据库"
    project.logo_url = "https://img.example.com/qs-new.png"
    project.save()
    for url in urls:
        content = body(client, url)
        assert "青松数据库" in content and "qs-new.png" in content, url


def test_mention_changes_from_a_body_edit_are_visible_at_once(client, reader_site):
    article = reader_site.imported
    body(client, "/projects/373021/")
    article.body = "<p>正文不再提及任何项目。</p>"
    article_save(article=article)
    # No published article mentions the project any more: its page is gone.
    assert client.get("/projects/373021/").status_code == 404
    assert "本文提及" not in body(client, article.get_absolute_url())


def test_category_relation_changes_are_visible_at_once(client, reader_site):
    article = reader_site.published[2]
    body(client, "/categories/36kr/")
    article.categories.add("36kr")
    assert article.title in body(client, "/categories/36kr/")
    article.categories.remove("36kr")
    assert article.title not in body(client, "/categories/36kr/")


def test_bulk_writes_without_signals_show_after_content_changed(client, reader_site):
    # The importer's bulk_create sends no signals; it calls content_changed() once instead.
    article = reader_site.imported
    body(client, "/")
    Article.objects.filter(pk=article.pk).update(title="批量导入后的标题")
    assert "批量导入后的标题" not in body(client, "/")  # still the cached page
    content_changed()
    assert "批量导入后的标题" in body(client, "/")


def test_scheduled_article_appears_when_its_time_comes_without_any_write(client, reader_site, monkeypatch):
    scheduled = reader_site.hidden["scheduled"]
    assert scheduled.title not in body(client, "/")
    # Time passes: the row is now due (moved without signals, as the clock would) and this
    # process's clock is past the moment the cache remembered.
    due = timezone.now() - timedelta(seconds=1)
    Article.objects.filter(pk=scheduled.pk).update(published_at=due)
    real_clock = invalidation._clock
    monkeypatch.setattr(invalidation, "_clock", lambda: real_clock() + 2 * 86400)
    assert scheduled.title in body(client, "/")


def test_conditional_requests_get_304_until_the_content_changes(client, reader_site):
    url = reader_site.imported.get_absolute_url()
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag and last_modified
    not_modified = client.get(url, headers={"if-none-match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304
    article = reader_site.imported
    article.title = "改过的标题"
    article_save(article=article)
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_head_requests_are_answered_from_the_same_cache_entry(client, reader_site, django_assert_num_queries):
    url = reader_site.imported.get_absolute_url()
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        response = client.head(url)
    assert response.status_code == 200 and response["ETag"] == etag and response.content == b""


def test_anonymous_pages_are_public_revalidated_and_vary_on_cookie(client, reader_site):
    for url in ("/", reader_site.imported.get_absolute_url(), "/feed/", "/sitemap.xml"):
        response = client.get(url)
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"public", "max-age=0", "must-revalidate"} <= cache_control, url
        assert "Cookie" in response["Vary"], url
        assert not response.cookies, url


def test_staff_always_get_fresh_private_pages_and_never_fill_the_cache(client, admin_user, reader_site):
    article = reader_site.imported
    url = article.get_absolute_url()
    body(client, url)  # cached for anonymous readers
    Article.objects.filter(pk=article.pk).update(title="只有员工能马上看到")  # no signal: cache stays
    client.force_login(admin_user)
    response = client.get(url)
    assert "只有员工能马上看到" in response.content.decode()
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert not response.has_header("ETag")
    client.logout()
    assert "只有员工能马上看到" not in body(client, url)  # the staff render was not stored


def test_staff_request_does_not_populate_the_cache(client, admin_user, reader_site):
    client.force_login(admin_user)
    body(client, "/")
    assert not list(_page_keys())


def _page_keys():
    if hasattr(cache, "keys"):  # django-redis
        return cache.keys("articles:page:*")
    return [key for key in cache._cache if ":articles:page:" in key]  # locmem


def test_tracking_parameters_share_one_cache_entry_but_pages_do_not(client, reader_site, settings):
    settings.ARTICLES_PAGE_SIZE = 2
    body(client, "/")
    body(client, "/?utm_source=weibo&utm_medium=social")
    assert len(list(_page_keys())) == 1
    body(client, "/?page=2")
    assert len(list(_page_keys())) == 2


def _anonymous_request(path="/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    "private_view",
    [
        pytest.param(lambda request: HttpResponse(get_token(request)), id="csrf-token"),
        pytest.param(lambda request: _with_cookie(HttpResponse("hi")), id="sets-cookie"),
        pytest.param(lambda request: HttpResponse(str(list(request._messages))), id="shows-messages"),
        pytest.param(lambda request: _writes_session(request), id="writes-session"),
        pytest.param(lambda request: HttpResponse("nope", status=404), id="not-found"),
    ],
)
def test_responses_holding_private_state_are_never_cached(private_view):
    view = reader_page(private_view)
    response = view(_anonymous_request())
    assert not list(_page_keys())
    assert not response.has_header("ETag")
    if response.status_code == 200:
        assert "no-store" in response["Cache-Control"]


def _with_cookie(response):
    response.set_cookie("sessionid", "secret")
    return response


def _writes_session(request):
    request.session["seen"] = True
    return HttpResponse("hi")


def test_a_hit_on_a_page_this_process_holds_reads_only_its_keys_records(client, reader_site, monkeypatch):
    url = reader_site.imported.get_absolute_url()
    first = body(client, url)
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda names: reads.append(list(names)) or real_get_many(names))
    response = client.get(url)
    assert response["X-Cache"] == "hit" and response.content.decode() == first
    assert len(reads) == 1 and not any(":page:" in name for name in reads[0])  # no page read


def test_a_page_this_process_holds_is_not_served_after_an_edit_or_its_expiry(
    client, reader_site, monkeypatch
):
    article = reader_site.imported
    url = article.get_absolute_url()
    body(client, url)
    assert client.get(url)["X-Cache"] == "hit"
    article.title = "本进程缓存的页面也要更新"
    article_save(article=article)
    assert "本进程缓存的页面也要更新" in body(client, url)
    assert client.get(url)["X-Cache"] == "hit"
    later = invalidation.time.time() + 3600  # past ARTICLES_PAGE_CACHE_SECONDS
    monkeypatch.setattr("time.time", lambda: later)
    assert client.get(url)["X-Cache"] == "miss"


def test_a_hit_when_nothing_was_purged_since_reads_the_purge_counter_not_its_keys(
    client, reader_site, monkeypatch
):
    url = "/"
    first = body(client, url)
    assert client.get(url)["X-Cache"] == "hit"  # found fresh against its keys' records
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda names: reads.append(list(names)) or real_get_many(names))
    response = client.get(url)
    assert response["X-Cache"] == "hit" and response.content.decode() == first
    assert len(reads) == 1
    assert [name for name in reads[0] if name.startswith(store.record_name(""))] == [store.record_name("all")]


def test_a_purge_half_written_when_a_page_was_found_fresh_still_empties_it(client, reader_site):
    article = reader_site.imported
    url = article.get_absolute_url()
    body(client, url)
    assert client.get(url)["X-Cache"] == "hit"
    # A purge has moved the counter on but not written its records yet: the page is found
    # fresh against the records as they are ...
    seq = cache.incr(store.SEQ)
    assert client.get(url)["X-Cache"] == "hit"
    # ... and once they are written (with the purge's mark), it is not, counter unmoved.
    cache.set_many({store.record_name(f"article-{article.pk}"): seq, store.PURGE_DONE: seq})
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"


def test_an_edit_empties_a_page_found_fresh_without_its_keys(client, reader_site):
    article = reader_site.imported
    url = article.get_absolute_url()
    body(client, url)
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"  # by the purge mark
    article.title = "标记之后的修改"
    article_save(article=article)
    assert "标记之后的修改" in body(client, url)
