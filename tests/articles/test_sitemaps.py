"""Sitemaps and robots.txt: valid XML, every published article and nothing else."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.test import override_settings
from django.utils import timezone

from articles.models import Article, Author, Category, Project, Tag
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def xml_of(client, url: str) -> ElementTree.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)  # noqa: S314 (our own output; raises if malformed)


def sitemap_locations(client, url: str) -> list[str]:
    return [loc.text for loc in xml_of(client, url).findall("sm:url/sm:loc", NS)]


def index_entries(client) -> dict[str, str | None]:
    root = xml_of(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    entries = {}
    for sitemap in root.findall("sm:sitemap", NS):
        lastmod = sitemap.find("sm:lastmod", NS)
        entries[sitemap.find("sm:loc", NS).text] = lastmod.text if lastmod is not None else None
    return entries


def all_sitemap_locations(client) -> list[str]:
    return [loc for url in index_entries(client) for loc in sitemap_locations(client, url)]


def test_sitemap_index_lists_every_section_with_lastmod(client, reader_site):
    entries = index_entries(client)
    sections = ["pages", "articles", "news", "categories", "tags", "authors", "projects"]
    assert list(entries) == [f"http://testserver/sitemap-{section}.xml" for section in sections]
    latest = max(a.updated_at for a in Article.objects.published())
    assert entries["http://testserver/sitemap-articles.xml"] == timezone.localtime(latest).isoformat()
    assert all(entries.values())


def test_sitemaps_list_every_published_article_once_and_nothing_else(client, reader_site):
    locations = all_sitemap_locations(client)
    article_urls = [loc for loc in locations if "/p/" in loc]
    assert sorted(set(article_urls)) == sorted(f"http://testserver/p/{a.pk}/" for a in reader_site.visible)
    assert len(sitemap_locations(client, "/sitemap-articles.xml")) == len(reader_site.visible)
    for article in reader_site.hidden.values():
        assert f"http://testserver/p/{article.pk}/" not in locations


def test_sitemaps_list_categories_tags_authors_and_projects_that_have_published_articles(client, reader_site):
    Category.objects.create(name="空分类")
    Tag.objects.create(name="空标签")
    Author.objects.create(name="只写草稿的人", slug="drafts-only")
    Project.objects.create(external_id="999", name="无人提及")
    locations = set(all_sitemap_locations(client))
    assert "http://testserver/categories/%E8%B5%84%E8%AE%AF/" in locations
    assert "http://testserver/tags/%E4%BC%81%E4%B8%9A%E6%9C%8D%E5%8A%A1/" in locations
    assert reader_site.writer.get_absolute_url() in {
        loc.removeprefix("http://testserver") for loc in locations
    }
    assert "http://testserver/projects/8301/" in locations
    for missing in ("/categories/空分类/", "/authors/drafts-only/", "/projects/999/"):
        assert not any(loc.endswith(missing) for loc in locations), missing
    assert not any("%E7%A9%BA" in loc for loc in locations)  # 空分类, 空标签
    assert {"http://testserver/", "http://testserver/archive/"} <= locations


def test_article_sitemap_entries_carry_lastmod(client, reader_site):
    root = xml_of(client, "/sitemap-articles.xml")
    for url in root.findall("sm:url", NS):
        assert url.find("sm:lastmod", NS).text.endswith("+08:00")


@override_settings(ARTICLES_SITEMAP_LIMIT=2)
def test_large_article_sitemaps_are_split_into_pages_listed_in_the_index(client, reader_site):
    entries = index_entries(client)
    assert "http://testserver/sitemap-articles.xml?p=2" in entries
    page_one = sitemap_locations(client, "/sitemap-articles.xml")
    page_two = sitemap_locations(client, "/sitemap-articles.xml?p=2")
    assert len(page_one) == 2 and len(page_two) == 2
    assert not set(page_one) & set(page_two)


def test_news_sitemap_lists_only_the_last_48_hours_with_publication_and_title(client, reader_site):
    root = xml_of(client, "/sitemap-news.xml")
    urls = root.findall("sm:url", NS)
    recent = [a for a in reader_site.visible if a.published_at >= timezone.now() - timedelta(hours=48)]
    assert {u.find("sm:loc", NS).text for u in urls} == {f"http://testserver/p/{a.pk}/" for a in recent}
    assert len(recent) == 2
    news = urls[0].find("news:news", NS)
    assert news.find("news:publication/news:name", NS).text == "Masthead"
    assert news.find("news:publication/news:language", NS).text == "zh-cn"
    assert news.find("news:title", NS).text == "云栖科技发布边缘计算新品"
    assert news.find("news:publication_date", NS).text.endswith("+08:00")


def test_sitemap_escapes_titles(client):
    ArticleFactory(title="A&B <公司> 发布")
    root = xml_of(client, "/sitemap-news.xml")
    assert root.find("sm:url/news:news/news:title", NS).text == "A&B <公司> 发布"


def test_robots_txt_points_at_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    assert "Disallow: /admin/" in lines
    assert client.head("/robots.txt").status_code == 200


def test_unknown_sitemap_section_is_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404
