"""An import killed with SIGKILL half-way, then run again, ends with exactly one article per post
and never a partial one: ``manage.py import_markdown`` runs as a real subprocess against the test
database (SQLite file or PostgreSQL), is killed once some articles exist, and is run again."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from datetime import datetime, timedelta

POSTS = 2000


def write_posts(root) -> None:
    start = datetime(2021, 1, 1, 10, 0, 0)
    for index in range(POSTS):
        project = index % 17
        (root / f"{index // 100:02d}").mkdir(exist_ok=True)
        (root / f"{index // 100:02d}" / f"post-{index}.md").write_text(
            f"---\ntitle: 文章{index}\ndate: {start + timedelta(minutes=index):%Y-%m-%d %H:%M:%S}\n"
            f"categories: [分类{index % 7}, 新闻]\ntags: [标签{index % 13}, 科技]\n---\n"
            f"文 | 作者{index % 5}\n\n"
            f'正文{index}，提到 <a class="project-link" data-id="{project}" data-name="项目{project}" '
            f'href="https://example.com/{project}">项目{project}</a>。\n',
            encoding="utf-8",
        )


# Articles missing any of what their file derives: a partial article.
PARTIAL = """
SELECT COUNT(*) FROM articles_article a WHERE
  (SELECT COUNT(*) FROM articles_categorizedarticle c WHERE c.content_object_id = a.id) != 2
  OR (SELECT COUNT(*) FROM articles_taggedarticle t WHERE t.content_object_id = a.id) != 2
  OR (SELECT COUNT(*) FROM articles_credit r WHERE r.article_id = a.id) != 1
  OR (SELECT COUNT(*) FROM articles_projectmention m WHERE m.article_id = a.id) != 1
"""


def kill_group(process) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # the command and its parsing workers
    process.wait()
    for stream in (process.stdout, process.stderr):
        stream.close()


def test_an_import_killed_half_way_and_run_again_ends_whole(external_database, tmp_path):
    root = tmp_path / "posts"
    root.mkdir()
    write_posts(root)
    command = ("import_markdown", str(root), "--workers", "2")

    first = external_database.manage(*command)
    try:
        deadline = time.monotonic() + 300
        while external_database.scalar("SELECT COUNT(*) FROM articles_article") == 0:
            assert first.poll() is None, first.stderr.read()
            assert time.monotonic() < deadline, "no article was written in 5 minutes"
            time.sleep(0.02)
    finally:
        kill_group(first)
    assert first.returncode == -signal.SIGKILL
    written = external_database.scalar("SELECT COUNT(*) FROM articles_article")
    assert 0 < written < POSTS
    assert external_database.scalar(PARTIAL) == 0  # what the killed run committed is whole

    second = external_database.manage(*command)
    try:
        _out, err = second.communicate(timeout=600)
    finally:
        kill_group(second)
    assert second.returncode == 0, err
    assert external_database.scalar("SELECT COUNT(*) FROM articles_article") == POSTS
    assert external_database.scalar("SELECT COUNT(DISTINCT legacy_path) FROM articles_article") == POSTS
    assert external_database.scalar(PARTIAL) == 0
    assert external_database.scalar("SELECT COUNT(*) FROM articles_project") == 17
    assert external_database.scalar("SELECT COUNT(*) FROM articles_author") == 5
