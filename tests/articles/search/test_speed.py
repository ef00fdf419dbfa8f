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


@pytest.mark.parametrize("large_answer", [1000, 6, 3])
def test_large_answers_rank_as_small_ones(write_article, monkeypatch, large_answer):
    """PostgreSQL ranks an answer of more than LARGE_ANSWER word hits from its candidates
    (title and project hits, then the newest): the same order, page after page."""
    from articles.search.backends import postgresql

    _common_word_archive(write_article)
    write_article("物流 仓储 两个词", "<p>物流仓储一体化。</p>", days_ago=50)
    write_article("旧闻", "<p>物流。</p>", status=Article.Status.DRAFT)
    def ranked(text: str, queryset, size: int) -> list[list[str]]:
        found = search(query=query_parse(text), queryset=queryset)
        if queryset.query.where:  # the reader's page counts first (the backend reuses the count)
            found.count()
        return [[article.title for article in found[start : start + size]] for start in range(0, 9, size)]

    monkeypatch.setattr(postgresql, "LARGE_ANSWER", 10**6)
    whole = ranked("物流", Article.objects.published(), 3)
    whole_staff = ranked("物流 仓储", Article.objects.all(), 2)
    monkeypatch.setattr(postgresql, "LARGE_ANSWER", large_answer)
    pages = ranked("物流", Article.objects.published(), 3)
    assert pages == whole
    # Title hits (relevance decides among them), the project link, then the newest.
    assert set(pages[0]) == {"物流行业观察", "物流巨头的新仓库", "物流 仓储 两个词"}
    assert pages[1:] == [["合作新闻", "日常报道第1篇", "日常报道第2篇"], ["日常报道第3篇", "日常报道第4篇"]]
    staff = ranked("物流 仓储", Article.objects.all(), 2)
    assert staff == whole_staff
    assert staff[0] == ["物流 仓储 两个词", "日常报道第1篇"]


@pytest.mark.parametrize("large_answer", [1000, 6, 2])
def test_large_answers_of_two_words_find_their_title_and_project_hits(write_article, monkeypatch, large_answer):
    """A large answer's title and project hits of several words (PostgreSQL: all of them in
    the title or projects, or a project naming one and the article holding the others) are
    the ones a small answer ranks first; a project naming one word of an article without the
    other, or a title holding one word of two, earns nothing."""
    from articles.search.backends import postgresql

    _common_word_archive(write_article)
    write_article("仓储新规", f"<p>{anchor('7001', '物流')}的仓储。</p>", days_ago=45)
    write_article("物流与配送", "<p>讲仓储的正文。</p>", days_ago=1.5)
    write_article("物流仓储一体化", "<p>正文。</p>", days_ago=60)
    write_article("只提项目", f"<p>{anchor('7001', '物流')}。</p>", days_ago=0.5)

    def ranked() -> list[str]:
        found = search(query=query_parse("物流 仓储"), queryset=Article.objects.published())
        found.count()
        return [article.title for start in range(0, 9, 2) for article in found[start : start + 2]]

    monkeypatch.setattr(postgresql, "LARGE_ANSWER", 10**6)
    whole = ranked()
    monkeypatch.setattr(postgresql, "LARGE_ANSWER", large_answer)
    assert ranked() == whole
    # Both words in the title (+4), the project naming one word (+2), then the other hits.
    assert whole[:2] == ["物流仓储一体化", "仓储新规"]
    assert set(whole[2:]) == {"物流与配送", *(f"日常报道第{day}篇" for day in range(1, 5))}


@pytest.mark.parametrize("windows", [(0.2, 0.5), (0.02, 0.16), (0.0, 1.0)])
def test_large_answers_found_through_windows_of_recent_documents_rank_as_small_ones(
    write_article, monkeypatch, windows
):
    """PostgreSQL looks for a large answer's newest hits in windows of recent documents
    first (edges from the publication time's histogram): the order does not depend on them."""
    from django.db import connection

    from articles.search.backends import postgresql

    if connection.vendor != "postgresql":
        pytest.skip("windows of recent documents are PostgreSQL's")
    _common_word_archive(write_article)
    for day in range(5, 25):
        write_article(f"第{day}天的简讯", f"<p>物流消息第{day}条。</p>", days_ago=day + 0.5)
    write_article("无关的文章", "<p>别的事。</p>", days_ago=0.1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_searchdocument")
        cursor.execute(
            "SELECT array_length(histogram_bounds::text::timestamptz[], 1) FROM pg_stats "
            "WHERE tablename = 'articles_searchdocument' AND attname = 'published_at'"
        )
        assert cursor.fetchone()[0] > 10  # the windows have edges

    def ranked(size: int) -> list[str]:
        """The titles of the first 27 results, read ``size`` at a time (a page each)."""
        found = search(query=query_parse("物流"), queryset=Article.objects.published())
        return [article.title for start in range(0, 27, size) for article in found[start : start + size]]

    monkeypatch.setattr(postgresql, "LARGE_ANSWER", 10**6)
    whole = ranked(4)
    monkeypatch.setattr(postgresql, "LARGE_ANSWER", 26)  # the pages within 26 from the candidates
    monkeypatch.setattr(postgresql, "_WINDOWS", windows)
    monkeypatch.setattr(postgresql, "_BOUNDS_SECONDS", 0)  # the histogram of this archive
    for size in (1, 4, 9):
        assert ranked(size) == whole
    assert len(whole) == 27
    assert whole[:5] == ["物流行业观察", "物流巨头的新仓库", "合作新闻", "日常报道第1篇", "日常报道第2篇"]


def test_window_edges_are_read_once_a_while_and_stale_ones_rank_the_same(write_article, monkeypatch):
    """PostgreSQL reads the publication times' histogram for the windows' edges once every
    ``_BOUNDS_SECONDS``; edges from another moment (or none) change no result."""
    import time
    from datetime import UTC, datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.search.backends import postgresql

    if connection.vendor != "postgresql":
        pytest.skip("windows of recent documents are PostgreSQL's")
    _common_word_archive(write_article)
    for day in range(5, 15):
        write_article(f"第{day}天的简讯", f"<p>物流消息第{day}条。</p>", days_ago=day + 0.5)

    def ranked() -> list[str]:
        found = search(query=query_parse("物流"), queryset=Article.objects.published())
        return [article.title for start in range(0, 18, 4) for article in found[start : start + 4]]

    monkeypatch.setattr(postgresql, "LARGE_ANSWER", 10**6)
    whole = ranked()
    monkeypatch.setattr(postgresql, "LARGE_ANSWER", 16)  # the pages within 16 from the candidates
    monkeypatch.setattr(postgresql, "_bounds", {})
    with CaptureQueriesContext(connection) as queries:
        assert ranked() == ranked() == whole
    assert sum("pg_stats" in query["sql"] for query in queries.captured_queries) == 1
    database = connection.settings_dict["NAME"]
    for stale in (None, [datetime(2001, 1, 1, tzinfo=UTC)] * 3, [datetime(2999, 1, 1, tzinfo=UTC)] * 50):
        postgresql._bounds[database] = (time.monotonic(), stale)
        assert ranked() == whole


def test_the_document_keeps_the_publication_time_in_step(write_article):
    from datetime import timedelta

    from django.utils import timezone

    from articles.search.models import SearchDocument
    from articles.services.publishing import article_publish

    draft = write_article("物流草稿", status=Article.Status.DRAFT)
    assert SearchDocument.objects.get(article=draft).published_at is None
    later = timezone.now() + timedelta(days=2)
    article_publish(article=draft, at=later)
    draft.refresh_from_db()
    assert draft.published_at == later
    assert SearchDocument.objects.get(article=draft).published_at == later


def test_substring_only_hits_follow_every_word_hit_page_after_page(client, write_article, settings):
    """Substring-only hits are looked for only when the word hits do not fill the page: the
    order and the count are the same as if they were always looked for."""
    settings.ARTICLES_PAGE_SIZE = 2
    for n in range(1, 4):
        write_article(f"云服务商排名第{n}", days_ago=n)
    write_article("阿里云服务商业化", days_ago=0.5)  # the newest, but no word 服务商
    first = client.get("/search/?q=云服务商")
    assert "找到 4 篇文章" in first.content.decode()
    assert [result["title"] for result in results(first)] == ["云服务商排名第1", "云服务商排名第2"]
    second = results(client.get("/search/?q=云服务商&page=2"))
    assert [result["title"] for result in second] == ["云服务商排名第3", "阿里云服务商业化"]
    found = search(query=query_parse("云服务商"), queryset=Article.objects.published())
    assert [article.title for article in found[1:4]] == ["云服务商排名第2", "云服务商排名第3", "阿里云服务商业化"]


def test_search_pages_cost_a_fixed_number_of_queries(client, write_article, django_assert_max_num_queries):
    for n in range(30):
        write_article(f"云服务商排名第{n}", f"<p>文 | 作者{n}</p><p>内容。</p>", categories=["资讯"], days_ago=n + 1)
    write_article("阿里云服务商业化", categories=["资讯"])
    # The page's own three (next scheduled time, categories of the filter, header sections),
    # then count, ranked ids, articles, credits: a filter, a later page or a one-character
    # query adds none.
    for url in (
        "/search/?q=云服务商",
        "/search/?q=云服务商&page=2",
        "/search/?q=云服务商&category=资讯&from=2020-01-01",
        "/search/?q=云",
    ):
        with django_assert_max_num_queries(7):
            assert results(client.get(url))
