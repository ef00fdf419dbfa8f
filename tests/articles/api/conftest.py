"""Fixtures for the API tests: a content key, a way to call the API with it, and a newsroom
with names used only by drafts (which the API must never show)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article
from articles.services.api_access import content_key_create, staff_token_create
from articles.services.articles import article_head_image_set, article_save
from tests.factories import ArticleFactory

SECRET_BODY = (
    "<p>文 | 秘密作者</p><p>只在草稿里出现的项目"
    '<a class="project-link" data-id="999001" data-name="秘密项目" data-logo="https://img.example.com/s.png" '
    'data-refer-type="2" href="https://36kr.com/projectDetails/999001">秘密项目</a>。</p>'
)


@pytest.fixture
def api_key(db) -> str:
    _key, secret = content_key_create(name="测试 App")
    return secret


@pytest.fixture
def api(client, api_key):
    """``api(path, **params)``: a GET with the content key in the header; returns the response."""

    def get(path: str, headers: dict | None = None, **params):
        return client.get(f"/api/v1{path}", params, headers={"X-Masthead-Key": api_key, **(headers or {})})

    return get


def png_upload(size=(1200, 800), name="head.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def draft_only(reader_site) -> dict[str, Article]:
    """A draft and a scheduled article naming an author, a project, a category and a tag that
    no published article names."""
    made = {}
    for name, status, hours in [
        ("draft", Article.Status.DRAFT, -1),
        ("scheduled", Article.Status.PUBLISHED, 24),
    ]:
        article = ArticleFactory.build(
            title=f"秘密稿件 {name}",
            body=SECRET_BODY,
            status=status,
            published_at=timezone.now() + timedelta(hours=hours),
        )
        made[name] = article_save(article=article, categories=["秘密栏目"], tags=["秘密标签"])
    return made


@pytest.fixture
def pictured(reader_site) -> Article:
    """The imported article with an uploaded head image, its renditions and a focal point."""
    article = reader_site.imported
    return article_head_image_set(
        article=article, upload=png_upload(), alt="青松数据办公室", focal=(0.25, 0.75)
    )


@pytest.fixture
def writer_token(writer_user) -> str:
    return staff_token_create(user=writer_user, name="writer app")[1]


@pytest.fixture
def editor_token(editor_user) -> str:
    return staff_token_create(user=editor_user, name="editor app")[1]
