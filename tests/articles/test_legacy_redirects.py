"""Old Hexo URLs answer with a 301 to /p/<id>/; anything else is still the normal 404."""

from urllib.parse import quote

import pytest

from articles.hexo.permalinks import legacy_permalink_candidates
from articles.models import Article
from articles.services.importing import posts_import
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def imported(write_post, relative, front_matter):
    write_post(relative, f"---\ntitle: 旧文章\n{front_matter}---\n正文\n")
    (result,) = [r for r in posts_import(inputs=[write_post.root]) if r.path == relative]
    return Article.objects.get(pk=result.article_id)


def test_the_default_permalink_redirects_with_a_301(write_post, client, django_assert_num_queries):
    article = imported(write_post, "新媒体/36kr/钉钉 收购.md", "date: 2022-03-18 09:23:51\n")
    url = quote("/2022/03/18/新媒体/36kr/钉钉 收购/")
    client.get("/2022/03/18/warm-up/")  # the process learns the schedule and the header once
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == f"/p/{article.pk}/"


@pytest.mark.parametrize(
    "path", ["/swift-gyb", "/swift-gyb/", "/swift-gyb.html", "/swift-gyb/index.html", "/swift-gyb?from=rss"]
)
def test_a_front_matter_permalink_answers_in_every_form_hexo_served(write_post, client, path):
    article = imported(write_post, "a.md", "date: 2019-02-03\npermalink: swift-gyb\n")
    response = client.get(path)
    assert response.status_code == 301
    expected = f"/p/{article.pk}/" + ("?from=rss" if "?" in path else "")
    assert response["Location"] == expected


def test_percent_encoded_chinese_permalinks_work(write_post, client):
    article = imported(write_post, "a.md", "date: 2019-02-03\npermalink: /专题/芯片/\n")
    response = client.get("/%E4%B8%93%E9%A2%98/%E8%8A%AF%E7%89%87/")
    assert (response.status_code, response["Location"]) == (301, f"/p/{article.pk}/")


def test_the_redirected_page_is_the_article(write_post, client):
    imported(write_post, "a.md", "date: 2019-02-03\npermalink: old/page/\n")
    response = client.get("/old/page/", follow=True)
    assert response.status_code == 200 and "旧文章" in response.content.decode()


def test_drafts_and_scheduled_articles_do_not_redirect(client):
    ArticleFactory(legacy_permalink="/draft/", status=Article.Status.DRAFT)
    ArticleFactory(legacy_permalink="/later/", published_at="2999-01-01T00:00:00+08:00")
    assert client.get("/draft/").status_code == 404
    assert client.get("/later/").status_code == 404


def test_when_two_articles_claim_a_permalink_the_oldest_wins(client):
    first = ArticleFactory(legacy_permalink="/same/")
    ArticleFactory(legacy_permalink="/same/")
    assert client.get("/same/")["Location"] == f"/p/{first.pk}/"


def test_unknown_paths_are_the_normal_404(client, django_assert_max_num_queries):
    # The permalink lookup, the header's sections and the cache's schedule the first time
    # (kept by the process after).
    with django_assert_max_num_queries(3):
        response = client.get("/2022/03/18/nothing-here/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    client.get("/2022/03/18/nothing-else/")  # (the cache's first read also learns the schedule)
    with django_assert_max_num_queries(1):
        assert client.get("/2022/03/18/nothing-at-all/").status_code == 404


def test_append_slash_still_redirects_real_pages(client):
    article = ArticleFactory()
    response = client.get(f"/p/{article.pk}")
    assert (response.status_code, response["Location"]) == (301, f"/p/{article.pk}/")


def test_other_routes_win_over_legacy_permalinks(client):
    article = ArticleFactory(legacy_permalink="/")
    ArticleFactory(legacy_permalink=f"/p/{article.pk}/")
    assert client.get(f"/p/{article.pk}/").status_code == 200
    assert client.get("/").status_code == 200


def test_candidates_cover_the_forms_of_one_permalink():
    assert legacy_permalink_candidates("/a/b/index.html") == ["/a/b", "/a/b/", "/a/b.html", "/a/b/index.html"]
    assert legacy_permalink_candidates("a/b.html") == legacy_permalink_candidates("/a/b")
    assert legacy_permalink_candidates("/") == []
