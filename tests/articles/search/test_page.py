"""The reader's search page ``/search/``, the header search box, and the bad input they take."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from articles.models import Article
from articles.services.publishing import article_unpublish
from tests.articles.search.conftest import anchor

pytestmark = pytest.mark.django_db


class _Results(HTMLParser):
    """Titles and links of ``class="search-result"`` elements, and their ``<mark>`` texts."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[dict] = []
        self._depth = 0
        self._in_link = self._in_mark = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "search-result" in (attrs.get("class") or "").split():
            self.results.append({"href": None, "title": "", "marks": []})
        elif self.results and tag == "a" and self.results[-1]["href"] is None:
            self.results[-1]["href"] = attrs.get("href")
            self._in_link = True
        elif self.results and tag == "mark":
            self._in_mark = True
            self.results[-1]["marks"].append("")

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_link = False
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data):
        if self._in_link:
            self.results[-1]["title"] += data
        if self._in_mark:
            self.results[-1]["marks"][-1] += data


def results(response) -> list[dict]:
    parser = _Results()
    parser.feed(response.content.decode())
    return parser.results


def titles(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [result["title"] for result in results(response)]


def test_results_link_to_articles_with_date_credits_and_marked_passage(client, write_article):
    article = write_article(
        "视频会议赛道升温",
        "<p>文 | 林小雨</p><p>今年上半年，多家公司推出了视频会议产品，市场竞争激烈。</p>",
    )
    response = client.get("/search/?q=視頻會議")
    assert response.status_code == 200
    (result,) = results(response)
    assert result["href"] == f"/p/{article.pk}/"
    assert result["title"] == "视频会议赛道升温"
    assert result["marks"] == ["视频会议", "视频会议"]  # title and passage
    html = response.content.decode()
    assert "林小雨" in html
    assert f'datetime="{timezone.localtime(article.published_at).isoformat()}' in html or "<time" in html
    assert '<meta name="robots" content="noindex">' in html


def test_highlighting_escapes_the_text_around_the_marks(client, write_article):
    write_article("转义测试", "<p>用 &lt;script&gt;alert(1)&lt;/script&gt; 测试机器人安全。</p>")
    html = client.get("/search/?q=机器人").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>机器人</mark>" in html


def test_highlighting_marks_the_original_text_of_folded_matches(client, write_article):
    write_article("苹果发布 iPhone 15", "<p>新款 iPhone 15 采用了全新的芯片。</p>")
    (result,) = results(client.get("/search/?q=ＩＰＨＯＮＥ"))
    assert set(result["marks"]) == {"iPhone"}


def test_readers_find_published_articles_only(client, write_article):
    write_article("机器人已发布")
    write_article("机器人草稿", status=Article.Status.DRAFT)
    scheduled = write_article("机器人定时")
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() + timedelta(days=1))
    unpublished = write_article("机器人撤回")
    article_unpublish(article=unpublished)
    assert titles(client, "/search/?q=机器人") == ["机器人已发布"]


def test_filters_narrow_the_results(client, write_article):
    write_article("芯片新闻一", f"<p>文 | 王五</p><p>{anchor('501', '芯声智能')}的芯片。</p>", categories=["硬件"],
                  tags=["半导体"], days_ago=40)
    write_article("芯片新闻二", "<p>另一家公司的芯片。</p>", categories=["资讯"], days_ago=1)
    assert set(titles(client, "/search/?q=芯片")) == {"芯片新闻一", "芯片新闻二"}
    assert titles(client, "/search/?q=芯片&category=硬件") == ["芯片新闻一"]
    assert titles(client, "/search/?q=芯片&tag=半导体") == ["芯片新闻一"]
    from articles.models import Author

    author = Author.objects.get(name="王五")
    assert titles(client, f"/search/?q=芯片&author={author.slug}") == ["芯片新闻一"]
    assert titles(client, "/search/?q=芯片&project=501") == ["芯片新闻一"]
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert titles(client, f"/search/?q=芯片&from={since}") == ["芯片新闻二"]
    assert titles(client, f"/search/?q=芯片&to={since}") == ["芯片新闻一"]
    assert titles(client, "/search/?q=芯片&category=不存在") == []


def test_pages_keep_the_query_and_a_page_past_the_end_shows_the_last(client, write_article, settings):
    settings.ARTICLES_PAGE_SIZE = 2
    for day in range(5):
        write_article(f"电池技术第{day}篇", days_ago=day + 1)
    first = client.get("/search/?q=电池技术&utm_source=x")
    assert len(results(first)) == 2
    assert "?q=%E7%94%B5%E6%B1%A0%E6%8A%80%E6%9C%AF&amp;page=2" in first.content.decode()
    assert titles(client, "/search/?q=电池技术&page=3") == ["电池技术第4篇"]
    assert titles(client, "/search/?q=电池技术&page=999") == ["电池技术第4篇"]
    assert len(titles(client, "/search/?q=电池技术&page=abc")) == 2


def test_empty_query_shows_a_friendly_page(client, db):
    for url in ("/search/", "/search/?q=", "/search/?q=%20%20"):
        response = client.get(url)
        assert response.status_code == 200
        assert "搜索全部已发布的文章" in response.content.decode()


def test_nothing_found_says_so(client, write_article):
    write_article("电池技术")
    response = client.get("/search/?q=量子纠缠")
    assert response.status_code == 200
    assert "没有找到与“量子纠缠”相关的文章" in response.content.decode()


def test_over_long_query_is_a_400_with_a_message(client, db):
    response = client.get("/search/", {"q": "长" * 2000})
    assert response.status_code == 400
    assert "搜索词太长了" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["& | ! ( ) : * ' \"", "a:* & !b", "(foo <-> bar)", "%ED%A0%80", "%EF%BF%BE", "'; DROP TABLE x; --",
     "%25_%5C", "NEAR(a b)", "%E2%80%AE%E2%80%8B"],
)
def test_hostile_queries_are_answered_200(client, write_article, query):
    write_article("控制台 DROP 技巧")
    response = client.get(f"/search/?q={query}&from=2024-13-45&to=yesterday&page=-3")
    assert response.status_code == 200


def test_control_characters_are_refused_by_the_site_wide_guard_not_an_error(client, write_article):
    # cms.middleware.HostileRequestMiddleware answers 400 before any view (the engine itself
    # would treat them as spaces: tests/articles/search/test_engine.py).
    write_article("控制台 DROP 技巧")
    assert client.get("/search/?q=%00%01控制").status_code == 400


def test_every_page_has_a_labelled_search_box_without_javascript(client, write_article):
    article = write_article("电池技术")
    for url in ("/", article.get_absolute_url(), "/archive/", "/search/?q=电池"):
        html = client.get(url).content.decode()
        assert '<form class="site-search" role="search" method="get" action="/search/">' in html
        assert '<label class="visually-hidden" for="site-search-q">' in html
        assert 'name="q"' in html


def test_search_page_is_cached_and_purged_when_articles_change(client, write_article, settings):
    settings.ARTICLES_PAGE_CACHE_SECONDS = 600
    write_article("储能电站投运")
    assert titles(client, "/search/?q=储能") == ["储能电站投运"]
    assert client.get("/search/?q=储能")["X-Cache"] == "hit"
    write_article("储能行业报告")
    response = client.get("/search/?q=储能")
    assert response["X-Cache"] == "miss"
    assert set(titles(client, "/search/?q=储能")) == {"储能电站投运", "储能行业报告"}


def test_a_page_of_results_costs_the_same_queries_however_many_match(client, write_article, django_assert_max_num_queries):
    write_article("电池技术", "<p>文 | 李雷</p><p>内容。</p>", categories=["资讯"])
    # Six for the search and its page, one for the header's sections (cached once read).
    with django_assert_max_num_queries(7):
        assert len(results(client.get("/search/?q=电池"))) == 1
    for n in range(20):
        write_article(f"电池技术第{n}篇", f"<p>文 | 作者{n}</p><p>内容。</p>", categories=[f"分类{n}"])
    with django_assert_max_num_queries(7):
        assert len(results(client.get("/search/?q=电池"))) == 20
