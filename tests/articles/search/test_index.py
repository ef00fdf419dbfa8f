"""The index follows every write in the same transaction: saves, publishing, unpublishing,
revision restores and import batches; ``search_rebuild`` redoes it all; the user dictionary
reloads in every process when a name changes."""

from __future__ import annotations

import io
import signal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from reversion.models import Version

from articles.models import Article, Project
from articles.search import dictionary, index, query_parse, search
from articles.search.models import SearchDocument
from articles.search.text import single_characters
from articles.services.importing import posts_import
from articles.services.publishing import article_publish, article_unpublish
from articles.services.revisions import article_restore
from tests.articles.search.conftest import anchor

pytestmark = pytest.mark.django_db


def titles(query: str, queryset=None) -> list[str]:
    found = search(query=query_parse(query), queryset=queryset or Article.objects.published())
    return [article.title for article in found[: len(found)]]


def test_publishing_and_unpublishing_change_what_readers_find(write_article):
    article = write_article("氢能源重卡", status=Article.Status.DRAFT)
    assert titles("氢能源") == []
    article_publish(article=article)
    assert titles("氢能源") == ["氢能源重卡"]
    article_unpublish(article=article)
    assert titles("氢能源") == []


def test_a_failed_save_leaves_the_index_as_it_was(write_article):
    article = write_article("固态电池", "<p>内容。</p>")
    with pytest.raises(RuntimeError), transaction.atomic():
        from articles.services.articles import article_save

        article.title = "钠离子电池"
        article_save(article=article)
        raise RuntimeError("the request failed after the save")
    assert titles("固态电池") == ["固态电池"]
    assert titles("钠离子") == []


def test_restoring_a_revision_restores_what_is_found(write_article):
    from articles.services.articles import article_save

    article = write_article("激光雷达量产", "<p>第一版。</p>")
    first = Version.objects.get_for_object(article).last()
    article.title = "毫米波雷达量产"
    article_save(article=article)
    assert titles("激光雷达") == []
    article_restore(article=article, version=first)
    assert titles("激光雷达") == ["激光雷达量产"]
    assert titles("毫米波") == []


POST = """---
title: {title}
date: 2024-03-01 10:00:00
categories:
 - 资讯
---

<p>文 | 韩梅梅</p><p>{body}</p>
"""


def test_import_batches_index_their_articles_and_the_names_they_bring(write_post):
    write_post("a.md", POST.format(title="星河智联完成融资", body=anchor("7001", "星河智联") + "获得投资。"))
    write_post("b.md", POST.format(title="行业周报", body="本周星河智联与多家公司合作。"))
    results = list(posts_import(inputs=[write_post.root]))
    assert [result.status for result in results] == ["created", "created"]
    assert query_parse("星河智联").tokens == ("星河智联",)
    assert titles("星河智联") == ["星河智联完成融资", "行业周报"]
    assert titles("韩梅梅") and SearchDocument.objects.count() == 2


def test_reimport_of_a_changed_post_reindexes_it(write_post):
    path = write_post("a.md", POST.format(title="旧的标题", body="内容"))
    list(posts_import(inputs=[write_post.root]))
    path.write_text(POST.format(title="卫星通信手机", body="内容"), encoding="utf-8")
    (result,) = list(posts_import(inputs=[write_post.root]))
    assert result.status == "updated"
    assert titles("卫星通信") == ["卫星通信手机"]
    assert titles("旧的标题") == []


def test_a_batch_written_in_several_statements_is_indexed_whole(write_article, monkeypatch):
    articles = [write_article(f"第{number}号量子计算机", f"<p>内容{number}。</p>") for number in range(7)]
    # A parameter limit that splits the batch's insert into statements of three documents.
    monkeypatch.setattr(type(connection.features), "max_query_params", 30)
    with transaction.atomic():
        index.documents_update([article.pk for article in articles])
    assert SearchDocument.objects.count() == 7
    assert set(titles("量子计算机")) == {article.title for article in articles}
    assert titles("第3号量子计算机") == ["第3号量子计算机"]
    if connection.vendor == "sqlite":  # FTS5 agrees with the documents it indexes
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO articles_searchdocument_fts(articles_searchdocument_fts, rank) "
                "VALUES ('integrity-check', 1)"
            )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's settings")
def test_fts5_writes_a_batch_as_one_segment_and_merges_eight_at_a_time(db):
    # Migration 0024_search_fts_merging: far less CPU writing an import's batches.
    with connection.cursor() as cursor:
        cursor.execute("SELECT k, v FROM articles_searchdocument_fts_config WHERE k != 'version'")
        assert dict(cursor.fetchall()) == {"automerge": 8, "hashsize": 8 * 1024 * 1024}


_TEXT = st.text(st.sampled_from("拍乐云視頻會議芯片ＡＩabc 15，。、·\n"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(title=_TEXT, excerpt=_TEXT, body=_TEXT, names=st.lists(_TEXT, max_size=4))
def test_the_characters_of_a_document_are_those_of_its_short_fields(title, excerpt, body, names):
    # One-character queries look at the title, excerpt and names, never the body (found by
    # its words): the characters column holds theirs, in order of first appearance.
    text = index.document_text(title=title, excerpt=excerpt, body_html=f"<p>{body}</p>")
    found = index.DocumentNames(credits=names[:1], labels=names[1:2], projects=names[2:])
    values = index.document_values(article_id=1, names=found, public=True, text=text)
    summary = index.normalize(" ".join([*found.credits, *found.labels]))
    projects = index.normalize(" ".join(found.projects))
    assert values.characters == single_characters(" ".join([text.title, text.excerpt, summary, projects]))
    document = index.document_build(article_id=1, names=found, public=True, text=text)
    assert tuple(getattr(document, field) for field in index.DocumentValues._fields) == values


def test_search_rebuild_indexes_every_article(write_article):
    write_article("自动驾驶出租车")
    write_article("自动驾驶草稿", status=Article.Status.DRAFT)
    SearchDocument.objects.all().delete()
    assert titles("自动驾驶") == []
    out = io.StringIO()
    call_command("search_rebuild", stdout=out, batch_size=1)
    assert "已索引 2 篇文章" in out.getvalue()
    assert titles("自动驾驶") == ["自动驾驶出租车"]
    assert set(titles("自动驾驶", Article.objects.all())) == {"自动驾驶出租车", "自动驾驶草稿"}


def test_every_process_reloads_the_dictionary_when_a_name_changes(db):
    dictionary.dictionary_ensure()
    # Another process renames a project: its signal bumps the version in the shared cache.
    Project.objects.bulk_create([Project(external_id="1", name="青藤云图")])  # no signal here
    assert query_parse("青藤云图").tokens != ("青藤云图",)
    dictionary.dictionary_changed()
    assert query_parse("青藤云图").tokens == ("青藤云图",)


def test_saving_a_name_bumps_the_dictionary_version(db):
    from django.core.cache import cache

    dictionary.dictionary_ensure()
    before = cache.get(dictionary.VERSION_KEY)
    Project.objects.create(external_id="2", name="白鹭引擎")
    assert cache.get(dictionary.VERSION_KEY) != before
    assert query_parse("白鹭引擎").tokens == ("白鹭引擎",)


def test_rebuild_keeps_the_document_of_an_article_saved_while_it_ran(write_article, monkeypatch):
    from articles.search import index
    from articles.services.articles import article_save

    article = write_article("旧标题的文章")
    real_work = index._work
    saved = []

    def work_then_an_editor_saves(ids):
        read = real_work(ids)
        if not saved:
            saved.append(True)
            article.title = "编辑刚改的标题"
            article_save(article=article)
        return read

    monkeypatch.setattr(index, "_work", work_then_an_editor_saves)
    index.documents_rebuild()
    assert titles("编辑刚改") == ["编辑刚改的标题"]


@pytest.mark.django_db(transaction=True)
def test_a_full_rebuild_outside_a_transaction_leaves_every_index_in_place(write_article):
    from django.db import connection

    write_article("自动驾驶出租车")
    write_article("自动驾驶草稿", status=Article.Status.DRAFT)
    call_command("search_rebuild", stdout=io.StringIO(), workers=1)
    assert titles("自动驾驶") == ["自动驾驶出租车"]
    assert titles("驶出租") == ["自动驾驶出租车"]  # a substring: the trigram index on PostgreSQL
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'articles_searchdocument'")
            names = {row[0] for row in cursor.fetchall()}
        assert {
            "articles_searchdocument_tsv",
            "articles_searchdocument_plain_trgm",
            "articles_searchdocument_head",
            "articles_searchdocument_projects",
            "articles_searchdocument_public_recent",
        } <= names


@pytest.mark.django_db(transaction=True)
def test_indexes_a_killed_rebuild_left_missing_are_built_again_by_migrate(write_article):
    from django.db import connection

    write_article("自动驾驶出租车")
    if connection.vendor != "postgresql":
        pytest.skip("FTS5 is never dropped")
    with connection.cursor() as cursor:
        # What a rebuild killed outright leaves behind.
        cursor.execute("DROP INDEX articles_searchdocument_tsv")
        cursor.execute("DROP INDEX articles_searchdocument_head")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'articles_searchdocument'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"articles_searchdocument_tsv", "articles_searchdocument_head"} <= names
    assert titles("自动驾驶") == ["自动驾驶出租车"]


@pytest.mark.django_db
def test_search_rebuild_gives_back_the_sigterm_handler_it_found():
    """Its SIGTERM handler is for the rebuild only: processes the same process forks later (an
    import's parsing pool) must die on SIGTERM again, or a broken pool waits on them forever."""
    before = signal.getsignal(signal.SIGTERM)
    call_command("search_rebuild", stdout=io.StringIO(), workers=1)
    assert signal.getsignal(signal.SIGTERM) is before
