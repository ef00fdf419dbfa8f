"""Sections: categories with a navigation position, shown in the header of every page."""

from __future__ import annotations

import re

import pytest

from articles.models import Category
from articles.selectors import article_categories
from articles.services.articles import article_save
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def nav_names(html: str) -> list[str]:
    wide = html.split('<ul class="nav-wide">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="[^"]*">([^<]+)</a>', wide)


def make_sections() -> dict[str, Category]:
    return {
        "科技": Category.objects.create(name="科技", nav_position=2, description="科技公司与产品"),
        "资讯": Category.objects.create(name="资讯", nav_position=1),
        "旧分类": Category.objects.create(name="旧分类"),
    }


def test_the_header_lists_the_sections_in_navigation_order_on_every_page(client):
    make_sections()
    article = ArticleFactory()
    for url in ("/", article.get_absolute_url(), "/archive/", "/no-such-page/"):
        assert nav_names(client.get(url).content.decode()) == ["首页", "资讯", "科技", "归档"], url


def test_the_mobile_menu_holds_the_same_links_without_javascript(client):
    make_sections()
    html = client.get("/").content.decode()
    menu = html.split('<details class="nav-menu">', 1)[1].split("</details>", 1)[0]
    assert "<summary>栏目</summary>" in menu
    assert re.findall(r'<a href="[^"]*">([^<]+)</a>', menu) == ["首页", "资讯", "科技", "归档"]
    assert "<script" not in html


def test_a_section_change_reaches_cached_pages_at_once(client):
    sections = make_sections()
    ArticleFactory()
    assert nav_names(client.get("/").content.decode()) == ["首页", "资讯", "科技", "归档"]
    assert client.get("/")["X-Cache"] == "hit"
    sections["旧分类"].nav_position = 0
    sections["旧分类"].save()
    sections["科技"].nav_position = None
    sections["科技"].save()
    assert nav_names(client.get("/").content.decode()) == ["首页", "旧分类", "资讯", "归档"]


def test_the_section_list_is_read_once_then_cached(client, django_assert_max_num_queries):
    make_sections()
    client.get("/archive/")
    # A 404 reads the legacy permalinks (one query) and no section.
    with django_assert_max_num_queries(1):
        assert nav_names(client.get("/no-such-page-either/").content.decode())[1] == "资讯"


def test_primary_section_is_the_first_category_given_and_order_is_kept():
    make_sections()
    article = article_save(article=ArticleFactory.build(), categories=["资讯", "快讯"])
    assert [c.name for c in article_categories(article=article)] == ["资讯", "快讯"]
    article_save(article=article, categories=["快讯", "资讯", "科技"])
    assert [c.name for c in article_categories(article=article)] == ["快讯", "资讯", "科技"]
    article_save(article=article, categories=["科技"])
    assert [c.name for c in article_categories(article=article)] == ["科技"]


def test_an_article_page_breadcrumb_names_the_primary_section(client):
    make_sections()
    article = article_save(article=ArticleFactory.build(), categories=["科技", "资讯"])
    html = client.get(article.get_absolute_url()).content.decode()
    crumbs = html.split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert "科技" in crumbs and "资讯" not in crumbs


def header(html: str) -> str:
    return html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


def test_the_header_is_rendered_once_and_follows_sections_site_name_and_the_search_box(
    client, settings, monkeypatch
):
    from django.template import loader

    settings.ARTICLES_PAGE_CACHE_SECONDS = 0  # every request renders its page
    sections = make_sections()
    first = client.get("/").content.decode()
    rendered = []
    real_render = loader.render_to_string

    def counting(name, *args, **kwargs):
        rendered.append(name)
        return real_render(name, *args, **kwargs)

    monkeypatch.setattr(loader, "render_to_string", counting)
    assert header(client.get("/archive/").content.decode()) == header(first)
    assert "_site_header.html" not in rendered and "_site_footer.html" not in rendered  # kept
    sections["资讯"].name = "快讯资讯"
    sections["资讯"].save()
    assert "快讯资讯" in header(client.get("/").content.decode())
    settings.MASTHEAD_SITE_NAME = "另一家媒体"
    html = client.get("/").content.decode()
    assert "另一家媒体" in header(html) and "另一家媒体" in html.split('<footer class="site-footer">', 1)[1]
    searched = header(client.get("/search/?q=<电池>").content.decode())
    assert 'value="&lt;电池&gt;"' in searched
    assert 'value=""' in header(client.get("/").content.decode())
