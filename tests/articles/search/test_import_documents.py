"""The importer's parsing workers build each post's search text (``document_text``); the
writer adds the names. The stored documents are the ones every other path builds."""

from __future__ import annotations

import pytest
from django.db import connection

from articles.models import Article, Project
from articles.search import index
from articles.search.models import SearchDocument
from articles.services.importing import parsing, posts_import
from tests.articles.search.conftest import anchor

pytestmark = pytest.mark.django_db

COLUMNS = ("title", "summary", "projects", "body", "characters", "plain", "published_at")

POST = """---
title: {title}
date: {date}
categories: {categories}
tags: {tags}
---

<p>文 | {author}</p><p>编辑 | 林晓</p><p>{body}</p>
"""

POSTS = [
    # A company named by its own project link is one word in its body; names differ in case
    # from post to post (the label keeps the first spelling, the document folds case).
    dict(
        title="拍乐云完成新一轮融资",
        date="2024-03-01 10:00:00",
        categories="[资讯, Hadoop]",
        tags="[AI芯片, JWT]",
        author="韩梅梅、李雷",
        body=anchor("9101", "拍乐云") + "宣布融资，芯声智能跟投。視頻會議與ＩＰＨＯＮＥ 15。",
    ),
    # An older post names the same project otherwise: the project keeps the newest name.
    dict(
        title="音视频云行业观察",
        date="2023-01-01 09:00:00",
        categories="[hadoop]",
        tags="[jwt, 36氪]",
        author="李雷",
        body=anchor("9101", "拍乐云Pano", "Pano") + "与" + anchor("9102", "芯声智能") + "合作，NPU芯片。",
    ),
    dict(
        title="周报：AI芯片",
        date="2024-05-01 08:00:00",
        categories="[资讯]",
        tags="[Swift]",
        author="Tim Cook",
        body="本周没有项目链接，只有普通文字：拍乐云、芯声智能、钉钉。",
    ),
]


def _write(write_post, prefix: str = "") -> None:
    # The company names exist before the import, as in a site that already has them.
    Project.objects.create(external_id="9102", name="芯声智能")
    for number, post in enumerate(POSTS):
        write_post(f"{prefix}{number}.md", POST.format(**post))


def _documents() -> dict[int, tuple]:
    documents = {row[0]: row[1:] for row in SearchDocument.objects.values_list("article_id", *COLUMNS)}
    if connection.vendor == "postgresql":  # and the tsvector written with them
        with connection.cursor() as cursor:
            cursor.execute("SELECT article_id, tsv::text FROM articles_searchdocument")
            for article_id, tsv in cursor.fetchall():
                documents[article_id] += (tsv,)
    return documents


def _tokens(document: SearchDocument, column: str) -> set[str]:
    """The tokens of one of a document's columns (on PostgreSQL, of ``summary`` and ``body``,
    the lexemes of their weight in the tsvector: those columns are not stored)."""
    if connection.vendor != "postgresql" or column not in ("summary", "body"):
        return set(getattr(document, column).split())
    weight = {"summary": "B", "body": "C"}[column]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme FROM articles_searchdocument, unnest(tsv) "
            "WHERE article_id = %s AND %s = ANY(weights)",
            [document.article_id, weight],
        )
        return {row[0] for row in cursor.fetchall()}


def _assert_stored_documents_are_rebuilt_ones() -> None:
    stored = _documents()
    assert len(stored) == Article.objects.count() == len(POSTS)
    index.documents_update(list(stored))
    assert _documents() == stored
    index.documents_rebuild()
    assert _documents() == stored


def test_an_imported_document_equals_the_one_a_save_or_a_rebuild_writes(write_post, monkeypatch):
    _write(write_post)
    built = []
    real_text = index.document_text
    monkeypatch.setattr(index, "document_text", lambda **kw: built.append(kw) or real_text(**kw))
    results = list(posts_import(inputs=[write_post.root]))
    assert [result.status for result in results] == ["created"] * len(POSTS)
    # Each body was normalised and segmented once, while parsing, not again by the writer.
    assert len(built) == len(POSTS)
    monkeypatch.undo()
    _assert_stored_documents_are_rebuilt_ones()
    document = SearchDocument.objects.get(article__title="拍乐云完成新一轮融资")
    assert {"拍乐云", "芯声智能", "视频会议", "iphone"} <= _tokens(document, "body")
    # The project as its newest mention names it.
    assert "拍乐云" in _tokens(document, "projects") and "pano" not in _tokens(document, "projects")
    assert {"hadoop", "韩梅梅"} <= _tokens(document, "summary")


def test_a_batch_reads_back_none_of_the_names_it_wrote(write_post, monkeypatch):
    # New posts, then the same posts rewritten from changed sources: the writer gives the
    # index the names it wrote, in the order they are read back.
    def read_back(ids):
        raise AssertionError(f"names of {ids} read back")

    _write(write_post)
    monkeypatch.setattr(index, "_names", read_back)
    assert {result.status for result in posts_import(inputs=[write_post.root])} == {"created"}
    changed = dict(POSTS[1], categories="[资讯, 观察]", tags="[芯声智能]", author="韩梅梅、Tim Cook")
    changed["body"] = anchor("9102", "芯声智能") + "与" + POSTS[1]["body"]
    write_post("1.md", POST.format(**changed))
    assert {result.status for result in posts_import(inputs=[write_post.root])} == {"updated", "unchanged"}
    monkeypatch.undo()
    _assert_stored_documents_are_rebuilt_ones()


def test_documents_built_on_parsing_workers_are_the_same(write_post):
    _write(write_post, prefix="w/")
    # Two batches or more: the posts are parsed and their text built on two forked workers,
    # which know the names in the database when they start and those of the batches written
    # before theirs was sent (the third post names the first one's company in plain text).
    results = list(posts_import(inputs=[write_post.root], workers=2, batch_size=1))
    assert [result.status for result in results] == ["created"] * len(POSTS)
    _assert_stored_documents_are_rebuilt_ones()


def test_a_post_whose_text_could_not_be_built_is_indexed_by_the_writer(write_post, monkeypatch):
    _write(write_post)
    monkeypatch.setattr(parsing, "posts_index", lambda outcomes, words=(): None)
    results = list(posts_import(inputs=[write_post.root]))
    assert [result.status for result in results] == ["created"] * len(POSTS)
    _assert_stored_documents_are_rebuilt_ones()
    # And a failure while building one post's text leaves it to the writer, not the import.
    SearchDocument.objects.all().delete()
    Article.objects.all().delete()
    monkeypatch.undo()
    calls = []
    real_text = index.document_text

    def fails_once(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise RuntimeError("segmenter failed")
        return real_text(**kwargs)

    monkeypatch.setattr(index, "document_text", fails_once)
    results = list(posts_import(inputs=[write_post.root]))
    assert [result.status for result in results] == ["created"] * len(POSTS)
    assert len(calls) == len(POSTS) + 1  # the failed one built again by the writer
    monkeypatch.undo()
    _assert_stored_documents_are_rebuilt_ones()


def test_a_dry_run_builds_no_search_text(write_post, monkeypatch):
    _write(write_post)
    monkeypatch.setattr(index, "document_text", lambda **kw: pytest.fail("built in a dry run"))
    results = list(posts_import(inputs=[write_post.root], dry_run=True))
    assert [result.status for result in results] == ["created"] * len(POSTS)


def test_names_a_small_import_brings_are_announced_to_every_process(write_post, monkeypatch):
    from django.core.cache import cache

    from articles.search import dictionary

    # Parsed in this process (one batch): its names are in this process's dictionary before the
    # writer sees them, and every other process must still be told to read them.
    dictionary.dictionary_ensure()
    before = cache.get(dictionary.VERSION_KEY)
    write_post(
        "n.md",
        "---\ntitle: 融资快讯\ndate: 2024-03-01\n---\n<p>" + anchor("9301", "鲸跃智联") + "融资。</p>\n",
    )
    [result] = posts_import(inputs=[write_post.root])
    assert result.status == "created"
    assert cache.get(dictionary.VERSION_KEY) != before
