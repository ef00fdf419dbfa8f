"""The admin's recover page (deleted articles) shows writers only their own."""

from __future__ import annotations

import pytest
from django.test import Client
from reversion.models import Version

from articles.models import Article
from articles.services.articles import article_save
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _deleted(title: str, by) -> int:
    article = article_save(article=ArticleFactory.build(title=title, status="draft", published_at=None), by=by)
    article.delete()
    return Version.objects.get_deleted(Article).get(object_repr=title).pk


def test_writers_see_only_their_own_deleted_articles_on_the_recover_page(writer_user, editor_user):
    own = _deleted("我删掉的稿子", writer_user)
    theirs = _deleted("编辑删掉的秘密稿子", editor_user)
    writer = client_for(writer_user)
    listing = writer.get("/admin/articles/article/recover/")
    assert listing.status_code == 200
    assert "我删掉的稿子" in listing.content.decode() and "秘密稿子" not in listing.content.decode()
    assert writer.get(f"/admin/articles/article/recover/{own}/").status_code == 200
    refused = writer.get(f"/admin/articles/article/recover/{theirs}/")
    assert refused.status_code == 404 and "秘密稿子" not in refused.content.decode()
    editor_listing = client_for(editor_user).get("/admin/articles/article/recover/").content.decode()
    assert "我删掉的稿子" in editor_listing and "秘密稿子" in editor_listing
