"""Every HTML-typed feed field carries cleaned HTML, every plain field plain text: read as a
feed reader that renders HTML fields without a sanitizer of its own would."""

from __future__ import annotations

from html.parser import HTMLParser

import feedparser
import pytest

from articles.models import Article, Category
from tests.factories import ArticleFactory, AuthorFactory, CreditFactory, ProjectMentionFactory

pytestmark = pytest.mark.django_db

SCRIPT_EXCERPT = "示例代码 <script>alert(1)</script> <img src=x onerror=alert(2)>"


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.tags


def assert_harmless(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag not in {"script", "iframe", "object", "embed", "style"}, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert not (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")), html


def html_fields(node) -> list[str]:
    """The values a reader renders as HTML: fields typed text/html and every content."""
    values = [
        node[key]
        for key in ("title", "subtitle", "summary", "rights")
        if node.get(f"{key}_detail") and node[f"{key}_detail"].type in {"text/html", "application/xhtml+xml"}
    ]
    return values + [content.value for content in node.get("content", [])]


def feed_entries(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content, sanitize_html=False)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return feed


@pytest.fixture
def hostile_article(db):
    article = ArticleFactory(
        title="标题 <b>粗</b>",
        excerpt=SCRIPT_EXCERPT,
        # A body stored before a cleaner rule existed: the feed cleans it again.
        body='<p>正文<script>alert(3)</script><a href="javascript:alert(4)">x</a></p>',
    )
    category = Category.objects.create(name="资讯", slug="资讯")
    article.categories.add(category)
    author = AuthorFactory(slug="writer", bio="简介 <script>alert(5)</script>")
    CreditFactory(article=article, author=author)
    mention = ProjectMentionFactory(article=article)
    return article, category, author, mention.project


def _feed_urls(category, author, project) -> list[str]:
    return [
        url + suffix
        for url in ("/", category.get_absolute_url(), author.get_absolute_url(), project.get_absolute_url())
        for suffix in ("feed/", "feed/atom/")
    ]


def test_every_html_field_of_every_feed_carries_only_cleaned_html(client, hostile_article):
    _article, category, author, project = hostile_article
    for url in _feed_urls(category, author, project):
        feed = feed_entries(client, url)
        (entry,) = feed.entries
        for value in html_fields(feed.feed) + html_fields(entry):
            assert_harmless(value)
        assert entry.summary_detail.type == "text/html" and entry.content
        # The excerpt is plain text, shown as written: escaped, not dropped.
        assert "<script>alert(1)</script>" not in entry.summary
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in entry.summary


def test_plain_text_feed_fields_stay_plain_text(client, hostile_article):
    feed = feed_entries(client, "/feed/atom/")
    (entry,) = feed.entries
    assert entry.title == "标题 <b>粗</b>"
    assert entry.title_detail.type == "text/plain"


def test_a_markdown_code_span_in_the_first_paragraph_is_text_in_the_feed(client, db):
    ArticleFactory(excerpt="用 <script>alert(1)</script> 演示", status=Article.Status.PUBLISHED)
    for url in ("/feed/", "/feed/atom/"):
        (entry,) = feed_entries(client, url).entries
        assert not [tag for tag, _ in elements(entry.summary) if tag == "script"]


def test_rss_titles_are_escaped_so_readers_that_render_them_as_html_show_the_text(client, hostile_article):
    feed = feed_entries(client, "/feed/")
    (entry,) = feed.entries
    assert [tag for tag, _ in elements(entry.title)] == []
    assert entry.title == "标题 &lt;b&gt;粗&lt;/b&gt;"  # HTML that shows "标题 <b>粗</b>"
    category_feed = feed_entries(client, "/categories/资讯/feed/")
    assert category_feed.feed.title == "Masthead：资讯"
