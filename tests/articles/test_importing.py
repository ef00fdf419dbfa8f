import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Credit, Project, ProjectMention
from articles.services.importing import posts_import

pytestmark = pytest.mark.django_db

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


def test_seed_format_post_imports_with_everything(write_post):
    write_post("新媒体/36kr/资讯/钉钉.md", SEED_POST)
    (result,) = run(write_post.root)
    assert result.status == "created"
    article = Article.objects.get()
    assert article.title == "36氪独家 _ 钉钉全资收购音视频公司拍乐云"
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at.isoformat() == "2022-03-18T01:23:51+00:00"
    assert sorted(article.categories.names()) == ["36kr", "新媒体", "资讯"]
    assert article.source == "36kr"
    assert article.comments_enabled is False
    assert article.head_image_url == "https://img.example.com/head.jpg"
    assert article.thumbnail_url == "https://img.example.com/thumb.jpg"
    assert article.legacy_path == "新媒体/36kr/资讯/钉钉.md"
    assert [(c.role, c.author.name) for c in article.credits.select_related("author")] == [
        (Credit.Role.WRITER, "苏建勋"),
        (Credit.Role.EDITOR, "杨轩"),
    ]
    assert 'data-id="8301"' in article.body and 'data-logo="https://img.example.com/pl.png"' in article.body
    for forbidden in ("<script", "onerror", "javascript:", "文 | 苏建勋", "<div>"):
        assert forbidden not in article.body
    assert list(ProjectMention.objects.values_list("project__external_id", flat=True)) == ["8301", "373021"]


def test_reimport_duplicates_nothing(write_post):
    write_post("a.md", SEED_POST)
    run(write_post.root)
    (again,) = run(write_post.root)
    assert again.status == "unchanged"
    assert (Article.objects.count(), Project.objects.count(), ProjectMention.objects.count()) == (1, 2, 2)
    assert Credit.objects.count() == 2


def test_changed_file_updates_the_same_article(write_post):
    path = write_post("a.md", SEED_POST)
    (first,) = run(write_post.root)
    path.write_text(SEED_POST.replace("钉钉全资收购", "钉钉收购"), encoding="utf-8")
    (second,) = run(write_post.root)
    assert second.status == "updated" and second.article_id == first.article_id
    assert Article.objects.get().title.startswith("36氪独家 _ 钉钉收购")
    assert Credit.objects.count() == 2


def test_broken_yaml_is_reported_and_the_rest_goes_on(write_post):
    write_post("good.md", SEED_POST)
    write_post("bad.md", '\n---\ntitle: """"\'x\'""""\nauthor: a\n---\nbody')
    results = {r.path: r for r in run(write_post.root)}
    assert results["good.md"].status == "created"
    assert results["bad.md"].status == "failed"
    assert "第 3 行" in results["bad.md"].error
    assert Article.objects.count() == 1


def test_missing_title_imports_a_draft_named_after_the_file(write_post):
    write_post("无题.md", "---\ntitle:\ndate: 2022-01-01\n---\n<p>x</p>")
    (result,) = run(write_post.root)
    article = Article.objects.get()
    assert (article.title, article.status) == ("无题", Article.Status.DRAFT)
    assert result.warnings


def test_command_exit_status_is_non_zero_only_when_a_file_failed(write_post, capsys):
    write_post("good.md", SEED_POST)
    call_command("import_markdown", str(write_post.root))
    write_post("bad.md", "---\ntitle: [x\n---\n")
    with pytest.raises(CommandError) as error:
        call_command("import_markdown", str(write_post.root))
    assert error.value.returncode == 1
    assert "bad.md" in capsys.readouterr().err


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
    assert {r.status for r in second if r.path not in failed} <= {"unchanged", "skipped"}
    assert sum(r.status == "unchanged" for r in second) == 40
    assert (Article.objects.count(), Project.objects.count(), ProjectMention.objects.count()) == counts
    json.dumps([r.article_url for r in second])  # every result serialises
