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


def test_failed_imports_from_the_admin_page_and_the_command_are_listed_with_counts(
    client, admin_client, editor_user, writer_user, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from articles.models import ImportRun

    good = SimpleUploadedFile("好.md", "---\ntitle: 好文章\ndate: 2022-05-01\n---\n正文\n".encode())
    bad = SimpleUploadedFile("坏.md", "---\ntitle: [坏\n---\n".encode())
    admin_client.post("/admin/articles/import/", {"files": [good, bad]})
    admin_client.post(  # a dry run is not kept
        "/admin/articles/import/", {"files": [SimpleUploadedFile("试.md", b"---\ntitle: [\n---\n")], "dry_run": "on"}
    )
    (tmp_path / "断.md").write_text("---\ntitle: [断\n---\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_markdown", str(tmp_path / "断.md"), verbosity=0)
    runs = list(ImportRun.objects.order_by("started_at"))
    assert [(run.source, run.failed_count, run.counts["created"]) for run in runs] == [
        ("admin", 1, 1),
        ("command", 1, 0),
    ]
    assert runs[0].user.username == "admin" and runs[0].failures[0]["path"] == "坏.md"
    assert "YAML" in runs[0].failures[0]["reason"]

    client.force_login(editor_user)
    html = client.get("/admin/").content.decode()
    listed = block(html, "导入有问题（失败的文件）")
    assert '<span class="dashboard-count">2</span>' in listed
    assert "<code>坏.md</code>" in listed and "<code>断.md</code>" in listed and "试.md" not in listed
    assert "失败 1 个，新建 1 篇，更新 0 篇" in listed and "admin" in listed and "导入命令" in listed
    client.force_login(writer_user)
    assert "导入有问题（失败的文件）" not in client.get("/admin/").content.decode()


def test_an_import_without_failures_is_kept_but_not_listed(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.models import ImportRun

    good = SimpleUploadedFile("好.md", "---\ntitle: 好文章\ndate: 2022-05-01\n---\n正文\n".encode())
    admin_client.post("/admin/articles/import/", {"files": [good]})
    assert ImportRun.objects.get().failed_count == 0
    assert "导入有问题（失败的文件）" not in admin_client.get("/admin/").content.decode()
