"""The weighted ``tsvector`` of a search document, built in Python as PostgreSQL would build it.

PostgreSQL's ``to_tsvector`` over a document's segmented text (parsing every token, looking
each up in the ``simple`` dictionary, then merging the weighted parts with ``||``) was the
largest cost of a rebuild. The tokens are already words (``articles.search.text``: runs of
letters and digits between single spaces), so the same value is built here and written as
``tsvector`` input text, which PostgreSQL only has to read.

``tsvector_text`` reproduces exactly, for tokens it can vouch for, what this expression gives:

    setweight(to_tsvector('simple', title), 'A')
    || setweight(to_tsvector('simple', summary || ' ' || projects), 'B')
    || setweight(to_tsvector('simple', body), 'C')
    || setweight(to_tsvector('simple', characters), 'D')

- ``to_tsvector``: each token takes the next position (capped at 16,383); a token of 2,048
  bytes or more is dropped without taking one; the ``simple`` dictionary lower-cases it (our
  tokens are already case-folded); a lexeme keeps its first 255 distinct positions, none after
  16,383.
- ``a || b``: ``b``'s positions are shifted by the largest position of ``a`` (capped at
  16,383), a lexeme of both keeps ``a``'s then ``b``'s, at most 256, none after 16,383.

PostgreSQL's parser reads a token as one word only when it calls each of its characters a
letter or a digit, and reads digits, ``e`` and digits followed by more as a number then a word
(``1e5x``). ``tsvector_text`` vouches only for tokens of ASCII letters and digits, CJK
ideographs, kana and hangul that are not such numbers (every character of those ranges is
checked against PostgreSQL in ``tests/articles/search/test_tsvector.py``), and answers
``None`` for a document holding any other token (``café``): PostgreSQL then computes its
``tsvector`` from the same columns, so the value is the same either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

_MAX_POSITION = 16383  # MAXENTRYPOS - 1
_MAX_TOKEN_BYTES = 2048  # MAXSTRLEN: longer tokens are dropped
_POSITIONS_PARSED = 255  # MAXNUMPOS - 1: positions of a lexeme from to_tsvector
_POSITIONS_MERGED = 256  # MAXNUMPOS: positions of a lexeme after ||

# Tokens PostgreSQL's default parser reads as one word whose ``simple`` lexeme is the token:
# runs of ASCII letters and digits, CJK ideographs, kana and hangul (``_LETTERS``), except
# digits, ``e`` and digits followed by more (``1e5x`` is a number and a word to its parser).
_LETTERS = "a-z0-9\u3041-\u3096\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufa6d"
_SAFE = re.compile(rf"[{_LETTERS}]+")
_SCIENTIFIC = re.compile(r"[0-9]+e[0-9]+[^0-9]")
# The same tests over a whole document at once: a character outside them; such a number
# (looked for only where a quicker, looser test finds one).
_OUTSIDE = re.compile(rf"[^{_LETTERS} ]")
_MAYBE_SCIENTIFIC = re.compile(r"[0-9]e[0-9]+[^0-9 ]")
_SCIENTIFIC_TOKEN = re.compile(r"(?<![^ ])[0-9]+e[0-9]+[^0-9 ]")
# A token that may be 2,048 bytes long (683 characters of three bytes), and such a token in a
# document (whose characters are letters and spaces only, once ``_OUTSIDE`` found no other).
_LONG_TOKEN = 683
_LONG_TOKEN_IN = re.compile(f"(?<![^ ])[^ ]{{{_LONG_TOKEN}}}")


def _parsed(tokens: list[str]) -> dict[str, list[int]] | None:
    """``to_tsvector('simple', ' '.join(tokens))`` as lexeme -> positions, or None when a
    token is not one ``tsvector_text`` vouches for."""
    lexemes: dict[str, list[int]] = {}
    position = 0
    safe, scientific = _SAFE.fullmatch, _SCIENTIFIC.match
    for token in tokens:
        if not safe(token) or (token[0] <= "9" and scientific(token)):
            return None
        if len(token) * 3 >= _MAX_TOKEN_BYTES and len(token.encode()) >= _MAX_TOKEN_BYTES:
            continue
        position += 1
        at = position if position < _MAX_POSITION else _MAX_POSITION
        positions = lexemes.get(token)
        if positions is None:
            lexemes[token] = [at]
        elif len(positions) < _POSITIONS_PARSED and positions[-1] != _MAX_POSITION and positions[-1] != at:
            positions.append(at)
    return lexemes


@cache
def _labels(weight: str) -> list[str]:
    """``"<position><weight>"`` for every position (index 0 unused): a part's labels are then
    one slice."""
    return [f"{position}{weight}" for position in range(_MAX_POSITION + 1)]


def tsvector_text(parts: Sequence[tuple[str, str]]) -> str | None:
    """The text of the ``tsvector`` of ``parts``, each ``(space-separated tokens, weight)`` in
    the order they are concatenated (weights ``A`` to ``D``), as PostgreSQL would compute it
    (module docstring); None when PostgreSQL must compute it (a token this cannot vouch for).

    One pass over the tokens groups each lexeme's positions (labels such as ``12C`` sliced
    from a table, so a body of a thousand tokens takes a few tenths of a millisecond), then a
    lexeme's occurrences past its limits (255 in a part, 256 in all) are left out. A document
    with more tokens than the largest position, a token of 683 characters or more, or a
    left-out occurrence that was the last of its part (it would move the next part's
    positions) takes the exact, slower way (``_tsvector_capped``). The text is checked by
    regular expressions over all of it at once."""
    joined = " ".join([tokens for tokens, _weight in parts])
    if _OUTSIDE.search(joined) or (_MAYBE_SCIENTIFIC.search(joined) and _SCIENTIFIC_TOKEN.search(joined)):
        return None
    if _LONG_TOKEN_IN.search(joined):
        return _tsvector_capped(parts)
    split_parts = [(split, weight) for tokens, weight in parts if (split := tokens.split())]
    grouped: dict[str, list[str]] = {}
    lexeme_labels = grouped.get
    ends: dict[str, str] = {}  # each part's weight -> the label of its last token
    shift = 0
    for split, weight in split_parts:
        if shift + len(split) >= _MAX_POSITION:
            return _tsvector_capped(parts)
        labels = _labels(weight)[shift + 1 : shift + 1 + len(split)]
        for token, label in zip(split, labels, strict=True):
            # Most tokens repeat an earlier one (two in three in a body): found, no list made.
            entry = lexeme_labels(token)
            if entry is None:
                grouped[token] = [label]
            else:
                entry.append(label)
        # The next part is shifted by the largest position so far (``||``'s ``maxpos``).
        shift += len(split)
        ends[weight] = labels[-1]
    for lexeme, labels in grouped.items():
        if len(labels) > _POSITIONS_PARSED:
            kept = _kept(labels)
            if set(labels).difference(kept).intersection(ends.values()):
                return _tsvector_capped(parts)
            grouped[lexeme] = kept
    return " ".join([f"'{lexeme}':{','.join(labels)}" for lexeme, labels in grouped.items()])


def _kept(labels: list[str]) -> list[str]:
    """A lexeme's labels (``12C``, in order) that PostgreSQL keeps: the first 255 of each part
    (weight), then the first 256 of all."""
    kept: list[str] = []
    in_part: dict[str, int] = {}
    for label in labels:
        weight = label[-1]
        if in_part.get(weight, 0) < _POSITIONS_PARSED:
            in_part[weight] = in_part.get(weight, 0) + 1
            kept.append(label)
    return kept[:_POSITIONS_MERGED]


def _tsvector_capped(parts: Sequence[tuple[str, str]]) -> str | None:
    """``tsvector_text`` of any document, positions capped as PostgreSQL caps them."""
    merged: dict[str, list[tuple[int, str]]] = {}
    shift = 0
    for tokens, weight in parts:
        lexemes = _parsed(tokens.split())
        if lexemes is None:
            return None
        largest = 0
        for lexeme, positions in lexemes.items():
            if positions[-1] > largest:
                largest = positions[-1]
            entry = merged.get(lexeme)
            if entry is None:
                merged[lexeme] = entry = []
            for position in positions:
                if len(entry) >= _POSITIONS_MERGED or (entry and entry[-1][0] == _MAX_POSITION):
                    break
                shifted = position + shift
                entry.append((shifted if shifted < _MAX_POSITION else _MAX_POSITION, weight))
        # The next part is shifted by the largest position so far (``||``'s ``maxpos``).
        shift = max((entry[-1][0] for entry in merged.values()), default=0) if largest else shift
    return " ".join(
        f"'{_quoted(lexeme)}':" + ",".join(f"{position}{weight}" for position, weight in entry)
        for lexeme, entry in merged.items()
    )


def _quoted(lexeme: str) -> str:
    return lexeme.replace("\\", "\\\\").replace("'", "''")
