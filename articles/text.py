"""Plain-text helpers for CJK article bodies: excerpts and reading time count characters."""

from __future__ import annotations

import html as html_lib
import math
import re

_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|blockquote|figcaption|tr)>|<br\s*/?>", re.I)
_SPACE = re.compile(r"\s+")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'.][A-Za-z0-9]+)*")

EXCERPT_LENGTH = 140
# Reading speeds: Chinese readers take ~400 characters a minute, Latin text ~200 words.
CJK_CHARS_PER_MINUTE = 400
WORDS_PER_MINUTE = 200


def plain_text(html: str) -> str:
    """Visible text of ``html`` with whitespace collapsed."""
    text = _TAG.sub("", _BLOCK_END.sub(" ", html))
    return _SPACE.sub(" ", html_lib.unescape(text)).strip()


def truncate_chars(text: str, length: int = EXCERPT_LENGTH) -> str:
    """Cut ``text`` to ``length`` characters (not words: CJK has no spaces), adding an ellipsis."""
    if len(text) <= length:
        return text
    return text[: length - 1].rstrip() + "…"


def excerpt_from_html(html: str, length: int = EXCERPT_LENGTH) -> str:
    return truncate_chars(plain_text(html), length)


def character_count(html: str) -> int:
    """Length of ``html``'s text as Chinese readers count it: each CJK character is one,
    each Latin word or number is one."""
    text = plain_text(html)
    return len(_CJK_CHAR.findall(text)) + len(_LATIN_WORD.findall(_CJK_CHAR.sub(" ", text)))


def reading_minutes(html: str) -> int:
    """Minutes to read ``html``: CJK characters and Latin words counted separately."""
    text = plain_text(html)
    cjk = len(_CJK_CHAR.findall(text))
    words = len(_LATIN_WORD.findall(_CJK_CHAR.sub(" ", text)))
    minutes = cjk / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE
    return max(1, math.ceil(minutes))
