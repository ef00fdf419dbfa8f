"""Surrogate keys: every cacheable response names what it shows; a change empties exactly the
pages (here and in the CDN) that show what changed, not every page."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponse

from articles.caching import content_changed, keys, keys_changed
from articles.models import Article, Author, Category, Project
from articles.page_cache import reader_page
from articles.services.articles import article_save
from articles.services.publishing import article_unpublish
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def surrogate_keys(response) -> set[str]:
    values = set(response["Surrogate-Key"].split())
    assert values == set(response["Cache-Tag"].split(",")), "both headers name the same keys"
    return values


def key(obj) -> str:
    return keys.object_key(obj)


def test_article_page_names_the_article_and_every_section_author_and_project_it_shows(client, reader_site):
    article = reader_site.imported
    response = client.get(article.get_absolute_url())
    shown = surrogate_keys(response)
    expected = {"all", key(article)}
    expected |= {key(category) for category in article.categories.all()}
    expected |= {key(tag) for tag in article.tags.all()}
    expected |= {key(credit.author) for credit in article.credits.all()}
    expected |= {key(project) for project in Project.objects.filter(mentions__article=article)}
    assert expected <= shown
    related = {key(item) for item in reader_site.published if item.categories.filter(name="资讯").exists()}
    assert related <= shown, "the related articles it lists"
    assert not any(key(hidden) in shown for hidden in reader_site.hidden.values())


def test_list_pages_name_their_list_and_each_article_and_writer_on_them(client, reader_site):
    home = surrogate_keys(client.get("/"))
    assert {"all", "articles"} <= home
    assert {key(article) for article in reader_site.visible} <= home
    assert key(reader_site.writer) in home

    category = reader_site.category
    listed = surrogate_keys(client.get(category.get_absolute_url()))
    assert {key(category), f"{key(category)}-articles"} <= listed
    assert "articles" not in listed, "a category page is not emptied by articles of other sections"

    project = surrogate_keys(client.get(reader_site.project.get_absolute_url()))
    assert {key(reader_site.project), f"{key(reader_site.project)}-articles"} <= project


def test_feeds_and_sitemaps_name_what_they_list(client, reader_site):
    feed = surrogate_keys(client.get("/feed/"))
    assert {"articles", key(reader_site.imported), key(reader_site.writer)} <= feed
    category_feed = surrogate_keys(client.get(f"{reader_site.category.get_absolute_url()}feed/"))
    assert f"{key(reader_site.category)}-articles" in category_feed
    assert "sitemaps" in surrogate_keys(client.get("/sitemap-articles.xml"))


def _verdicts(client, urls: list[str]) -> dict[str, str]:
    return {url: client.get(url)["X-Cache"] for url in urls}


def test_editing_one_article_empties_the_pages_that_show_it_and_no_other(client, reader_site, settings):
    settings.ARTICLES_PAGE_SIZE = 2
    edited, other = reader_site.published[0], reader_site.published[1]  # other: no section in common
    showing = ["/", edited.get_absolute_url(), "/feed/", "/categories/36kr/"]
    not_showing = [
        other.get_absolute_url(),
        "/?page=2",
        "/categories/快讯/",
        reader_site.project.get_absolute_url(),
    ]
    assert set(_verdicts(client, showing + not_showing).values()) == {"miss"}
    assert set(_verdicts(client, showing + not_showing).values()) == {"hit"}

    edited.title = "云栖科技发布边缘计算新品（更新）"
    article_save(article=edited)

    assert _verdicts(client, showing) == dict.fromkeys(showing, "miss")
    assert _verdicts(client, not_showing) == dict.fromkeys(not_showing, "hit")
    assert "（更新）" in client.get("/").content.decode()


def test_publishing_empties_the_lists_it_joins_but_not_other_article_pages(client, reader_site):
    article_page = reader_site.imported.get_absolute_url()
    lists = ["/", "/feed/", "/categories/快讯/", "/archive/"]
    other_section = "/categories/新媒体/"
    _verdicts(client, [article_page, other_section, *lists])

    ArticleFactory(title="突发：新发布的快讯", categories=["快讯"])

    assert _verdicts(client, lists) == dict.fromkeys(lists, "miss")
    assert _verdicts(client, [article_page, other_section]) == dict.fromkeys(
        [article_page, other_section], "hit"
    )
    assert "突发：新发布的快讯" in client.get("/categories/快讯/").content.decode()


def test_making_a_published_story_a_flash_moves_it_between_the_lists_at_once(client, reader_site):
    article = reader_site.published[0]
    _verdicts(client, ["/", "/flash/"])
    assert article.title not in client.get("/flash/").content.decode()

    article.kind = Article.Kind.FLASH
    article_save(article=article)

    assert article.title in client.get("/flash/").content.decode(), "the flash list was emptied"
    article.kind = Article.Kind.ARTICLE
    article_save(article=article)
    assert article.title not in client.get("/flash/").content.decode()


def test_unpublishing_empties_every_list_that_showed_it(client, reader_site):
    article = reader_site.published[1]  # in 快讯, by 苏建勋, mentions project 8301
    urls = ["/", "/categories/快讯/", reader_site.writer.get_absolute_url(), "/projects/8301/"]
    for url in urls:
        assert article.title in client.get(url).content.decode(), url
    article_unpublish(article=article)
    for url in urls:
        assert article.title not in client.get(url).content.decode(), url


def test_renaming_an_author_empties_the_pages_showing_the_name_only(client, reader_site):
    writer = reader_site.writer
    untouched = "/categories/新媒体/"
    Author.objects.create(name="别的作者", slug="other")
    _verdicts(client, [reader_site.imported.get_absolute_url(), "/", untouched])
    writer.name = "苏建勋（特约）"
    writer.save()
    assert "苏建勋（特约）" in client.get(reader_site.imported.get_absolute_url()).content.decode()
    assert "苏建勋（特约）" in client.get("/").content.decode()  # a card's byline


def test_renaming_a_category_reaches_its_page_and_the_articles_showing_its_name(client, reader_site):
    category = Category.objects.get(name="快讯")
    article = reader_site.published[1]
    _verdicts(client, [article.get_absolute_url(), category.get_absolute_url()])
    category.name = "7×24 快讯"
    category.save()
    assert "7×24 快讯" in client.get(article.get_absolute_url()).content.decode()
    assert "7×24 快讯" in client.get(category.get_absolute_url()).content.decode()


def test_content_changed_empties_every_page(client, reader_site):
    urls = ["/", reader_site.imported.get_absolute_url(), "/categories/快讯/", "/sitemap.xml"]
    _verdicts(client, urls)
    content_changed()
    assert _verdicts(client, urls) == dict.fromkeys(urls, "miss")


def test_an_edit_re_renders_only_its_own_card_on_a_list(client, reader_site, django_assert_max_num_queries):
    url = reader_site.category.get_absolute_url()
    client.get(url)
    edited = reader_site.published[2]
    Article.objects.filter(pk=edited.pk).update(title="只改了这一篇")
    keys_changed({key(edited)})  # the update sent no signal: purge its key as a save would
    # The category, the page's ids and one read of the edited article (with its credits and
    # renditions); every other card comes from the fragment cache.
    with django_assert_max_num_queries(6) as queries:
        content = client.get(url).content.decode()
    assert "只改了这一篇" in content
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "articles_article"' in q["sql"]]
    assert any(f"IN ({edited.pk})" in sql for sql in reads), reads


# --- declaring keys from a view ------------------------------------------------------------------


def _anonymous(rf, path: str):
    request = rf.get(path)
    request.user = AnonymousUser()
    return request


def test_a_view_declares_fixed_keys_through_reader_page(rf):
    view = reader_page(lambda request: HttpResponse("快讯列表"), keys=["flashes"])
    response = view(_anonymous(rf, "/flash/"))
    assert surrogate_keys(response) == {"all", "flashes"}


def test_a_view_declaring_nothing_is_emptied_by_any_change_and_never_kept_by_a_cdn(
    client, rf, reader_site, settings
):
    settings.ARTICLES_CDN_CACHE_SECONDS = 300
    declared = client.get("/")
    assert "s-maxage=300" in declared["Cache-Control"] and declared["Surrogate-Control"] == "max-age=300"

    undeclared = reader_page(lambda request: HttpResponse(Article.objects.published().count()))
    response = undeclared(_anonymous(rf, "/x/"))
    assert surrogate_keys(response) == {"all"}
    assert "s-maxage" not in response["Cache-Control"] and not response.has_header("Surrogate-Control")
    assert response._masthead_cacheable.keys == (keys.NO_KEYS,)


# --- CDN purgers -------------------------------------------------------------------------------------


class _PurgeRecorder(BaseHTTPRequestHandler):
    received: list[tuple[str, str, str]] = []

    def do_PURGE(self):
        self.received.append((self.command, self.path, self.headers.get("xkey-purge", "")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_endpoint(settings):
    """A local HTTP server standing in for Varnish: records the PURGE requests it gets."""
    _PurgeRecorder.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ARTICLES_CDN_PURGER = "http"
    settings.ARTICLES_CDN_PURGE_URLS = [f"http://127.0.0.1:{server.server_port}/"]
    yield _PurgeRecorder.received
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_a_save_purges_exactly_its_keys_from_the_cdn_once_after_commit(purge_endpoint):
    article = article_save(article=ArticleFactory.build(title="原标题"), categories=["快讯"])
    category = Category.objects.get(name="快讯")
    publishing = set(" ".join(sent for _m, _p, sent in purge_endpoint).split())
    assert len(purge_endpoint) == 1, "one request per committed transaction"
    assert {key(article), "articles", f"{key(category)}-articles", "sitemaps"} <= publishing
    purge_endpoint.clear()

    with transaction.atomic():
        article.title = "改了标题"
        article_save(article=article)
        assert purge_endpoint == [], "nothing is sent before the commit"
    assert len(purge_endpoint) == 1
    method, path, sent = purge_endpoint[0]
    assert (method, path) == ("PURGE", "/")
    # A title edit does not touch lists; it does change what searches find (key "search").
    assert set(sent.split()) == {key(article), "sitemaps", "search"}, "a title edit does not touch lists"

    purge_endpoint.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        article.title = "回滚的修改"
        article_save(article=article)
        raise RuntimeError
    assert purge_endpoint == [], "a rolled-back change purges nothing"


def test_a_global_purge_sends_the_key_every_response_carries(
    purge_endpoint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        content_changed()
    assert [sent for _m, _p, sent in purge_endpoint] == ["all"]


@pytest.mark.django_db(transaction=True)
def test_a_cdn_that_does_not_answer_never_fails_the_save(settings, caplog):
    from tests.servers import free_port

    settings.ARTICLES_CDN_PURGER = "http"
    settings.ARTICLES_CDN_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]
    with caplog.at_level(logging.WARNING, logger="articles.caching.purgers"):
        article = article_save(article=ArticleFactory.build(title="照样保存"))
    assert Article.objects.get(pk=article.pk).title == "照样保存"
    assert "CDN purge" in caplog.text


def test_the_logging_purger_logs_the_keys(settings, caplog, django_capture_on_commit_callbacks):
    settings.ARTICLES_CDN_PURGER = "log"
    with (
        caplog.at_level(logging.INFO, logger="articles.caching.purgers"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        content_changed()
    assert "purge surrogate keys: all" in caplog.text
