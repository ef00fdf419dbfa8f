"""Text as the search engine sees it: normalised, then segmented by jieba.

Normalisation (``normalize``) makes equal what readers consider equal: NFKC folds full-width
forms to half-width (``ＡＩ芯片`` is ``AI芯片``), ``casefold`` folds case (``iPhone`` is
``iphone``), and OpenCC's ``t2s`` turns Traditional Chinese into Simplified (``視頻會議`` is
``视频会议``). Control characters and lone surrogates become spaces.

Segmentation uses jieba's dictionary and algorithm through ``rjieba`` (the jieba-rs binding:
the same cuts as jieba 0.42.1 on the corpus, 35 times faster), without the HMM guesses for
unknown words, so the same text is cut the same way whatever surrounds it: documents in search
mode (every word and the dictionary words inside longer ones: ``视频会议`` gives ``视频``,
``会议`` and ``视频会议``), queries in precise mode. Names
from the user dictionary (``articles.search.dictionary``) are single words. Everything but
letters, digits and spaces separates tokens (both sides; ``_words``), so tokens are runs of
letters and digits and both PostgreSQL's parser and SQLite's FTS5 tokenizer see exactly the
tokens made here.

Of an article's body, search reads its prose: code listings are left out (``searched_html``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

import opencc
import rjieba

_UNWANTED = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")
_SPACES = re.compile(r"\s+")
# What separates tokens: runs of everything but letters and digits (``_`` too).
_SEPARATORS = re.compile(r"[\W_]+")
_NOT_CJK = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


class _Tokenizer:
    """jieba's cuts (``rjieba``), with the user dictionary of this process."""

    def __init__(self) -> None:
        self._jieba = rjieba.Jieba()

    def add_word(self, word: str) -> None:
        # No frequency: jieba suggests one high enough that the word is always cut whole.
        self._jieba.add_word(word, None, None)
        # Cuts remembered before may now be cut otherwise.
        index_names.cache_clear()

    def cut_for_search(self, text: str) -> list[str]:
        return self._jieba.cut_for_search(text, False)

    def cut(self, text: str) -> list[str]:
        return self._jieba.cut(text, False)


tokenizer = _Tokenizer()


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _compatibility() -> tuple[re.Pattern, dict[str, str]]:
    """The characters of the Basic Multilingual Plane that NFKC changes, as a pattern, and
    each one's NFKD form (made once per process, in about 0.1 s)."""
    decomposed: dict[str, str] = {}
    for code in range(0x80, 0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        if unicodedata.normalize("NFKC", char) != char:
            decomposed[char] = unicodedata.normalize("NFKD", char)
    return re.compile("[" + "".join(map(re.escape, decomposed)) + "]"), decomposed


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster on Chinese text. Its full-width
    punctuation makes the whole text go through NFKC's decomposition and composition, ten
    times slower than scanning it: each character NFKC would change is first replaced by its
    own NFKD form (NFKD maps each character on its own, so the NFKC of the result is the same),
    after which NFKC usually finds the text already normalised and returns it as it is."""
    pattern, decomposed = _compatibility()
    for char in set(pattern.findall(text)):
        text = text.replace(char, decomposed[char])
    return unicodedata.normalize("NFKC", text)


def tables_load() -> None:
    """Build this process's tables for folding and cutting now (NFKC's, OpenCC's, the
    characters jieba takes into a run): processes forked afterwards share them instead of
    each building its own (about 0.15 s each)."""
    normalize("")
    _odd_in_runs()


def normalize(text: str) -> str:
    """``text`` folded for matching: NFKC, case-folded, Simplified; control characters and
    lone surrogates replaced by spaces."""
    text = _UNWANTED.sub(" ", text)
    text = _nfkc(text).casefold()
    return _converter().convert(text)


# Each character's fold (control characters and lone surrogates as spaces, NFKC, case folded)
# where it is not the character itself, for ``str.translate``; and every character whose fold
# is known. Both grow with the characters seen (a few thousand in a newsroom's archive).
_FOLDS: dict[int, str] = {}
_FOLDED: set[str] = set()


def _fold_character(char: str) -> str:
    return unicodedata.normalize("NFKC", _UNWANTED.sub(" ", char)).casefold()


def _folds_learn(chars: set[str]) -> None:
    for char in chars - _FOLDED:
        folded = _fold_character(char)
        if folded != char:
            _FOLDS[ord(char)] = folded
        _FOLDED.add(char)


def normalize_aligned(text: str) -> tuple[str, Sequence[int]]:
    """``normalize(text)`` and, for each of its characters, the index in ``text`` it came from
    (for highlighting the original text).

    Converted to Simplified first, then folded character by character; done in C over the
    whole text (``str.translate``), with only the characters whose fold is longer or shorter
    than one character (``…``, ``ﬁ``, ``①``) mapped one by one: a long body is cheap.
    """
    converted = _converter().convert(text)
    if len(converted) != len(text):
        return _normalize_aligned_by_character(text)
    chars = set(converted)
    _folds_learn(chars)
    normalised = converted.translate(_FOLDS)
    if len(normalised) == len(text):
        return normalised, range(len(text))
    uneven = [char for char in chars if len(_FOLDS.get(ord(char), char)) != 1]
    origins: list[int] = []
    done = 0
    for found in re.finditer(f"[{''.join(map(re.escape, uneven))}]", converted):
        index = found.start()
        origins.extend(range(done, index))
        origins.extend([index] * len(_FOLDS[ord(converted[index])]))
        done = index + 1
    origins.extend(range(done, len(text)))
    return normalised, origins


def _normalize_aligned_by_character(text: str) -> tuple[str, list[int]]:
    # OpenCC changed the text's length (a phrase converted to one of another length): each
    # character is converted on its own.
    pieces: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        folded = _converter().convert(_fold_character(char))
        pieces.append(folded)
        origins.extend([index] * len(folded))
    return "".join(pieces), origins


# An opening or closing ``<pre>`` tag of a cleaned body (the allowlist writes tag names in
# lower case, and may nest one ``<pre>`` in another).
_PRE_TAG = re.compile(r"<(/?)pre\b[^>]*>")


def searched_html(body_html: str) -> str:
    """The part of a cleaned article body that search reads: all of it but its code listings
    (``<pre>`` blocks, each made a space), so neither the index nor the results' passages hold
    code. A newsroom's readers search its prose; a listing's identifiers, keywords and numbers
    (``return``, ``data``, ``0``) would make such queries find listing after listing; inline
    ``<code>`` in a sentence stays (it is prose)."""
    if "<pre" not in body_html:
        return body_html
    pieces: list[str] = []
    depth = kept_from = opened_at = 0
    for tag in _PRE_TAG.finditer(body_html):
        if not tag.group(1):
            if depth == 0:
                opened_at = tag.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                pieces.append(body_html[kept_from:opened_at])
                pieces.append(" ")
                kept_from = tag.end()
    # A ``<pre`` never closed is no listing: the allowlist closes every element, so it is
    # text inside an attribute (``alt="a<pre>b"``: cleaned bodies keep ``<`` in attributes),
    # and what follows it stays.
    pieces.append(body_html[kept_from:])
    return "".join(pieces)


def _spaced(text: str) -> str:
    """``text`` with each run of separators made one space, stripped: what is left are the
    characters tokens are made of (``node.js`` is ``node js``, ``C++`` is ``c``)."""
    return _SEPARATORS.sub(" ", text).strip()


# jieba cuts each run of the characters it calls Chinese (the CJK ideograph blocks, ASCII
# letters and digits, and these seven) by its dictionary, and yields every other character as
# a token of its own (a run of whitespace as one). These seven are separators here: as spaces,
# no run and no dictionary word holds one.
_RUN_PUNCTUATION = "+#&._%-"


@lru_cache(maxsize=1)
def _odd_in_runs() -> re.Pattern:
    """What may make jieba take a separator into a run: a code point of its CJK blocks that is
    not a letter (left unassigned), or any character outside the Basic Multilingual Plane,
    where its other blocks lie (an emoji too: such a text is cut by the full rule)."""
    blocks = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]
    odd = [chr(code) for low, high in blocks for code in range(low, high + 1) if not chr(code).isalnum()]
    return re.compile("[" + "".join(odd) + "\U00010000-\U0010ffff]")


def _words(text: str, segment: Callable[[str], list[str]]) -> Iterator[str]:
    """The tokens of normalised ``text`` as ``segment`` (one of jieba's modes) makes them of
    ``_spaced(text)``: runs of letters and digits, no separator. Cut as it is (no pass of a
    regular expression over every character), with jieba's run punctuation made spaces, the
    runs jieba cuts are the same and so are its words; the separators it yields one by one are
    left out. A text holding a character that could join a run is cut as ``_spaced`` makes it."""
    for char in _RUN_PUNCTUATION:
        text = text.replace(char, " ")
    if _odd_in_runs().search(text):
        text = _spaced(text)
    return filter(str.isalnum, segment(text))


def index_text(text: str) -> str:
    """Search-mode tokens of already normalised ``text``, in order, joined by single spaces."""
    return " ".join(_words(text, tokenizer.cut_for_search))


@lru_cache(maxsize=4096)
def normalize_names(text: str) -> str:
    """``normalize(text)``, remembered: for names and lists of names, which repeat from article
    to article (an import normalises each author's name once, not once per post)."""
    return normalize(text)


@lru_cache(maxsize=4096)
def index_names(text: str) -> str:
    """``index_text(text)``, remembered until the dictionary changes: for normalised names and
    lists of names, which repeat from article to article."""
    return index_text(text)


def index_tokens(text: str) -> list[str]:
    """Search-mode tokens of already normalised ``text``, in order."""
    return index_text(text).split()


def query_tokens(text: str) -> list[str]:
    """Precise-mode tokens of already normalised ``text``, in order, without repeats."""
    return list(dict.fromkeys(_words(text, tokenizer.cut)))


def single_characters(text: str) -> str:
    """The distinct CJK characters of normalised ``text``, space-separated: one-character
    queries find them (ranked lowest)."""
    # The CJK runs first (one regular expression at C speed), then each character once.
    return " ".join(dict.fromkeys(_NOT_CJK.sub("", text)))


def collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()
