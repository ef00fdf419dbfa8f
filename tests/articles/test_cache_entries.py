"""Cache entries (``articles.caching.store``): one round trip for an entry whose keys this
process knows, freshness exactly as with two, and entries that pickle cheaply."""

from __future__ import annotations

import pickle

import pytest
from django.core.cache import cache

from articles.caching import store
from articles.caching.invalidation import keys_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads(monkeypatch) -> list[list[str]]:
    """The names of every ``cache.get_many`` call from now on."""
    seen: list[list[str]] = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda names: seen.append(list(names)) or real_get_many(names))
    return seen


def _store(name: str, keys: tuple[str, ...], value: object = "html") -> store.Entry:
    entry = store.Entry(value=value, seq=store.snapshot(), keys=keys)
    store.entries_set({name: entry}, timeout=60)
    return entry


def test_an_entry_whose_keys_this_process_knows_is_read_in_one_round_trip(reads):
    entry = _store("fragment:a", ("article-1", "author-2"))
    reads.clear()
    assert store.entries_get(["fragment:a"]) == {"fragment:a": entry}
    assert len(reads) == 1
    assert {"fragment:a", store.record_name("article-1"), store.record_name("author-2")} <= set(reads[0])


def test_an_entry_read_in_one_round_trip_is_stale_once_one_of_its_keys_is_purged():
    _store("fragment:a", ("article-1", "author-2"))
    _store("fragment:b", ("article-3",))
    keys_changed(["author-2"])
    assert set(store.entries_get(["fragment:a", "fragment:b"])) == {"fragment:b"}


def test_keys_this_process_did_not_expect_are_read_in_a_second_round_trip(reads):
    _store("fragment:a", ("article-1",))
    store._known_keys.clear()  # as another process that never saw it
    reads.clear()
    assert set(store.entries_get(["fragment:a"])) == {"fragment:a"}
    assert len(reads) == 2 and store.record_name("article-1") in reads[1]
    keys_changed(["article-1"])
    assert store.entries_get(["fragment:a"]) == {}


def test_an_entry_made_from_other_keys_than_remembered_is_checked_against_its_own():
    _store("fragment:a", ("article-1",))
    assert store.entries_get(["fragment:a"])  # remembered: article-1
    other = store.Entry(value="new", seq=store.snapshot(), keys=("article-9",))
    cache.set("fragment:a", other, 60)  # stored by another process, from other keys
    store.stamp(other.keys, other.seq)
    assert store.entries_get(["fragment:a"]) == {"fragment:a": other}
    keys_changed(["article-9"])
    assert store.entries_get(["fragment:a"]) == {}


def test_what_this_process_remembers_is_bounded(monkeypatch):
    monkeypatch.setattr(store, "KNOWN_NAMES", 3)
    for index in range(5):
        _store(f"fragment:{index}", (f"article-{index}",))
    assert list(store._known_keys) == ["fragment:2", "fragment:3", "fragment:4"]
    assert set(store.entries_get([f"fragment:{index}" for index in range(5)])) == {
        f"fragment:{index}" for index in range(5)
    }


def test_entries_pickle_to_their_constructor_and_old_pickles_still_load():
    entry = store.Entry(value="<p>卡片</p>", seq=7, keys=("article-1",), expires=12.5)
    assert pickle.loads(pickle.dumps(entry)) == entry  # noqa: S301 (bytes made here)
    # As pickled before Entry had __reduce__ (the dataclass state: a list of slot values).
    old = (
        b"\x80\x04\x959\x00\x00\x00\x00\x00\x00\x00\x8c\x16articles.caching.store\x94\x8c\x05Entry"
        b"\x94\x93\x94)\x81\x94]\x94(\x8c\x01x\x94K\x01\x8c\x01a\x94\x85\x94Neb."
    )
    assert pickle.loads(old) == store.Entry(value="x", seq=1, keys=("a",))  # noqa: S301 (a literal)
