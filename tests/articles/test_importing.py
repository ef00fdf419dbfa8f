"""The import run: writing, idempotency, editor protection, dry run, report, command."""

import io
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from articles.caching import content_generation
from articles.models import Article, Category, Credit, Project, ProjectMention, Tag
from articles.services.articles import article_save
from articles.services.importing import posts_import, report_build
from articles.services.importing import writing as import_writing
from articles.services.importing.parsing import CHUNK, MIN_CHUNK, chunks_split

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIXTURE_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "legacy" / "site"

SEED_POST = """
---
title: '36氪独家 _ 钉钉全资收购音视频公司拍乐云'
categories: 
 - 新媒体
 - 36kr
 - 资讯
headimg: 'https://img.example.com/head.jpg'
author: 36kr
comments: false
date: Fri, 18 Mar 2022 01:23:51 GMT
thumbnail: 'https://img.example.com/thumb.jpg'
---

<div>   
<p>文 | 苏建勋</p> 
<p>编辑 | 杨轩</p> 
<p>36氪获悉，<a class="project-link" data-id="8301" data-name="钉钉" data-logo="https://img.example.com/dd.png" data-refer-type="1" href="https://www.36dianping.com/space/2220121250" target="_blank">钉钉</a>已完成对<a class="project-link" data-id="373021" data-name="拍乐" data-logo="https://img.example.com/pl.png" data-refer-type="2" href="https://36kr.com/projectDetails/373021" target="_blank">拍乐</a>云的收购。<script>alert(1)</script></p> 
<p><img src="x.png" onerror="alert(1)"><a href="javascript:alert(1)">点我</a></p>
</div>
            """  # noqa: W291


def run(*paths, **kwargs):
    return list(posts_import(inputs=paths, **kwargs))


def by_path(results):
    return {result.path: result for result in results}


def post(title, body="正文。", date="2022-05-01 10:00:00", extra=""):
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"


def test_seed_format_post_imports_with_everything(write_post):
    write_post("新媒体/36kr/资讯/钉钉.md", SEED_POST)
    (result,) = run(write_post.root)
    assert result.status == "created"
    article = Article.objects.get()
    assert result.article_url == f"/p/{article.pk}/"
    assert article.title == "36氪独家 _ 钉钉全资收购音视频公司拍乐云"
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at.isoformat() == "2022-03-18T01:23:51+00:00"
    assert sorted(article.categories.names()) == ["36kr", "新媒体", "资讯"]
    assert article.source == "36kr"
    assert article.comments_enabled is False
    assert article.head_image_url == "https://img.example.com/head.jpg"
    assert article.thumbnail_url == "https://img.example.com/thumb.jpg"
    assert article.legacy_path == "新媒体/36kr/资讯/钉钉.md"
    assert article.legacy_permalink == "/2022/03/18/新媒体/36kr/资讯/钉钉/"
    assert (article.version, article.legacy_version) == (1, 1)
    assert [(c.role, c.author.name, c.order) for c in article.credits.select_related("author")] == [
        (Credit.Role.WRITER, "苏建勋", 0),
        (Credit.Role.EDITOR, "杨轩", 1),
    ]
    assert 'data-id="8301"' in article.body and 'data-logo="https://img.example.com/pl.png"' in article.body
    for forbidden in ("<script", "onerror", "javascript:", "文 | 苏建勋", "<div>"):
        assert forbidden not in article.body
    mentions = ProjectMention.objects.order_by("position").select_related("project")
    assert [(m.project.external_id, m.project.name, m.anchor_text, m.position) for m in mentions] == [
        ("8301", "钉钉", "钉钉", 0),
        ("373021", "拍乐", "拍乐", 1),
    ]


def test_the_batch_writer_derives_what_article_save_derives(write_post):
    write_post("a.md", SEED_POST)
    run(write_post.root)
    imported = Article.objects.get()
    body, excerpt = imported.body, imported.excerpt
    credits = list(imported.credits.values_list("author__name", "role", "order"))
    mentions = list(imported.mentions.values_list("project__external_id", "anchor_text", "position"))
    article_save(article=imported)  # an editor saving it unchanged
    imported.refresh_from_db()
    assert (imported.body, imported.excerpt) == (body, excerpt)
    assert list(imported.credits.values_list("author__name", "role", "order")) == credits
    assert list(imported.mentions.values_list("project__external_id", "anchor_text", "position")) == mentions


def test_a_hexo_site_imports_every_variant():
    results = by_path(run(FIXTURE_SITE))
    assert {path: r.status for path, r in results.items()} == {
        "README.md": "skipped",
        "source/_drafts/草稿.md": "created",
        "source/_posts/1950.md": "created",
        "source/_posts/json-front-matter.md": "created",
        "source/_posts/rss-generated.md": "created",
        "source/_posts/坏的.md": "failed",
        "source/_posts/无开头分隔符.md": "created",
        "source/_posts/无标题.md": "created",
        "source/_posts/科技/芯片新品发布.md": "created",
    }
    assert "第 2 行的「title:」冒号后缺少空格" in results["source/_posts/坏的.md"].error

    chip = Article.objects.get(legacy_path="_posts/科技/芯片新品发布.md")
    assert chip.published_at == datetime(2023, 5, 4, 9, 30, tzinfo=SHANGHAI)
    assert chip.updated_at == datetime(2023, 5, 6, 12, tzinfo=SHANGHAI)
    assert chip.legacy_permalink == "/2023/05/04/科技/芯片新品发布/"
    assert (sorted(chip.categories.names()), sorted(chip.tags.names())) == (
        ["硬件", "科技"],
        ["芯片", "边缘计算"],
    )
    assert chip.extra == {"keywords": "芯片,模组"}
    assert chip.excerpt.startswith("某芯片公司今天发布了新一代边缘计算模组")
    assert [c.author.name for c in chip.credits.all()] == ["林晓", "周舟"]
    assert chip.mentions.get().project.name == "星河芯片"

    numbered = Article.objects.get(legacy_path="_posts/1950.md")
    assert (numbered.title, numbered.status) == ("1950", Article.Status.DRAFT)
    assert sorted(numbered.tags.names()) == ["历史", "奖项", "数学"]
    assert any("Invalid Date" in w for w in results["source/_posts/1950.md"].warnings)

    untitled = Article.objects.get(legacy_path="_posts/无标题.md")
    assert (untitled.title, untitled.status) == ("无标题", Article.Status.DRAFT)
    assert Article.objects.get(legacy_path="_drafts/草稿.md").status == Article.Status.DRAFT
    assert (
        Article.objects.get(legacy_path="_posts/无开头分隔符.md").legacy_permalink == "/no-opening-separator"
    )
    json_post = Article.objects.get(legacy_path="_posts/json-front-matter.md")
    assert sorted(json_post.categories.names()) == ["国内", "新闻", "评论"]
    assert json_post.published_at == datetime(2021, 7, 8, 20, 15, tzinfo=SHANGHAI)
    rss = results["source/_posts/rss-generated.md"]
    assert rss.warnings == ["项目链接「未知项目」缺少有效的 data-id（1 到 64 个英文字母、数字、_ 或 -）：保留为普通链接，不记为项目提及"]

    again = run(FIXTURE_SITE)
    assert {r.status for r in again} == {"unchanged", "skipped", "failed"}
    assert sum(r.status == "unchanged" for r in again) == 7


def test_reimport_duplicates_nothing(write_post):
    write_post("a.md", SEED_POST)
    run(write_post.root)
    (again,) = run(write_post.root)
    assert again.status == "unchanged" and again.warnings == []
    assert (Article.objects.count(), Project.objects.count(), ProjectMention.objects.count()) == (1, 2, 2)
    assert Credit.objects.count() == 2


def test_changed_file_updates_the_same_article_in_place(write_post):
    path = write_post("a.md", SEED_POST)
    (first,) = run(write_post.root)
    changed = SEED_POST.replace("钉钉全资收购", "钉钉收购").replace("编辑 | 杨轩", "编辑 | 李四")
    path.write_text(changed.replace(" - 资讯", " - 快讯"), encoding="utf-8")
    (second,) = run(write_post.root)
    assert second.status == "updated" and second.article_id == first.article_id
    article = Article.objects.get()
    assert article.title.startswith("36氪独家 _ 钉钉收购")
    assert sorted(article.categories.names()) == ["36kr", "快讯", "新媒体"]
    assert [c.author.name for c in article.credits.all()] == ["苏建勋", "李四"]
    assert ProjectMention.objects.count() == 2
    assert (article.version, article.legacy_version) == (2, 2)


def test_an_article_an_editor_changed_is_skipped_unless_overwrite(write_post):
    path = write_post("a.md", post("原标题"))
    run(write_post.root)
    article = Article.objects.get()
    article.title = "编辑改过的标题"
    article_save(article=article)
    path.write_text(post("文件里的新标题"), encoding="utf-8")

    (skipped,) = run(write_post.root)
    assert skipped.status == "skipped" and skipped.article_id == article.pk
    assert skipped.warnings == ["导入后编辑改动过这篇文章：未覆盖（需要覆盖请加 --overwrite）"]
    assert Article.objects.get().title == "编辑改过的标题"

    (overwritten,) = run(write_post.root, overwrite=True)
    assert overwritten.status == "updated"
    article.refresh_from_db()
    assert article.title == "文件里的新标题"
    assert article.version == article.legacy_version == 3


def test_a_dry_run_writes_nothing_and_reports_what_would_happen(write_post):
    write_post("keep.md", post("不变"))
    change = write_post("change.md", post("将更新"))
    run(write_post.root)
    change.write_text(post("已更新"), encoding="utf-8")
    write_post("new.md", post("新文章"))
    write_post("bad.md", "---\ntitle: [x\n---\n")
    generation = content_generation()
    before = list(Article.objects.order_by("pk").values_list("pk", "title", "version"))

    results = by_path(run(write_post.root, dry_run=True))
    assert {path: r.status for path, r in results.items()} == {
        "bad.md": "failed",
        "change.md": "updated",
        "keep.md": "unchanged",
        "new.md": "created",
    }
    assert results["new.md"].article_url is None
    assert results["change.md"].article_url == f"/p/{Article.objects.get(legacy_path='change.md').pk}/"
    assert list(Article.objects.order_by("pk").values_list("pk", "title", "version")) == before
    assert Category.objects.count() == Tag.objects.count() == 0
    assert content_generation() == generation


def test_the_report_has_exactly_the_documented_schema(write_post, tmp_path):
    write_post("good.md", post("好", date="Invalid Date"))
    write_post("bad.md", "---\ntitle: [x\n---\n")
    report_file = tmp_path / "report.json"
    with pytest.raises(CommandError):
        call_command("import_markdown", str(write_post.root), report=report_file, stdout=io.StringIO())
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["summary"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "failed": 1,
        "warnings": 2,
        "date_unverified": 1,
    }
    bad, good = report["files"]
    assert set(bad) == set(good) == {
        "path", "status", "article_url", "warnings", "error", "matched_by", "date_unverified"
    }  # fmt: skip
    assert bad["path"] == "bad.md" and bad["status"] == "failed" and bad["article_url"] is None
    assert "第 3 行" in bad["error"]
    article = Article.objects.get()
    assert good == {
        "path": "good.md",
        "status": "created",
        "article_url": f"/p/{article.pk}/",
        "warnings": good["warnings"],
        "error": None,
        "matched_by": None,
        "date_unverified": True,
    }
    assert good["warnings"][0].startswith("date 值 Invalid Date 不是有效日期")
    assert good["warnings"][1].startswith("日期待核实")


def test_the_command_prints_a_summary_table_and_exits_1_only_when_a_file_failed(write_post, capsys):
    write_post("good.md", SEED_POST)
    call_command("import_markdown", str(write_post.root))
    out = capsys.readouterr().out
    assert "导入结果" in out and "新建 created          1" in out and "失败 failed           0" in out
    write_post("bad.md", "---\ntitle: [x\n---\n")
    with pytest.raises(CommandError) as error:
        call_command("import_markdown", str(write_post.root))
    assert error.value.returncode == 1
    captured = capsys.readouterr()
    assert "bad.md" in captured.err and "未变 unchanged        1" in captured.out


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_the_command_shows_a_progress_bar_on_a_terminal_only(write_post):
    write_post("a.md", post("一"))
    terminal, pipe = FakeTerminal(), io.StringIO()
    call_command("import_markdown", str(write_post.root), stdout=io.StringIO(), stderr=terminal)
    assert "[" + "#" * 30 + "] 1/1" in terminal.getvalue()
    call_command("import_markdown", str(write_post.root), stdout=io.StringIO(), stderr=pipe)
    assert pipe.getvalue() == ""


def test_a_database_error_fails_only_its_own_file(write_post, monkeypatch):
    for name in ("a", "b", "c"):
        write_post(f"{name}.md", post(name, body="文 | 作者甲\n\n正文"))
    original = import_writing.derived_after_write

    def failing(*, writes, replaced, **options):
        if any(w.article.legacy_path == "b.md" for w in writes):
            raise IntegrityError("simulated constraint failure")
        return original(writes=writes, replaced=replaced, **options)

    monkeypatch.setattr(import_writing, "derived_after_write", failing)
    results = by_path(run(write_post.root))
    assert {path: r.status for path, r in results.items()} == {
        "a.md": "created",
        "b.md": "failed",
        "c.md": "created",
    }
    assert results["b.md"].error == "写入数据库失败：simulated constraint failure"
    assert sorted(Article.objects.values_list("legacy_path", flat=True)) == ["a.md", "c.md"]
    assert Credit.objects.count() == 2


def test_two_inputs_with_the_same_path_import_the_first_only(tmp_path):
    for folder, title in (("one", "第一"), ("two", "第二")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.md").write_text(post(title), encoding="utf-8")
    first, second = run(tmp_path / "one" / "a.md", tmp_path / "two" / "a.md")
    assert (first.status, second.status) == ("created", "failed")
    assert "同一篇文章" in second.error
    assert Article.objects.get().title == "第一"


def test_tags_match_existing_ones_case_insensitively_and_keep_the_posts_spelling_in_json_ld(
    write_post, client
):
    Tag.objects.create(name="Swift", slug="swift")
    write_post("a.md", post("标签", extra="categories: [新闻]\ntags: [swift, SWIFT, 芯片]\n"))
    run(write_post.root)
    article = Article.objects.get()
    assert sorted(article.tags.names()) == ["Swift", "芯片"]
    assert Tag.objects.count() == 2
    assert sorted(Tag.objects.values_list("slug", flat=True)) == ["swift", "芯片"]
    page = client.get(f"/p/{article.pk}/").content.decode()
    data = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    # One tag page for Swift and swift; the article shows the post's own spelling (its first).
    assert data["keywords"] == ["新闻", "swift", "芯片"]
    assert data["dateModified"] != data["datePublished"]


def test_updated_is_the_json_ld_date_modified(write_post, client):
    write_post("a.md", post("改过", extra="updated: 2022-06-01 08:00:00\n"))
    run(write_post.root)
    article = Article.objects.get()
    page = client.get(f"/p/{article.pk}/").content.decode()
    data = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert (data["datePublished"], data["dateModified"]) == (
        "2022-05-01T10:00:00+08:00",
        "2022-06-01T08:00:00+08:00",
    )


def link(name, logo):
    return (
        f'<p><a class="project-link" data-id="77" data-name="{name}" data-logo="{logo}" '
        f'data-refer-type="2" href="https://e/77">{name}</a></p>'
    )


@pytest.mark.parametrize("order", [("new", "old"), ("old", "new")])
def test_a_project_is_named_as_its_newest_mention_describes_it(write_post, order):
    bodies = {
        "old": post("旧", body=link("旧名", "https://l/old.png"), date="2020-01-01"),
        "new": post("新", body=link("新名", "https://l/new.png"), date="2023-01-01"),
    }
    for name in order:
        write_post(f"{name}.md", bodies[name])
        run(write_post.root)
    project = Project.objects.get()
    assert (project.name, project.logo_url) == ("新名", "https://l/new.png")
    assert ProjectMention.objects.count() == 2


def test_an_import_bumps_the_cache_generation_per_batch_that_changed_something(write_post):
    for index in range(5):
        write_post(f"{index}.md", post(f"文章{index}"))
    generation = content_generation()
    run(write_post.root, batch_size=2)
    assert content_generation() == generation + 3  # three batches, each committed on its own
    run(write_post.root, batch_size=2)
    assert content_generation() == generation + 3  # nothing changed


def test_a_batch_costs_the_same_queries_however_many_posts_it_holds(write_post):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_to_import(count, folder):
        for index in range(count):
            extra = f"categories: [分类{index}, 新闻]\ntags: [标签{index}]\n"
            write_post(
                f"{folder}/{folder}-{index}.md",
                post(f"{folder}{index}", body="文 | 同一作者\n\n正文", extra=extra),
            )
        with CaptureQueriesContext(connection) as queries:
            results = run(write_post.root / folder)
        assert all(r.status == "created" for r in results)
        return len(queries.captured_queries)

    queries_to_import(1, "warm-up")  # creates the author and the shared category
    assert queries_to_import(3, "small") == queries_to_import(40, "large")


def test_parsing_on_worker_processes_gives_the_same_result(write_post):
    for index in range(6):
        write_post(f"{index}.md", post(f"文章{index}", body=f"文 | 作者{index}\n\n正文{index}"))
    write_post("bad.md", "---\ntitle: [x\n---\n")
    inline = report_build(run(write_post.root, dry_run=True))
    pooled = run(write_post.root, workers=2, batch_size=2)
    assert [(r.path, r.status, r.warnings) for r in pooled] == [
        (f["path"], f["status"], f["warnings"]) for f in inline["files"]
    ]
    assert Credit.objects.count() == 6


@pytest.mark.corpus
def test_hexo_36kr_imports_twice_into_one_set(corpus):
    first = run(corpus / "hexo-36kr")
    failed = sorted(r.path for r in first if r.status == "failed")
    assert len(failed) == 2 and all('"""' in path for path in failed)
    assert sum(r.status == "created" for r in first) == 40
    counts = (Article.objects.count(), Project.objects.count(), ProjectMention.objects.count())
    assert ProjectMention.objects.count() == 17
    assert Article.objects.filter(mentions__isnull=False).distinct().count() == 4
    second = run(corpus / "hexo-36kr")
    assert sum(r.status == "unchanged" for r in second) == 40
    assert (Article.objects.count(), Project.objects.count(), ProjectMention.objects.count()) == counts


@pytest.mark.parametrize("workers", [1, 2, 4])
@pytest.mark.parametrize("count", [0, 1, 7, 25, 26, 199, 200, 201, 1000])
def test_a_batch_is_sent_to_workers_in_order_in_chunks_that_shrink_towards_its_end(workers, count):
    jobs = list(range(count))
    chunks = chunks_split(jobs, workers)
    assert [job for chunk in chunks for job in chunk] == jobs
    assert all(1 <= len(chunk) <= CHUNK for chunk in chunks)
    assert all(len(chunk) >= MIN_CHUNK for chunk in chunks[:-1])
    assert [len(chunk) for chunk in chunks] == sorted((len(chunk) for chunk in chunks), reverse=True)
