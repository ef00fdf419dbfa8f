"""Fixtures for the reader-site tests: a small newsroom with one imported article that has
everything (credits, categories, tags, head image, project links), plain published articles,
and the articles readers must never see (draft, in review, unpublished, scheduled).

Loaded by ``pytest_plugins`` in tests/conftest.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Author, Category, Project
from articles.services.articles import article_save
from articles.services.importing import posts_import
from tests.factories import ArticleFactory

# A post in the seed format (Hexo front matter, HTML body with bylines and project links),
# written for these tests.
IMPORTED_POST = """
---
title: '36氪首发 _ 数据库公司「青松数据」完成3亿元C轮融资'
categories:
 - 新媒体
 - 36kr
 - 资讯
tags:
 - 企业服务
 - 数据库
headimg: 'https://img.example.com/qingsong-head.jpg'
thumbnail: 'https://img.example.com/qingsong-thumb.jpg'
author: 36kr
comments: true
date: Fri, 18 Mar 2022 01:23:51 GMT
---

<div>
<p>文 | 苏建勋</p>
<p>编辑 | 杨轩、林晓</p>
<p>36氪获悉，分布式数据库公司<a class="project-link" data-id="8301" data-name="青松数据" data-logo="https://img.example.com/qs.png" data-refer-type="2" href="https://36kr.com/projectDetails/8301" target="_blank">青松数据</a>近日完成3亿元C轮融资，由<a class="project-link" data-id="373021" data-name="远山资本" data-logo="https://img.example.com/ys.png" data-refer-type="1" href="https://www.example.com/space/373021" target="_blank">远山资本</a>领投。</p>
<p>青松数据成立于2018年，为金融与零售企业提供云原生分布式数据库。本轮资金将用于研发与海外市场拓展。</p>
<h2>行业观察</h2>
<p>据公司介绍，其产品已服务超过300家企业客户，<strong>年收入增长超过一倍</strong>。</p>
</div>
"""

IMPORTED_TITLE = "36氪首发 _ 数据库公司「青松数据」完成3亿元C轮融资"


@dataclass
class ReaderSite:
    imported: Article
    published: list[Article]
    hidden: dict[str, Article] = field(default_factory=dict)
    flash: Article | None = None

    @property
    def visible(self) -> list[Article]:
        return [self.imported, *self.published, *([self.flash] if self.flash else [])]

    @property
    def category(self) -> Category:
        return self.imported.categories.get(name="资讯")

    @property
    def writer(self) -> Author:
        return Author.objects.get(name="苏建勋")

    @property
    def project(self) -> Project:
        return Project.objects.get(external_id="8301")


def import_seed_post(write_post) -> Article:
    """Import ``IMPORTED_POST`` through the importer, as staff would."""
    path = write_post("新媒体/36kr/资讯/青松数据.md", IMPORTED_POST)
    (result,) = list(posts_import(inputs=[path.parent]))
    assert result.status == "created", result
    return Article.objects.get(pk=result.article_id)


def _article(title: str, *, days_ago: float, categories: list[str], **fields) -> Article:
    article = ArticleFactory.build(
        title=title,
        body=fields.pop("body", f"<p>{title}。这是一篇用于测试的文章，正文说明了事情的来龙去脉。</p>"),
        published_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )
    return article_save(article=article, categories=categories)


@pytest.fixture
def reader_site(db, write_post) -> ReaderSite:
    imported = import_seed_post(write_post)
    published = [
        _article("云栖科技发布边缘计算新品", days_ago=0.1, categories=["资讯", "36kr"]),
        _article(
            "工信部发布算力基础设施指引",
            days_ago=1,
            categories=["快讯"],
            body=(
                "<p>文 | 苏建勋</p><p>指引提出建设绿色算力。"
                '<a class="project-link" data-id="8301" data-name="青松数据" data-logo="https://img.example.com/qs.png" '
                'data-refer-type="2" href="https://36kr.com/projectDetails/8301">青松数据</a>参与了讨论。</p>'
            ),
        ),
        _article("新能源汽车出口持续增长", days_ago=3, categories=["资讯"]),
    ]
    # Hidden articles share the visible ones' category, tag, writer and project, so every
    # list, feed and sitemap that could leak them is exercised.
    hidden_body = (
        "<p>文 | 苏建勋</p><p>不应出现在读者页面上的内容。"
        '<a class="project-link" data-id="8301" data-name="青松数据" data-logo="https://img.example.com/qs.png" '
        'data-refer-type="2" href="https://36kr.com/projectDetails/8301">青松数据</a></p>'
    )
    hidden = {
        name: _article(title, days_ago=days_ago, categories=["资讯"], body=hidden_body, status=status)
        for name, title, days_ago, status in [
            ("draft", "草稿：尚未完成的稿件", 0.2, Article.Status.DRAFT),
            ("review", "待审：等待审核的稿件", 0.2, Article.Status.REVIEW),
            ("unpublished", "撤回：已经撤下的稿件", 0.2, Article.Status.UNPUBLISHED),
            ("scheduled", "定时：明天才发布的稿件", -1, Article.Status.PUBLISHED),
        ]
    }
    for article in hidden.values():
        article.tags.add("企业服务")
    # Two sections in the header and on the front page; 36kr stays a plain category.
    Category.objects.filter(name="资讯").update(nav_position=1, description="创投与科技公司的最新消息")
    Category.objects.filter(name="快讯").update(nav_position=2)
    flash = _article(
        "央行宣布下调存款准备金率",
        days_ago=4,
        categories=["快讯"],
        kind=Article.Kind.FLASH,
        body="<p>央行宣布下调存款准备金率 0.25 个百分点。此次降准释放长期资金约 5000 亿元。</p>",
    )
    return ReaderSite(imported=imported, published=published, hidden=hidden, flash=flash)


def reader_pages(site: ReaderSite) -> dict[str, str]:
    """One URL per reader page type, for the HTML and accessibility checks."""
    return {
        "home": "/",
        "home-page-2": "/?page=2",
        "article": site.imported.get_absolute_url(),
        "article-plain": site.published[2].get_absolute_url(),
        "category": site.category.get_absolute_url(),
        "tag": "/tags/企业服务/",
        "author": site.writer.get_absolute_url(),
        "project": site.project.get_absolute_url(),
        "flashes": "/flash/",
        "flash": site.flash.get_absolute_url(),
        "archive": "/archive/",
        "archive-month": "/archive/2022/03/",
        "search": "/search/?q=青松数据",
        "search-empty": "/search/",
        "search-nothing-found": "/search/?q=不存在的词语组合xyz",
        "not-found": "/p/999999/",
    }
