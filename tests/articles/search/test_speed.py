"""What the search does to stay fast on large answers, on the configured database: answers are
counted up to ``COUNT_CAP`` ("1000+") and paged within it, and the order of a large answer is
the order the README gives (title and project hits first, then relevance, then the newest)."""

from __future__ import annotations

import pytest

from articles.models import Article
from articles.search import engine, query_parse, search
from tests.articles.search.conftest import anchor
from tests.articles.search.test_page import results

pytestmark = pytest.mark.django_db


def _common_word_archive(write_article) -> None:
    """Seven articles containing 物流, of which two in the title and one through a project."""
    for day in range(1, 5):
        write_article(f"日常报道第{day}篇", f"<p>今天谈谈物流和仓储的第{day}件事。</p>", days_ago=day)
    write_article("物流巨头的新仓库", "<p>一家公司。</p>", days_ago=30)
    write_article("物流行业观察", "<p>行业。</p>", days_ago=20)
    write_article("合作新闻", f"<p>{anchor('7001', '物流')}宣布合作。</p>", days_ago=40)


def test_large_answers_are_counted_up_to_the_cap(write_article, monkeypatch):
    _common_word_archive(write_article)
    full = search(query=query_parse("物流"), queryset=Article.objects.published())
    everything = [article.title for article in full[:7]]
    assert full.count() == 7 and not full.capped
    monkeypatch.setattr(engine, "COUNT_CAP", 3)
    capped = search(query=query_parse("物流"), queryset=Article.objects.published())
    assert capped.count() == 3 and len(capped) == 3 and capped.capped
    # The first results are the same, in the same order, as without the cap.
    assert [article.title for article in capped[:3]] == everything[:3]
    monkeypatch.setattr(engine, "COUNT_CAP", 7)
    assert not search(query=query_parse("物流"), queryset=Article.objects.published()).capped


def test_common_word_results_keep_the_documented_order(write_article):
    _common_word_archive(write_article)
    found = search(query=query_parse("物流"), queryset=Article.objects.published())
    ordered = [article.title for article in found[:7]]
    # Title hits (+4, newest first among equals), the project link (+2), then the newest.
    assert ordered[:3] == ["物流行业观察", "物流巨头的新仓库", "合作新闻"]
    assert ordered[3:] == [f"日常报道第{day}篇" for day in range(1, 5)]
    # A page further on continues the same order.
    assert [article.title for article in found[3:5]] == ordered[3:5]


def test_the_page_shows_a_capped_count_and_pages_within_the_cap(client, write_article, settings, monkeypatch):
    _common_word_archive(write_article)
    settings.ARTICLES_PAGE_SIZE = 2
    monkeypatch.setattr(engine, "COUNT_CAP", 4)
    response = client.get("/search/?q=物流")
    html = response.content.decode()
    assert "找到 4+ 篇文章" in html
    assert "第 1 / 2 页" in html
    last = client.get("/search/?q=物流&page=9")
    assert [result["title"] for result in results(last)] == ["合作新闻", "日常报道第1篇"]
    monkeypatch.setattr(engine, "COUNT_CAP", 1000)
    assert "找到 7 篇文章" in client.get("/search/?q=物流&page=1").content.decode()
