"""The user dictionary: names of projects, authors, categories and tags are single words.

Every process keeps jieba's dictionary current by a version stored in the cache (shared by
every process when the cache is Redis): a change to a name bumps it (``dictionary_changed``,
called by the signal handlers and by the indexer), and the next segmentation in any process
whose loaded version differs reads all names again (four queries) and adds them. Names are
normalised as text is (``articles.search.text.normalize``), so ``36Kr``, ``36kr`` and
``３６ｋｒ`` are one word.

A name that is removed stays a word in processes that loaded it until they restart: harmless,
it only keeps a name whole.

Names of ASCII letters and digits only (``Cat``, ``Spring``, ``k8s``) are left out: jieba keeps
a run of letters and digits whole by itself (no run of the corpus is cut by its own dictionary),
but a word in the dictionary is cut out of any longer run holding it (a tag ``Cat`` made
``concatenate`` ``con cat enate`` and ``location`` ``lo cat ion``), so the same text was cut
differently before and after the tag existed, and ``cat`` found ``concatenate``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from django.core.cache import cache

from articles.search.text import normalize_names, tokenizer

VERSION_KEY = "articles:search:dictionary"
# Long enough to hold any real name, short enough that a sentence used as a tag stays text.
MAX_WORD_LENGTH = 20
# A run jieba keeps whole without help (see the module's docstring).
_WHOLE_ALREADY = re.compile(r"[a-z0-9]+", re.ASCII)

_loaded: dict[str, object] = {"version": None}
_words: set[str] = set()
# Every name looked at, word or not: an import offers each article's names, mostly known.
_names_seen: set[str] = set()


def words_add(names: Iterable[str]) -> bool:
    """Make each of ``names`` a single word in this process. True if any was new."""
    added = False
    for name in names:
        if name in _names_seen:
            continue
        _names_seen.add(name)
        word = normalize_names(name).strip()
        if (
            not word
            or len(word) > MAX_WORD_LENGTH
            or any(char.isspace() for char in word)
            or _WHOLE_ALREADY.fullmatch(word)
        ):
            continue
        if word not in _words:
            _words.add(word)
            tokenizer.add_word(word)
            added = True
    return added


def dictionary_names() -> list[str]:
    """Every name that belongs in the dictionary (four queries)."""
    from articles.models import Author, Category, Project, Tag

    names: list[str] = []
    for model in (Project, Author, Category, Tag):
        names.extend(model.objects.values_list("name", flat=True))
    return names


def dictionary_changed(*, learned_here: bool = False) -> None:
    """Tell every process to read the names again before it next segments text.

    ``learned_here``: this process has just added the new words itself (the indexer, right
    after ``dictionary_ensure``), so it need not read them back.
    """
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, timeout=None)
    if learned_here:
        _loaded["version"] = version


def dictionary_ensure() -> None:
    """Load the names if this process has not seen the current version (one cache read)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    if version == _loaded["version"]:
        return
    words_add(dictionary_names())
    _loaded["version"] = version
