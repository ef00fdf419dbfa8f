"""The admin's article search and the editor's project picker use the search engine."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from articles.models import Article, Project
from articles.services.articles import article_save
from tests.articles.search.conftest import anchor

pytestmark = pytest.mark.django_db


def listed_titles(client: Client, query: str, **params) -> list[str]:
    response = client.get("/admin/articles/article/", {"q": query, **params})
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'<th class="field-title"><a href="[^"]+">([^<]+)</a>', html)


def test_admin_search_finds_drafts_ranked_by_the_engine(admin_client, write_article):
    write_article("正文提及", "<p>钉钉今天发布了新版本。</p>", days_ago=1)
    write_article("钉钉草稿标题", status=Article.Status.DRAFT)
    write_article("无关稿件", status=Article.Status.DRAFT)
    assert listed_titles(admin_client, "钉钉") == ["钉钉草稿标题", "正文提及"]
    assert listed_titles(admin_client, "釘釘") == ["钉钉草稿标题", "正文提及"]


def test_admin_search_keeps_the_list_filters_and_column_sorting(admin_client, write_article):
    write_article("钉钉一", days_ago=1)
    write_article("钉钉二", status=Article.Status.DRAFT)
    assert listed_titles(admin_client, "钉钉", status="draft") == ["钉钉二"]
    assert listed_titles(admin_client, "钉钉", o="1") == ["钉钉一", "钉钉二"]


def test_admin_search_of_a_writer_sees_only_their_stories(writer_user, editor_user, write_article):
    article_save(article=Article(title="我的机器人稿", body="<p>内容</p>"), by=writer_user)
    article_save(article=Article(title="别人的机器人稿", body="<p>内容</p>"), by=editor_user)
    client = Client()
    client.force_login(writer_user)
    assert listed_titles(client, "机器人") == ["我的机器人稿"]


def test_admin_search_takes_hostile_and_over_long_queries(admin_client, write_article):
    write_article("钉钉")
    for query in ("& | ! ( ) : * ' \"", "长" * 500):
        response = admin_client.get("/admin/articles/article/", {"q": query})
        assert response.status_code == 200
    assert admin_client.get("/admin/articles/article/?q=%ED%A0%80孤立").status_code == 200  # lone surrogate


def test_project_picker_finds_traditional_and_full_width_names(admin_client, write_article):
    write_article("收购", f"<p>{anchor('555', '视频云')}被收购。</p>")
    Project.objects.create(external_id="556", name="Ding Talk")
    for query, expected in (("視頻雲", ["555"]), ("ＤＩＮＧ", ["556"]), ("视频", ["555"])):
        response = admin_client.get("/admin/articles/article/editor/projects/", {"q": query})
        assert [item["id"] for item in response.json()["results"]] == expected, query
