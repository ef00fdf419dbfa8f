"""What pages tell search engines and link previews: titles, meta, canonical, OpenGraph,
Twitter cards and JSON-LD."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.factories import ArticleFactory
from tests.reader_site import IMPORTED_TITLE

pytestmark = pytest.mark.django_db


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.title = ""
        self.jsonld: list[dict] = []
        self._in_title = False
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "meta" and ("property" in attributes or "name" in attributes):
            key = attributes.get("property") or attributes["name"]
            self.meta.setdefault(key, []).append(attributes.get("content", ""))
        elif tag == "link":
            self.links.append(attributes)
        elif tag == "title":
            self._in_title = True
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._in_jsonld = True

    def handle_endtag(self, tag):
        self._in_title = self._in_jsonld = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif self._in_jsonld:
            self.jsonld.append(json.loads(data))


def head_of(client, url: str) -> _Head:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Head()
    parser.feed(response.content.decode())
    return parser


def canonical(head: _Head) -> str:
    (link,) = [link for link in head.links if link.get("rel") == "canonical"]
    return link["href"]


def test_article_page_has_title_description_canonical_opengraph_and_twitter_tags(client, reader_site):
    article = reader_site.imported
    head = head_of(client, f"{article.get_absolute_url()}?utm_source=weibo")
    url = f"http://testserver/p/{article.pk}/"
    assert head.title == f"{IMPORTED_TITLE} - Masthead"
    assert head.meta["description"] == [article.excerpt]
    assert article.excerpt.startswith("36氪获悉，分布式数据库公司青松数据")
    assert canonical(head) == url
    assert head.meta["og:type"] == ["article"]
    assert head.meta["og:title"] == [IMPORTED_TITLE]
    assert head.meta["og:url"] == [url]
    assert head.meta["og:image"] == ["https://img.example.com/qingsong-head.jpg"]
    assert head.meta["og:locale"] == ["zh_CN"]
    assert head.meta["article:published_time"] == ["2022-03-18T09:23:51+08:00"]
    assert head.meta["article:section"] == ["新媒体"]
    assert set(head.meta["article:tag"]) == {"新媒体", "36kr", "资讯", "企业服务", "数据库"}
    assert head.meta["twitter:card"] == ["summary_large_image"]
    assert head.meta["twitter:title"] == [IMPORTED_TITLE]
    assert head.meta["twitter:image"] == ["https://img.example.com/qingsong-head.jpg"]
    feeds = {link["type"]: link["href"] for link in head.links if link.get("rel") == "alternate"}
    assert feeds == {"application/rss+xml": "/feed/", "application/atom+xml": "/feed/atom/"}


def test_imported_article_jsonld_carries_every_news_article_field(client, reader_site):
    article = reader_site.imported
    head = head_of(client, article.get_absolute_url())
    news, breadcrumbs = head.jsonld
    url = f"http://testserver/p/{article.pk}/"
    assert news["@context"] == "https://schema.org"
    assert news["@type"] == "NewsArticle"
    assert news["headline"] == IMPORTED_TITLE
    assert news["description"] == article.excerpt
    assert news["url"] == url and news["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert news["datePublished"] == "2022-03-18T09:23:51+08:00"
    modified = timezone.localtime(article.updated_at).replace(microsecond=0)
    assert news["dateModified"] == modified.isoformat() and news["dateModified"].endswith("+08:00")
    assert news["author"] == [
        {"@type": "Person", "name": "苏建勋", "url": "http://testserver/authors/%E8%8B%8F%E5%BB%BA%E5%8B%8B/"}
    ]
    assert [(p["@type"], p["name"]) for p in news["editor"]] == [("Person", "杨轩"), ("Person", "林晓")]
    assert news["publisher"] == {
        "@type": "Organization",
        "name": "Masthead",
        "url": "http://testserver/",
        "logo": {"@type": "ImageObject", "url": "http://testserver/static/img/logo.png"},
    }
    assert news["image"] == [
        "https://img.example.com/qingsong-head.jpg",
        "https://img.example.com/qingsong-thumb.jpg",
    ]
    assert news["articleSection"] == ["新媒体", "36kr", "资讯"]  # as the front matter lists them
    assert set(news["keywords"]) == {"新媒体", "36kr", "资讯", "企业服务", "数据库"}
    assert news["mentions"] == [
        {
            "@type": "Organization",
            "name": "青松数据",
            "url": "https://36kr.com/projectDetails/8301",
            "logo": "https://img.example.com/qs.png",
            "identifier": "8301",
        },
        {
            "@type": "Organization",
            "name": "远山资本",
            "url": "https://www.example.com/space/373021",
            "logo": "https://img.example.com/ys.png",
            "identifier": "373021",
        },
    ]
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [(item["position"], item["name"], item["item"]) for item in breadcrumbs["itemListElement"]] == [
        (1, "首页", "http://testserver/"),
        (2, "新媒体", "http://testserver/categories/%E6%96%B0%E5%AA%92%E4%BD%93/"),
        (3, IMPORTED_TITLE, url),
    ]


@override_settings(
    MASTHEAD_PUBLISHER_NAME="青松日报", MASTHEAD_PUBLISHER_LOGO_URL="https://cdn.example.com/logo-600x60.png"
)
def test_publisher_name_and_logo_come_from_settings(client):
    article = ArticleFactory()
    news = head_of(client, article.get_absolute_url()).jsonld[0]
    assert news["publisher"]["name"] == "青松日报"
    assert news["publisher"]["logo"]["url"] == "https://cdn.example.com/logo-600x60.png"


def test_article_without_images_falls_back_to_the_publisher_logo(client):
    article = ArticleFactory()
    head = head_of(client, article.get_absolute_url())
    assert head.jsonld[0]["image"] == ["http://testserver/static/img/logo.png"]
    assert head.meta["twitter:card"] == ["summary_large_image"]


@override_settings(ARTICLES_PAGE_SIZE=2)
def test_list_pages_have_canonical_urls_per_page_and_their_own_feeds(client, reader_site):
    assert canonical(head_of(client, "/?utm_medium=x")) == "http://testserver/"
    second = head_of(client, "/?page=2")
    assert canonical(second) == "http://testserver/?page=2"
    assert "第 2 页" in second.title
    category = head_of(client, reader_site.category.get_absolute_url())
    assert category.title == "资讯 - Masthead"
    assert category.meta["description"] == ["资讯 分类下的最新文章"]
    feeds = [link["href"] for link in category.links if link.get("rel") == "alternate"]
    assert feeds[:2] == [
        "/categories/%E8%B5%84%E8%AE%AF/feed/",
        "/categories/%E8%B5%84%E8%AE%AF/feed/atom/",
    ]


def test_jsonld_cannot_break_out_of_its_script_element(client):
    article = ArticleFactory(title="</script><script>alert(1)</script>")
    content = client.get(article.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in content
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    assert json.loads(match.group(1))["headline"] == article.title
