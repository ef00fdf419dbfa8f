"""快讯 (flashes): their stream, the home sidebar, their feed, and legacy 快讯 posts."""

from __future__ import annotations

import re
from datetime import timedelta

import feedparser
import pytest
from django.test import override_settings
from django.utils import timezone

from articles.models import Article
from articles.services.importing import posts_import
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def flash(title: str, minutes_ago: float, **fields) -> Article:
    return ArticleFactory(
        kind=Article.Kind.FLASH,
        title=title,
        body=f"<p>{title}。据悉，相关方面已确认此事。</p>",
        head_image_url="",
        thumbnail_url="",
        published_at=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )


@pytest.fixture
def flashes() -> list[Article]:
    return [flash(f"快讯{n}", minutes_ago=n * 10) for n in range(3)]


def test_the_flash_stream_lists_public_flashes_newest_first_with_time_and_text(client, flashes):
    flash("还没发的快讯", minutes_ago=-60)
    flash("草稿快讯", minutes_ago=1, status=Article.Status.DRAFT)
    ArticleFactory(title="一篇普通文章")
    html = client.get("/flash/").content.decode()
    assert re.findall(r'class="flash-title"><a href="[^"]*">([^<]+)<', html) == ["快讯0", "快讯1", "快讯2"]
    assert "据悉，相关方面已确认此事" in html and "<time datetime=" in html
    assert "还没发的快讯" not in html and "草稿快讯" not in html and "一篇普通文章" not in html


def test_the_home_sidebar_shows_the_newest_flashes_and_flashes_never_lead(client, flashes):
    ArticleFactory(title="头条文章", published_at=timezone.now() - timedelta(days=1))
    html = client.get("/").content.decode()
    aside = html.split('<aside class="home-aside"', 1)[1].split("</aside>", 1)[0]
    assert re.findall(r'<a href="/p/\d+/">([^<]+)</a>', aside) == ["快讯0", "快讯1", "快讯2"]
    main = html.split('<div class="home-main">', 1)[1].split("<aside", 1)[0]
    assert "头条文章" in main and "快讯0" not in main


def test_a_new_flash_reaches_the_cached_home_page_and_stream(client, flashes):
    client.get("/"), client.get("/flash/")
    flash("刚刚的快讯", minutes_ago=0)
    assert "刚刚的快讯" in client.get("/").content.decode()
    assert "刚刚的快讯" in client.get("/flash/").content.decode()


def test_flashes_have_their_own_rss_and_atom_feeds(client, flashes):
    ArticleFactory(title="一篇普通文章")
    for url in ("/flash/feed/", "/flash/feed/atom/"):
        feed = feedparser.parse(client.get(url).content)
        assert [entry.title for entry in feed.entries] == ["快讯0", "快讯1", "快讯2"], url
    assert 'href="/flash/feed/"' in client.get("/flash/").content.decode()


@override_settings(ARTICLES_PAGE_SIZE=2)
def test_the_flash_stream_costs_fixed_queries(client, django_assert_max_num_queries, flashes):
    with django_assert_max_num_queries(5) as few:
        assert client.get("/flash/").status_code == 200
    for n in range(10):
        flash(f"更多{n}", minutes_ago=100 + n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/flash/?page=2").status_code == 200


def test_legacy_posts_under_the_flash_category_become_flashes(write_post):
    flash_post = write_post(
        "快讯/一.md", "---\ntitle: 央行降准\ndate: 2024-05-01 10:00:00\ncategories: [资讯, 快讯]\n---\n<p>央行宣布降准。</p>\n"
    )
    write_post("资讯/二.md", "---\ntitle: 长文\ndate: 2024-05-01 11:00:00\ncategories: [资讯]\n---\n<p>正文。</p>\n")
    list(posts_import(inputs=[flash_post.parent.parent]))
    kinds = dict(Article.objects.values_list("title", "kind"))
    assert kinds == {"央行降准": Article.Kind.FLASH, "长文": Article.Kind.ARTICLE}
