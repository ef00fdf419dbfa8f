"""RSS and Atom feeds, read back with feedparser as real feed readers would."""

from __future__ import annotations

import re

import feedparser
import pytest

from tests.factories import ArticleFactory
from tests.reader_site import IMPORTED_TITLE

pytestmark = pytest.mark.django_db


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content, response_headers={"content-type": response["Content-Type"]})
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return response, feed


def entry(feed, title: str):
    (found,) = [e for e in feed.entries if e.title == title]
    return found


def test_rss_feed_parses_without_errors_and_carries_full_content_categories_and_author(client, reader_site):
    response, feed = parse(client, "/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert feed.version == "rss20"
    assert feed.feed.title == "Masthead" and feed.feed.language == "zh-cn"
    item = entry(feed, IMPORTED_TITLE)
    assert item.link == f"http://testserver/p/{reader_site.imported.pk}/"
    assert item.id == item.link
    assert item.author == "苏建勋"
    assert {tag.term for tag in item.tags} == {"新媒体", "36kr", "资讯", "企业服务", "数据库"}
    assert item.summary == reader_site.imported.excerpt
    (content,) = item.content
    assert "<h2>行业观察</h2>" in content.value and "年收入增长超过一倍" in content.value
    # feedparser's sanitizer drops data-* attributes; the feed itself keeps the anchors intact.
    assert 'data-id="8301"' in response.content.decode()
    assert item.published_parsed[:6] == (2022, 3, 18, 1, 23, 51)


def test_atom_feed_parses_without_errors_and_carries_the_same(client, reader_site):
    response, feed = parse(client, "/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.version == "atom10"
    item = entry(feed, IMPORTED_TITLE)
    assert item.author == "苏建勋"
    assert {tag.term for tag in item.tags} == {"新媒体", "36kr", "资讯", "企业服务", "数据库"}
    (content,) = item.content
    assert content.type == "text/html" and "年收入增长超过一倍" in content.value
    assert item.updated_parsed is not None and item.published_parsed[:3] == (2022, 3, 18)


@pytest.mark.parametrize("kind", ["/feed/", "/feed/atom/"])
def test_feeds_list_published_articles_newest_first_and_nothing_hidden(client, reader_site, kind):
    _, feed = parse(client, kind)
    titles = [e.title for e in feed.entries]
    assert titles == [
        a.title for a in sorted(reader_site.visible, key=lambda a: a.published_at, reverse=True)
    ]


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/"])
def test_category_author_and_project_feeds_list_only_their_published_articles(client, reader_site, suffix):
    cases = {
        reader_site.category.get_absolute_url(): {
            "云栖科技发布边缘计算新品",
            "新能源汽车出口持续增长",
            IMPORTED_TITLE,
        },
        reader_site.writer.get_absolute_url(): {IMPORTED_TITLE, "工信部发布算力基础设施指引"},
        reader_site.project.get_absolute_url(): {IMPORTED_TITLE, "工信部发布算力基础设施指引"},
    }
    for page_url, expected in cases.items():
        _, feed = parse(client, page_url + suffix)
        assert {e.title for e in feed.entries} == expected, page_url
        assert "Masthead：" in feed.feed.title


def test_feed_of_a_missing_category_is_404(client):
    assert client.get("/categories/不存在/feed/").status_code == 404


def test_feed_makes_root_relative_links_and_images_absolute(client):
    ArticleFactory(body='<p><a href="/p/1/">旧文</a><img src="/media/body/a.png" alt="图"></p>')
    _, feed = parse(client, "/feed/")
    (content,) = feed.entries[0].content
    assert 'href="http://testserver/p/1/"' in content.value
    assert 'src="http://testserver/media/body/a.png"' in content.value


def test_empty_site_still_has_valid_feeds(client):
    for url in ("/feed/", "/feed/atom/"):
        _, feed = parse(client, url)
        assert feed.entries == []


def test_feeds_point_browsers_to_the_xsl_stylesheet(client, reader_site):
    for url in ("/feed/", "/feed/atom/", "/flash/feed/"):
        head = client.get(url).content.decode()[:300]
        assert re.search(r"<\?xml-stylesheet href=\"/static/feeds/feed.xsl\"[^>]* type=\"text/xsl\"", head), url
    xsl = client.get("/static/feeds/feed.xsl")
    assert xsl.status_code == 200
