"""The admin speaks Chinese: its pages, rendered, carry none of Django's English phrases."""

from __future__ import annotations

import re

import pytest

from articles.models import Article, Category, FrontPageSlot, Project
from tests.factories import ArticleFactory, AuthorFactory, CreditFactory, ProjectFactory

pytestmark = pytest.mark.django_db

# Phrases stock Django (and its apps) show in English when a string is not translated.
ENGLISH = [
    "Filter",
    "By ",
    " by ",
    "Select an option",
    "Add ",
    "Change ",
    "Search",
    "Save and",
    "History",
    "Delete",
    "Home",
    "Log out",
    "View site",
    "Welcome",
    "Show all",
    "Clear all filters",
    "Action",
    "Go",
    "selected",
    "comma-separated",
    "tags",
    "Tags",
    "author",
    "Author",
    "Yes",
    "No",
    "Unknown",
    "Today",
    "Now",
    "Choose",
    "Currently",
    "Clear",
    "Recent actions",
    "My actions",
    "None available",
]

_VISIBLE = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)


def visible_text(html: str) -> str:
    """What a reader sees: text outside tags, plus titles, placeholders and labels in attributes."""
    html = re.sub(r'<input type="hidden"[^>]*>', " ", html)  # tokens and ids: nobody reads them
    attributes = " ".join(re.findall(r'(?:title|placeholder|aria-label|alt|value)="([^"]*)"', html))
    return _VISIBLE.sub(" ", html) + " " + attributes


def english_in(html: str) -> list[str]:
    text = visible_text(html)
    # Whole words only: a slug such as "author-1" is data, not an English label.
    return [
        phrase for phrase in ENGLISH if re.search(rf"(?<![A-Za-z0-9_-]){re.escape(phrase)}(?![A-Za-z0-9-])", text)
    ]


@pytest.fixture
def newsroom():
    article = ArticleFactory(title="后台文章", categories=["资讯"])
    CreditFactory(article=article, author=AuthorFactory(name="苏建勋"))
    project = ProjectFactory(name="青松数据", refer_type="2")
    Category.objects.filter(name="资讯").update(nav_position=1)
    FrontPageSlot.objects.create(article=article, kind="lead")
    return {"article": article, "project": project}


def admin_pages(newsroom) -> list[str]:
    article: Article = newsroom["article"]
    project: Project = newsroom["project"]
    return [
        "/admin/",
        "/admin/articles/",
        "/admin/articles/article/",
        "/admin/articles/article/?status__exact=published",
        "/admin/articles/article/add/",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/article/{article.pk}/history/",
        "/admin/articles/author/",
        "/admin/articles/author/add/",
        "/admin/articles/project/",
        f"/admin/articles/project/{project.pk}/change/",
        "/admin/articles/category/",
        "/admin/articles/category/add/",
        "/admin/articles/frontpageslot/",
        "/admin/articles/frontpageslot/add/",
        "/admin/articles/import/",
    ]


def test_admin_pages_show_no_english(admin_client, newsroom):
    found = {}
    for url in admin_pages(newsroom):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        english = english_in(response.content.decode())
        if english:
            found[url] = english
    assert found == {}


def test_the_scan_does_find_english():
    html = '<h2>Filter</h2><a href="/x/">By 作者</a><input placeholder="Search"><p>author-1, author</p>'
    assert english_in(html) == ["Filter", "By ", "Search", "author"]


def test_reference_types_are_shown_by_name(admin_client, newsroom):
    html = admin_client.get("/admin/articles/project/").content.decode()
    assert "公司/项目" in html
