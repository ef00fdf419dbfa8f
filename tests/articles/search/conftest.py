"""Fixture articles for the search tests, written through ``article_save`` (the real write
path, so they are indexed as editors' articles are). Never corpus text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.services.articles import article_save


def anchor(data_id: str, name: str, text: str | None = None) -> str:
    """A ``project-link`` anchor as the editor's project picker inserts it."""
    return (
        f'<a class="project-link" data-id="{data_id}" data-name="{name}" data-refer-type="2" '
        f'href="https://36kr.com/projectDetails/{data_id}" target="_blank">{text or name}</a>'
    )


@pytest.fixture
def write_article(db):
    """``write_article(title, body_html, excerpt=..., days_ago=..., status=..., categories=..., tags=...)``."""

    def write(
        title: str,
        body: str = "",
        *,
        excerpt: str = "",
        days_ago: float = 1,
        status: str = Article.Status.PUBLISHED,
        categories: list[str] | None = None,
        tags: list[str] | None = None,
    ) -> Article:
        article = Article(
            title=title,
            body=body or "<p>正文。</p>",
            excerpt=excerpt,
            status=status,
            published_at=timezone.now() - timedelta(days=days_ago) if status == Article.Status.PUBLISHED else None,
        )
        return article_save(article=article, categories=categories, tags=tags)

    return write
