"""Highlighting: the passage of an article that best shows the query, its words in ``<mark>``.

Matching is done on the normalised text (full width, case and Traditional forms folded) and
mapped back to the original characters, so ``iphone`` marks ``iPhone`` and ``視頻`` marks
``视频``. Everything but the ``<mark>`` tags is escaped: the result is safe HTML built with
``format_html`` and ``escape`` on every piece of text, never ``mark_safe`` on text as it is.
"""

from __future__ import annotations

from html import escape as html_escape

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles.search.query import ParsedQuery
from articles.search.text import normalize, normalize_aligned, searched_html
from articles.text import plain_text

PASSAGE_LENGTH = 120
# An article's body is looked at in its first this many characters of HTML first: a long
# article then costs what a short one does; the rest is read only when they hold no match.
BODY_SCAN = 10_000
# How far before that cut the rest is read from when the first part holds no match: enough
# HTML for a passage's lead-in before a match just past the cut.
_OVERLAP = 2_000


def _terms(query: ParsedQuery) -> list[str]:
    # The whole query first (a phrase beats its parts), then each word, longest first.
    terms = [query.text, *query.tokens] if query.text else list(query.tokens)
    return sorted({term for term in terms if term.strip()}, key=len, reverse=True)


def _spans(text: str, query: ParsedQuery) -> list[tuple[int, int]]:
    """Non-overlapping ``(start, end)`` spans of the original ``text`` matching the query."""
    normalised, origins = normalize_aligned(text)
    taken = [False] * len(normalised)
    spans: list[tuple[int, int]] = []
    for term in _terms(query):
        start = normalised.find(term)
        while start != -1:
            end = start + len(term)
            if True not in taken[start:end]:
                taken[start:end] = [True] * (end - start)
                spans.append((origins[start], origins[end - 1] + 1))
            start = normalised.find(term, end)
    return sorted(spans)


def _marked(text: str, spans: list[tuple[int, int]], offset: int = 0) -> SafeString:
    # Every piece of text escaped (``html.escape``, which Django's ``escape`` wraps, without
    # its lazy-string wrapper per piece), the marks around.
    pieces: list[str] = []
    position = offset
    for start, end in spans:
        if start < position:
            continue
        pieces.append(html_escape(text[position:start]))
        pieces.append(f"<mark>{html_escape(text[start:end])}</mark>")
        position = end
    pieces.append(html_escape(text[position:]))
    return mark_safe("".join(pieces))


def highlight(text: str, query: ParsedQuery) -> SafeString:
    """All of ``text`` (a title), escaped, with the query's words marked."""
    return _marked(text, _spans(text, query))


def _densest(spans: list[tuple[int, int]], length: int) -> int:
    """The start of the first span of the ``length``-character stretch that holds the most."""
    best_start, best_count, last = spans[0][0], 0, 0
    for first, (start, _end) in enumerate(spans):
        last = max(last, first)
        while last < len(spans) and spans[last][0] < start + length:
            last += 1
        if last - first > best_count:
            best_start, best_count = start, last - first
    return best_start


def _spans_near_densest(text: str, query: ParsedQuery, length: int) -> list[tuple[int, int]]:
    """The spans of ``text`` around its densest group of matches: found on the folded text
    (folded in C), then aligned on a stretch of a few ``length`` only, so a long body costs
    little more than a short one. All of ``text`` is aligned when the stretch holds none."""
    folded = normalize(text)
    found = []
    for term in _terms(query):
        start = folded.find(term)
        while start != -1:
            found.append((start, start + len(term)))
            start = folded.find(term, start + len(term))
    if not found:
        return []
    found.sort()
    # Folding changes the length of a few characters (``…`` is ``...``): positions are scaled,
    # with that much more margin.
    middle = _densest(found, length) * len(text) // max(len(folded), 1)
    margin = length + abs(len(folded) - len(text))
    low, high = max(0, middle - margin), middle + margin + length
    spans = [(start + low, end + low) for start, end in _spans(text[low:high], query)]
    return spans or _spans(text, query)


def body_passage(html: str, query: ParsedQuery, *, length: int = PASSAGE_LENGTH) -> SafeString:
    """``passage`` of the visible text of an article body ``html``: of its first
    ``BODY_SCAN`` characters when they hold a match, else of the rest (from a little before
    the cut, so a match just past it keeps its context; the first part is not read again),
    else the opening. Code listings are left out, as the index leaves them out
    (``searched_html``)."""
    html = searched_html(html)
    if len(html) <= BODY_SCAN:
        return passage(plain_text(html), query, length=length)
    cut = html.rfind(">", 0, BODY_SCAN) + 1 or BODY_SCAN
    opening = plain_text(html[:cut])
    shown = passage(opening, query, length=length, continued=True)
    if "<mark>" in shown:
        return shown
    # The rest, from a tag boundary ``_OVERLAP`` characters before the cut: every match lies
    # in it (the first part held none), with the lead-in the whole text would give them.
    start = html.rfind(">", 0, max(cut - _OVERLAP, 0)) + 1
    rest = passage(plain_text(html[start:]), query, length=length, preceded=start > 0)
    if "<mark>" in rest:
        return rest
    # Nothing matches: the opening (of the whole text when the first part shows too little).
    return shown if len(opening) >= length else passage(plain_text(html), query, length=length)


def passage(
    text: str,
    query: ParsedQuery,
    *,
    length: int = PASSAGE_LENGTH,
    continued: bool = False,
    preceded: bool = False,
) -> SafeString:
    """About ``length`` characters of ``text`` around the densest group of matches (the
    opening when nothing matches), escaped, with the query's words marked and ``…`` where
    it was cut (``continued``: ``text`` is the beginning of a longer one; ``preceded``: its
    end)."""
    spans = _spans_near_densest(text, query, length)
    if not spans:
        cut = text[:length]
        return format_html("{}{}", cut, "…" if continued or len(text) > length else "")
    best_start = _densest(spans, length)
    start = max(0, min(best_start - length // 4, len(text) - length))
    end = min(len(text), start + length)
    inside = [(s, min(e, end)) for s, e in spans if s >= start and s < end]
    return format_html(
        "{}{}{}",
        "…" if start > 0 or preceded else "",
        _marked(text[:end], inside, offset=start),
        "…" if continued or end < len(text) else "",
    )
