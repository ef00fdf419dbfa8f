"""``manage.py bodies_reclean``: bodies stored under an older allowlist are brought within
today's, once, without touching versions, and pages show the cleaned body at once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# What the cleaner of an earlier release let through (URLs in cite/srcset were not checked).
OLD_BODY = (
    '<blockquote cite="javascript:alert(1)"><p>引文</p></blockquote>'
    '<p><img src="/media/a.png" srcset="javascript:alert(2) 2x" alt="图"></p>'
)


def stored(body: str) -> Article:
    article = ArticleFactory(status=Article.Status.PUBLISHED, published_at=timezone.now())
    Article.objects.filter(pk=article.pk).update(body=body)  # as an older release stored it
    return Article.objects.get(pk=article.pk)


def run() -> str:
    out = io.StringIO()
    call_command("bodies_reclean", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_stored_bodies_lose_what_todays_cleaner_drops_and_pages_show_it(client):
    old = stored(OLD_BODY)
    clean = ArticleFactory(status=Article.Status.PUBLISHED, published_at=timezone.now())
    before = Article.objects.get(pk=clean.pk)
    assert "javascript:" in client.get(f"/p/{old.pk}/").content.decode()

    assert "改写 1 篇" in run()

    old_now = Article.objects.get(pk=old.pk)
    assert "javascript:" not in old_now.body and "引文" in old_now.body and 'alt="图"' in old_now.body
    assert old_now.version == old.version
    assert Article.objects.get(pk=clean.pk).body == before.body
    assert "javascript:" not in client.get(f"/p/{old.pk}/").content.decode()


def test_a_second_run_changes_nothing():
    stored(OLD_BODY)
    run()
    assert "改写 0 篇" in run()
