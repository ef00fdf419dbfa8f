"""Lossless export: export_markdown writes Hexo posts that import back into the same articles."""

import json
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from articles.models import Article, Author, Category, Project, ProjectMention, Tag
from articles.selectors import article_categories, article_tags, article_with_relations
from articles.services.articles import article_save
from articles.services.importing import posts_import
from tests.conftest import CORPUS

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIXTURE_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "legacy" / "site"
ORACLE = CORPUS.parent / "tools" / "hexo-oracle"


def snapshot():
    articles = {}
    for a in article_with_relations(Article.objects.all()):
        articles[a.legacy_path or f"_posts/{a.pk}.md"] = {
            "title": a.title,
            "status": a.status,
            "published_at": a.published_at,
            "excerpt": a.excerpt,
            "body": a.body,
            "credits": [(c.role, c.author.name, c.order) for c in a.credits.all()],
            "categories": [c.name for c in article_categories(article=a)],
            "tags": [t.name for t in article_tags(article=a)],
            "mentions": [(m.project.external_id, m.anchor_text, m.position) for m in a.mentions.all()],
            "comments": a.comments_enabled,
            "source": a.source,
            "headimg": a.head_image_url,
            "date_unverified": a.date_unverified,
        }
    projects = sorted(Project.objects.values_list("external_id", "name", "logo_url", "url", "refer_type"))
    return articles, projects


def empty_database():
    ProjectMention.objects.all().delete()
    Article.objects.all().delete()
    for model in (Project, Author, Tag, Category):
        model.objects.all().delete()


def round_trip(tmp_path):
    before = snapshot()
    out = tmp_path / "export"
    call_command("export_markdown", str(out))
    empty_database()
    results = list(posts_import(inputs=[out]))
    assert {r.status for r in results} <= {"created"}, [
        (r.path, r.status, r.error) for r in results if r.error
    ]
    # The exported posts' keys are the articles' keys, whatever the folder they were exported to.
    after = snapshot()
    return before, after, out


def test_the_fixture_site_comes_back_from_its_export_unchanged(tmp_path, editor_user):
    list(posts_import(inputs=[FIXTURE_SITE]))
    article_save(
        article=Article(
            title="后台写的稿子",
            body='<p>文 | 林晓</p><p>编辑 | 周舟</p><p>提到<a class="project-link" data-id="77" data-name="星河" '
            'href="https://example.com/77">星河</a>。</p>',
            status=Article.Status.REVIEW,
            published_at=datetime(2023, 1, 2, 3, 4, 5, tzinfo=SHANGHAI),
        ),
        categories=["科技", "AI"],
        tags=["Hadoop"],
        by=editor_user,
    )
    # Imported without a date of its own: waiting in review for an editor to check its date.
    article_save(
        article=Article(
            title="日期待核实的稿子",
            body="<p>正文</p>",
            status=Article.Status.REVIEW,
            published_at=datetime(2021, 5, 6, 7, 8, 9, tzinfo=SHANGHAI),
            date_unverified=True,
        ),
        by=editor_user,
    )
    before, after, _out = round_trip(tmp_path)
    assert len(before[0]) == Article.objects.count() >= 7
    for key in before[0]:
        for name in before[0][key]:
            assert after[0].get(key, {}).get(name) == before[0][key][name], (key, name)
    assert after == before


def test_the_admin_action_exports_the_selected_articles_as_a_zip(admin_client):
    article = article_save(article=Article(title="导出我", body="<p>正文</p>", status=Article.Status.DRAFT))
    article_save(article=Article(title="别导出", body="<p>正文</p>"))
    response = admin_client.post(
        "/admin/articles/article/", {"action": "export_selected", "_selected_action": [article.pk]}
    )
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(__import__("io").BytesIO(response.content))
    assert archive.namelist() == [f"_posts/{article.pk}.md"]
    text = archive.read(f"_posts/{article.pk}.md").decode()
    assert text.startswith("---\ntitle: 导出我\n") and "published: false" in text and "<p>正文</p>" in text


@pytest.mark.corpus
def test_hexo_reads_the_export_back_and_the_corpus_round_trips(corpus, tmp_path):
    list(posts_import(inputs=[corpus], workers=2))
    before, after, out = round_trip(tmp_path)
    differences = [
        (key, name, value, after[0].get(key, {}).get(name))
        for key, fields in before[0].items()
        for name, value in fields.items()
        if after[0].get(key, {}).get(name) != value
    ]
    assert differences[:5] == [] and len(differences) == 0
    assert after == before
    if not ORACLE.exists() or shutil.which("node") is None:
        pytest.skip("hexo-oracle or node is missing")
    hexo = json.loads(
        subprocess.run([str(ORACLE), str(out)], capture_output=True, text=True, check=True).stdout
    )
    articles = {a.legacy_path: a for a in Article.objects.all()}
    assert not [path for path, fields in hexo.items() if "error" in fields]
    for path, fields in hexo.items():
        article = articles[path]
        assert str(fields["title"]) == article.title, path
        # JavaScript dates keep milliseconds: an undated post's file time loses its microseconds.
        moment = article.published_at
        assert datetime.fromisoformat(fields["date"]) == moment.replace(
            microsecond=moment.microsecond // 1000 * 1000
        )
