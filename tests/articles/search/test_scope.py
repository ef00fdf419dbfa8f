"""A reader's search finds its matches in the search table alone: the document's public flag
and publication time, kept in step by every write, say what a reader may see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import search_selectors
from articles.models import Article
from articles.search import engine, query_parse
from articles.search.models import SearchDocument
from articles.selectors import ArticleFilters
from articles.services.articles import article_save
from articles.services.publishing import article_publish, article_submit_for_review, article_unpublish
from tests.articles.search.test_page import titles

pytestmark = pytest.mark.django_db


def reader(text: str, filters: ArticleFilters | None = None) -> tuple[int, list[str]]:
    """What a reader's search says: its count (the search table only) and the titles shown."""
    found = search_selectors.article_search_published(query=query_parse(text), filters=filters or ArticleFilters())
    return found.count(), [article.title for article in found[:10]]


def document(article: Article) -> tuple[bool, object]:
    row = SearchDocument.objects.get(article=article)
    return row.public, row.published_at


def test_publishing_scheduling_and_unpublishing_keep_the_public_flag_in_step(write_article):
    article = write_article("量子计算初创", status=Article.Status.DRAFT)
    assert document(article) == (False, None)
    assert reader("量子计算") == (0, [])

    article_publish(article=article)
    assert document(article) == (True, article.published_at)
    assert reader("量子计算") == (1, ["量子计算初创"])

    later = timezone.now() + timedelta(days=3)
    article_publish(article=article, at=later)  # rescheduled into the future
    assert document(article) == (True, later)
    assert reader("量子计算") == (0, [])

    article_publish(article=article, at=timezone.now() - timedelta(hours=1))
    assert reader("量子计算") == (1, ["量子计算初创"])

    article_unpublish(article=article)
    assert document(article)[0] is False
    assert reader("量子计算") == (0, [])

    article_submit_for_review(article=article)
    assert reader("量子计算") == (0, [])


def test_a_scheduled_article_is_found_once_its_time_has_come_without_a_write(write_article, monkeypatch):
    article = write_article("卫星互联网", status=Article.Status.DRAFT)
    article_publish(article=article, at=timezone.now() + timedelta(hours=2))
    assert reader("卫星互联网")[0] == 0
    in_three_hours = timezone.now() + timedelta(hours=3)
    monkeypatch.setattr(engine.timezone, "now", lambda: in_three_hours)
    assert reader("卫星互联网")[0] == 1


def test_an_edit_of_a_draft_never_makes_it_public(write_article):
    article = write_article("储能电池草稿", status=Article.Status.DRAFT)
    article.title = "储能电池草稿第二版"
    article.published_at = timezone.now() - timedelta(days=1)  # a date set on a draft
    article_save(article=article)
    assert document(article)[0] is False
    assert reader("储能电池") == (0, [])


def test_filtered_searches_keep_to_public_articles(write_article):
    write_article("芯片工厂投产", categories=["硬件"])
    write_article("芯片工厂草稿", categories=["硬件"], status=Article.Status.DRAFT)
    scheduled = write_article("芯片工厂定时", categories=["硬件"])
    article_publish(article=scheduled, at=timezone.now() + timedelta(days=1))
    assert reader("芯片工厂", ArticleFilters(category="硬件")) == (1, ["芯片工厂投产"])
    assert reader("芯片工厂") == (1, ["芯片工厂投产"])


def test_staff_search_still_finds_every_status(write_article):
    from articles.search import search

    write_article("机器人公司", status=Article.Status.DRAFT)
    published = write_article("机器人产业")
    article_unpublish(article=published)
    found = search(query=query_parse("机器人"), queryset=Article.objects.all())
    assert found.count() == 2
    assert {article.title for article in found[:2]} == {"机器人公司", "机器人产业"}


def test_the_page_never_shows_an_article_the_articles_table_says_is_hidden(client, write_article):
    # A write around the write path (a raw update) leaves the document behind: the page's
    # articles still come through the published queryset, so nothing hidden is shown.
    hidden = write_article("氢能重卡定时")
    write_article("氢能重卡量产")
    Article.objects.filter(pk=hidden.pk).update(published_at=timezone.now() + timedelta(days=1))
    assert titles(client, "/search/?q=氢能重卡") == ["氢能重卡量产"]
