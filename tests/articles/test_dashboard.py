"""The editors' dashboard on the admin index."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def block(html: str, title: str) -> str:
    return html.split(f"<h3>{title}", 1)[1].split("</div>", 1)[0]


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/admin/articles/article/\d+/change/">([^<]+)</a>', html)


def test_the_dashboard_lists_what_needs_the_editor_with_counts(client, editor_user, writer_user):
    now = timezone.now()
    ArticleFactory(title="我的草稿一", status=Article.Status.DRAFT, created_by=editor_user, published_at=None)
    ArticleFactory(title="别人的草稿", status=Article.Status.DRAFT, created_by=writer_user, published_at=None)
    ArticleFactory(title="等审稿", status=Article.Status.REVIEW, created_by=writer_user, published_at=None)
    ArticleFactory(title="明天上午发", published_at=now + timedelta(days=1))
    ArticleFactory(title="下个月发", published_at=now + timedelta(days=30))
    ArticleFactory(title="刚发布", published_at=now - timedelta(minutes=5))
    ArticleFactory(title="缺日期的旧文", status=Article.Status.DRAFT, published_at=None, legacy_path="a/b.md")
    client.force_login(editor_user)
    html = client.get("/admin/").content.decode()
    assert names(block(html, "我的草稿")) == ["我的草稿一"]
    assert '<span class="dashboard-count">1</span>' in block(html, "我的草稿")
    assert names(block(html, "等待审核")) == ["等审稿"]
    assert names(block(html, "最近发布"))[0] == "刚发布"
    assert names(block(html, "导入有问题（缺少日期）")) == ["缺日期的旧文"]
    calendar = html.split('class="calendar"', 1)[1].split("</ol>", 1)[0]
    assert calendar.count('class="calendar-day"') == 7
    assert "明天上午发" in calendar and "下个月发" not in calendar


def test_a_writer_sees_only_their_own_stories(client, writer_user, editor_user):
    ArticleFactory(title="编辑的稿", status=Article.Status.REVIEW, created_by=editor_user, published_at=None)
    ArticleFactory(title="我写的稿", status=Article.Status.REVIEW, created_by=writer_user, published_at=None)
    client.force_login(writer_user)
    html = client.get("/admin/").content.decode()
    assert names(block(html, "等待审核")) == ["我写的稿"]
    assert "编辑的稿" not in html


def test_the_dashboard_costs_fixed_queries(client, editor_user, django_assert_max_num_queries):
    client.force_login(editor_user)
    client.get("/admin/")
    for n in range(12):
        ArticleFactory(title=f"稿{n}", published_at=timezone.now() + timedelta(hours=n + 1))
    with django_assert_max_num_queries(20):
        assert client.get("/admin/").status_code == 200
