"""Writing many rows (an import, a search rebuild) runs with the connection set for it, and
leaves the connection as it found it, however the work ends."""

from __future__ import annotations

import pytest
from django.db import connection

from articles.search import index
from articles.services import bulk_writes
from articles.services.importing import pipeline, posts_import
from tests.factories import ArticleFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's connection settings"),
]
BULK = bulk_writes.SQLITE_BULK_PRAGMAS


def settings_now() -> dict[str, int | None]:
    values = {}
    with connection.cursor() as cursor:
        for name in BULK:
            cursor.execute(f"PRAGMA {name}")
            row = cursor.fetchone()
            values[name] = None if row is None else row[0]  # mmap_size: none in memory
    return values


def test_the_block_runs_with_the_bulk_settings_and_gives_the_old_ones_back_after_an_error():
    before = settings_now()
    assert before["cache_size"] != BULK["cache_size"]
    assert before["wal_autocheckpoint"] != BULK["wal_autocheckpoint"]
    with pytest.raises(ZeroDivisionError), bulk_writes.bulk_writes():
        assert settings_now()["cache_size"] == BULK["cache_size"]
        assert settings_now()["wal_autocheckpoint"] == BULK["wal_autocheckpoint"]
        1 / 0  # noqa: B018
    assert settings_now() == before


def test_an_import_writes_its_batches_with_the_bulk_settings(tmp_path, monkeypatch):
    seen = []
    write = pipeline.posts_write

    def posts_write(**arguments):
        seen.append(settings_now()["wal_autocheckpoint"])
        return write(**arguments)

    monkeypatch.setattr(pipeline, "posts_write", posts_write)
    for number in range(3):
        (tmp_path / f"post-{number}.md").write_text(
            f"---\ntitle: 第{number}篇\ndate: 2022-05-01 10:00:00\n---\n正文。\n", encoding="utf-8"
        )
    before = settings_now()
    results = list(posts_import(inputs=[tmp_path], batch_size=1))
    assert [result.status for result in results] == ["created"] * 3
    assert seen == [BULK["wal_autocheckpoint"]] * 3
    assert settings_now() == before


def test_a_search_rebuild_stores_its_batches_with_the_bulk_settings(monkeypatch):
    ArticleFactory.create_batch(3)
    seen = []
    store = index._store_unless_changed

    def store_seeing(*arguments):
        seen.append(settings_now()["cache_size"])
        return store(*arguments)

    monkeypatch.setattr(index, "_store_unless_changed", store_seeing)
    before = settings_now()
    assert index.documents_rebuild(batch_size=2) == 3
    assert seen == [BULK["cache_size"]] * 2
    assert settings_now() == before
