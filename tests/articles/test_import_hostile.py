"""Hostile legacy files: each fails alone with a clear reason and the rest of the import goes on,
from the command line (with and without worker processes) and on the admin's import page.

The attacks, as found: front matter nested 30,000 deep (the YAML C loader died with SIGSEGV),
a 400-byte YAML alias bomb (minutes and gigabytes), a 5 MB line of markdown emphasis (19 s).
"""

from __future__ import annotations

import io
import json
import os
import signal
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.caching import content_generation
from articles.models import Article
from articles.services.importing import parsing, posts_import
from articles.services.importing.pipeline import BATCH_SIZE
from tests.factories import UserFactory

GOOD = "---\ntitle: 好文章\ndate: 2022-05-01 10:00:00\ntags: [甲, 乙]\n---\n文 | 林晓\n\n正文。\n"


def deep_yaml(levels: int = 30_000) -> str:
    return "---\ntitle: 深\nkey: " + "[" * levels + "]" * levels + "\n---\n正文\n"


def alias_bomb() -> str:
    """Nine levels of nine aliases: 9**9 (387 million) strings once expanded, in ~400 bytes."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "---\ntitle: 炸弹\ntags: *i\n" + "\n".join(lines) + "\n---\n正文\n"


def emphasis_line(size: int = 5 * 1024 * 1024 - 100) -> str:
    return "---\ntitle: 强调\n---\n" + "*a **b " * (size // 7) + "\n"


def many(count: int, key: str) -> str:
    return (
        f"---\ntitle: 多\n{key}:\n" + "".join(f"  - 名字{index}\n" for index in range(count)) + "---\n正文\n"
    )


def project_links(count: int) -> str:
    anchors = "".join(
        f'<a class="project-link" data-id="{index}" data-name="项目{index}" href="https://e.com/{index}">项目</a>'
        for index in range(count)
    )
    return f"---\ntitle: 链接\n---\n<p>{anchors}</p>\n"


HOSTILE = {
    "deep.md": (deep_yaml(), "嵌套过深（超过 64 层）"),
    "bomb.md": (alias_bomb(), "别名炸弹"),
    "loop.md": ("---\ntitle: 环\nkey: &a [1, *a]\n---\n正文\n", "循环引用"),
    "json.md": (';;;\n"title": "深", "key": ' + "[" * 100_000 + "]" * 100_000 + "\n;;;\n正文\n", "嵌套过深"),
}


def results_by_path(results):
    return {result.path: result for result in results}


@pytest.fixture
def quick_deadline(settings):
    settings.ARTICLES_IMPORT_PARSE_SECONDS = 0.5


# --- in-process imports, inline and on worker processes ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("workers", [1, 2])
def test_hostile_front_matter_fails_alone_and_the_rest_imports(write_post, workers):
    for name, (text, _reason) in HOSTILE.items():
        write_post(name, text)
    for index in range(4):
        write_post(f"good{index}.md", GOOD.replace("好文章", f"好文章{index}"))
    results = results_by_path(posts_import(inputs=[write_post.root], workers=workers, batch_size=2))
    for name, (_text, reason) in HOSTILE.items():
        assert results[name].status == "failed"
        assert reason in results[name].error, results[name].error
    assert [results[f"good{index}.md"].status for index in range(4)] == ["created"] * 4
    assert Article.objects.count() == 4
    assert all(
        article.tags.count() == 2 and article.credits.count() == 1 for article in Article.objects.all()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("workers", [1, 2])
def test_a_5_mb_line_of_emphasis_stops_at_the_parse_deadline(write_post, workers, quick_deadline):
    write_post("emphasis.md", emphasis_line())
    for index in range(4):
        write_post(f"good{index}.md", GOOD.replace("好文章", f"好文章{index}"))
    results = results_by_path(posts_import(inputs=[write_post.root], workers=workers, batch_size=2))
    assert results["emphasis.md"].status == "failed"
    assert results["emphasis.md"].error.startswith("解析超时：超过 0.5 秒 CPU 时间仍未完成")
    assert [results[f"good{index}.md"].status for index in range(4)] == ["created"] * 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "[a](" * 400_000,  # unclosed link destinations
        "`a " * 400_000,  # unmatched code spans
        "<b>" * 400_000,  # unclosed inline HTML
        "<div>" + "<p>x</p>" * 400_000 + "</div>",  # a huge HTML body: the canonical form's work
    ],
    ids=["links", "backticks", "inline-html", "html-body"],
)
def test_other_costly_bodies_stop_at_the_parse_deadline_too(write_post, body, quick_deadline):
    write_post("costly.md", f"---\ntitle: 慢\n---\n{body}\n")
    write_post("good.md", GOOD)
    results = results_by_path(posts_import(inputs=[write_post.root]))
    assert results["costly.md"].status == "failed"
    assert results["costly.md"].error.startswith("解析超时")
    assert results["good.md"].status == "created"


@pytest.mark.django_db
def test_a_giant_single_line_of_plain_text_is_just_a_long_article(write_post):
    write_post("long.md", "---\ntitle: 长\n---\n" + "长文本" * 500_000 + "\n")
    [result] = posts_import(inputs=[write_post.root])
    assert result.status == "created"
    assert len(Article.objects.get().body) > 1_000_000


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (many(101, "tags"), "标签过多（101 个，上限 100 个）"),
        (many(101, "categories"), "分类过多（101 个，上限 100 个）"),
        ("---\ntitle: 多\n---\n" + "".join(f"<p>文 | 作者{i}</p>" for i in range(101)), "署名过多（101 个"),
        (project_links(101), "项目链接过多（101 个"),
    ],
    ids=["tags", "categories", "bylines", "project-links"],
)
def test_a_post_with_more_names_than_any_real_one_fails_with_the_count(write_post, text, reason):
    write_post("many.md", text)
    write_post("good.md", GOOD)
    results = results_by_path(posts_import(inputs=[write_post.root]))
    assert results["many.md"].status == "failed" and reason in results["many.md"].error
    assert results["good.md"].status == "created"


@pytest.mark.django_db
def test_a_hundred_tags_and_project_links_are_still_fine(write_post):
    write_post("tags.md", many(100, "tags"))
    write_post("links.md", project_links(100))
    results = results_by_path(posts_import(inputs=[write_post.root]))
    assert results["tags.md"].status == results["links.md"].status == "created"
    assert Article.objects.get(legacy_path="tags.md").tags.count() == 100
    assert Article.objects.get(legacy_path="links.md").mentions.count() == 100


@pytest.mark.django_db
def test_a_worker_that_dies_fails_only_the_file_it_was_parsing(write_post, monkeypatch):
    """A worker dying abruptly (a native crash; simulated by SIGKILL) breaks the pool: its files
    are parsed again one by one in processes of their own, and only the culprit fails."""
    main = os.getpid()
    real = parsing.post_parse

    def crashing(*, path, **kwargs):
        if path == "crash.md" and os.getpid() != main:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path=path, **kwargs)

    monkeypatch.setattr(parsing, "post_parse", crashing)
    for index in range(7):
        write_post(f"good{index}.md", GOOD.replace("好文章", f"好文章{index}"))
    write_post("crash.md", GOOD.replace("好文章", "崩溃"))
    results = results_by_path(posts_import(inputs=[write_post.root], workers=2, batch_size=2))
    assert results["crash.md"].status == "failed"
    assert "解析进程崩溃" in results["crash.md"].error
    assert [results[f"good{index}.md"].status for index in range(7)] == ["created"] * 7


@pytest.mark.django_db
def test_the_page_cache_learns_of_each_batch_as_it_is_committed(write_post):
    """An import killed half-way must not leave readers a stale cache of the part it wrote."""
    for index in range(4):
        write_post(f"{index}.md", GOOD.replace("好文章", f"文章{index}"))
    generation = content_generation()
    results = posts_import(inputs=[write_post.root], batch_size=2)
    next(results)  # the first batch is written and committed
    assert content_generation() > generation
    results.close()


# --- the command, as a separate process ------------------------------------------------------


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_command_survives_front_matter_that_crashed_the_yaml_loader(external_database, tmp_path, workers):
    root = tmp_path / "posts"
    root.mkdir()
    (root / "deep.md").write_text(deep_yaml(), encoding="utf-8")
    (root / "bomb.md").write_text(alias_bomb(), encoding="utf-8")
    # Two batches' worth, so that --workers 2 really parses on worker processes.
    for index in range(2 * BATCH_SIZE):
        (root / f"good{index}.md").write_text(GOOD.replace("好文章", f"好文章{index}"), encoding="utf-8")
    report = tmp_path / "report.json"
    process = external_database.manage(
        "import_markdown", str(root), "--workers", workers, "--report", str(report)
    )
    _out, err = process.communicate(timeout=300)
    assert process.returncode == 1, (process.returncode, err)  # 1: some files failed; not -11
    files = {f["path"]: f for f in json.loads(report.read_text(encoding="utf-8"))["files"]}
    assert "嵌套过深" in files["deep.md"]["error"] and "别名炸弹" in files["bomb.md"]["error"]
    assert "失败 deep.md: front matter 嵌套过深" in err
    assert external_database.scalar("SELECT COUNT(*) FROM articles_article") == 2 * BATCH_SIZE


# --- the admin's import page -----------------------------------------------------------------


@pytest.fixture
def importer(client, db):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="import_articles"))
    client.force_login(user)
    return client


def hostile_archive() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("deep.md", deep_yaml())
        archive.writestr("bomb.md", alias_bomb())
        archive.writestr("emphasis.md", emphasis_line(1024 * 1024))
        archive.writestr("good.md", GOOD)
    return SimpleUploadedFile("hostile.zip", buffer.getvalue(), content_type="application/zip")


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_the_admin_import_page_reports_hostile_files_and_imports_the_rest(importer, dry_run, quick_deadline):
    data = {"files": [hostile_archive()], **({"dry_run": "on"} if dry_run else {})}
    response = importer.post("/admin/articles/import/", data)
    assert response.status_code == 200
    files = {f["path"]: f for f in response.context["report"]["files"]}
    assert "嵌套过深" in files["deep.md"]["error"]
    assert "别名炸弹" in files["bomb.md"]["error"]
    assert files["emphasis.md"]["error"].startswith("解析超时")
    assert files["good.md"]["status"] == "created"
    assert Article.objects.count() == (0 if dry_run else 1)
