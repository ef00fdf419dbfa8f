"""Inline content as the editor's model holds it: text and inline objects (``img``, ``br``),
each with a set of marks (``strong``, ``a`` ...), and whitespace read and written the way
CKEditor 5's ``DomConverter`` does."""

from __future__ import annotations

import re
from functools import lru_cache

from articles.canonical.tree import NBSP, VOID_TAGS, Element, Node, Text

_COLLAPSIBLE = re.compile(r"[ \n\t\r]+")
# JavaScript's \s without the no-break space: what CKEditor counts as "ends with a space".
JS_SPACE = frozenset(" \t\n\v\f\r\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)


Mark = tuple[str, tuple[tuple[str, str], ...]]


class _Item:
    """One piece of inline content: text, or an inline object (``img``, ``br``), with its marks."""

    __slots__ = ("element", "is_br", "is_text", "marks", "text")

    def __init__(self, *, marks: tuple[Mark, ...], text: str | None = None, element: Element | None = None):
        self.marks = marks
        self.text = text  # rewritten as whitespace is read, never to None
        self.element = element
        self.is_text = text is not None
        self.is_br = element is not None and element.tag == "br"


def _mark_identity(mark: Mark) -> str:
    # CKEditor's ViewElement#getIdentity(): equal-priority elements nest by it.
    tag, attrs = mark
    values = dict(attrs)
    classes = ",".join(sorted(values.pop("class", "").split()))
    rest = " ".join(sorted(f'{name}="{value}"' for name, value in values.items()))
    return tag + (f' class="{classes}"' if classes else "") + (f" {rest}" if rest else "")


@lru_cache(maxsize=4096)  # a pure function of a small value; a body repeats its marks
def _mark_key(mark: Mark) -> tuple[int, str]:
    # Links have priority 5, every other inline element 10: links are outermost.
    return (0 if mark[0] == "a" else 1, _mark_identity(mark))


def _with_mark(marks: tuple[Mark, ...], element: Element) -> tuple[Mark, ...]:
    attrs = dict(element.attrs)
    for index, (tag, existing) in enumerate(marks):
        if tag == element.tag:  # nested equal elements are one attribute; the inner values win
            merged = {**dict(existing), **attrs}
            return (*marks[:index], (tag, tuple(sorted(merged.items()))), *marks[index + 1 :])
    return (*marks, (element.tag, tuple(sorted(attrs.items()))))


def _flatten(nodes: list[Node], marks: tuple[Mark, ...], items: list[_Item]) -> None:
    for node in nodes:
        if isinstance(node, Text):
            items.append(_Item(marks=marks, text=node.data))
        elif node.tag == "br":  # a soft break carries no formatting of its own
            items.append(_Item(marks=(), element=node))
        elif node.tag in VOID_TAGS:
            items.append(_Item(marks=marks, element=node))
        else:
            _flatten(node.children, _with_mark(marks, node), items)


def _read_whitespace(items: list[_Item]) -> list[_Item]:
    """Whitespace of DOM text as the editor reads it (DomConverter#_processDomInlineNodes)."""
    kept: list[_Item] = []
    prev_ends_with_space = True
    for index, item in enumerate(items):
        if not item.is_text:
            kept.append(item)
            prev_ends_with_space = False
            continue
        data = _COLLAPSIBLE.sub(" ", item.text)
        ends_with_space = bool(data) and data[-1] in JS_SPACE
        prev = kept[-1] if kept else None
        following = items[index + 1] if index + 1 < len(items) else None
        left_trim = prev is None or prev.is_br or prev_ends_with_space
        if left_trim and data.startswith(" "):
            data = data[1:]
        if following is None and data.endswith(" "):
            data = data[:-1]
        data = data.replace(" " + NBSP, "  ")
        next_is_object = following is not None and not following.is_text and not following.is_br
        next_starts_with_space = following is not None and following.is_text and following.text[:1] == " "
        if data.endswith(NBSP) and (
            data[-2:-1] in (" ", NBSP) or following is None or next_is_object or next_starts_with_space
        ):
            data = data[:-1] + " "
        if data.startswith(NBSP) and (
            left_trim or (prev is not None and not prev.is_text and not prev.is_br)
        ):
            data = " " + data[1:]
        prev_ends_with_space = ends_with_space
        if data:
            item.text = data
            kept.append(item)
    return kept


def _merge_texts(items: list[_Item]) -> list[_Item]:
    merged: list[_Item] = []
    for item in items:
        last = merged[-1] if merged else None
        if last is not None and last.is_text and item.is_text and sorted(last.marks) == sorted(item.marks):
            last.text += item.text
        else:
            merged.append(item)
    return merged


def _write_whitespace(items: list[_Item]) -> list[str | None]:
    """Text as the editor writes it (DomConverter#_processDataFromViewText); None for objects.

    Left to right: whether a text starts with a no-break space depends on how the text before
    it was written, which is already known."""
    texts: list[str | None] = []
    last = len(items) - 1
    for index, item in enumerate(items):
        data = item.text
        if data is None:
            texts.append(None)
            continue
        if data.startswith(" "):
            # The item before, unless it is a <br> (a line's start): the text it was written as.
            prev = items[index - 1] if index > 0 and not items[index - 1].is_br else None
            prev_ends_with_space = prev is not None and prev.is_text and texts[index - 1].endswith(" ")
            if prev is None or prev_ends_with_space:
                data = NBSP + data[1:]
        if data.endswith(" "):
            following = items[index + 1] if index < last and not items[index + 1].is_br else None
            next_starts_with_space = following is not None and following.is_text and following.text[:1] == " "
            if data[-2:-1] == " " or following is None or next_starts_with_space:
                data = data[:-1] + NBSP
        texts.append(data.replace("  ", " " + NBSP))
    return texts


def _rebuild(items: list[_Item], texts: list[str | None]) -> list[Node]:
    """Nest marks around the items: links outermost, the rest in name order, equal runs merged."""
    nodes: list[Node] = []
    stack: list[tuple[Mark, Element]] = []
    for item, text in zip(items, texts, strict=True):
        marks = sorted(item.marks, key=_mark_key)
        common = 0
        while common < len(stack) and common < len(marks) and stack[common][0] == marks[common]:
            common += 1
        del stack[common:]
        for mark in marks[common:]:
            element = Element(mark[0], dict(mark[1]))
            (stack[-1][1].children if stack else nodes).append(element)
            stack.append((mark, element))
        node: Node = Text(text) if text is not None else item.element  # type: ignore[assignment]
        (stack[-1][1].children if stack else nodes).append(node)
    return nodes


def _lone_text(data: str) -> str:
    """What ``normalize_inline`` makes of a block holding one text and nothing else (most
    paragraphs, items and cells): ``_read_whitespace`` then ``_write_whitespace`` of a single
    item with no neighbour, step for step, without the items (a test holds the two equal)."""
    data = _COLLAPSIBLE.sub(" ", data)
    if data.startswith(" "):
        data = data[1:]
    if data.endswith(" "):
        data = data[:-1]
    data = data.replace(" " + NBSP, "  ")
    if data.endswith(NBSP):
        data = data[:-1] + " "
    if data.startswith(NBSP):
        data = " " + data[1:]
    if not data:
        return ""
    if data.startswith(" "):
        data = NBSP + data[1:]
    if data.endswith(" "):
        data = data[:-1] + NBSP
    return data.replace("  ", " " + NBSP)


def normalize_inline(block: Element) -> bool:
    """Rewrite ``block``'s inline content in canonical form. True when nothing is left."""
    children = block.children
    if len(children) == 1 and isinstance(children[0], Text):
        text = _lone_text(children[0].data)
        block.children = [Text(text)] if text else []
        return not text
    items: list[_Item] = []
    _flatten(block.children, (), items)
    read = _read_whitespace(items)
    items = _merge_texts(read)
    texts = _write_whitespace(items)
    while len(items) < len(read):
        # Texts read apart (nested or adjacent equal marks) are now one: the next reading
        # reads them as one, and may read their seam otherwise (``&nbsp;`` + ``&nbsp;`` is
        # written ``&nbsp;&nbsp;``, read back as two spaces). Read as written again, until
        # nothing merges (each round has fewer items): the form every later reading keeps.
        for item, text in zip(items, texts, strict=True):
            if text is not None:
                item.text = text
        read = _read_whitespace(items)
        items = _merge_texts(read)
        texts = _write_whitespace(items)
    if items and items[-1].is_br:  # a block ending in <br> gets a filler so the line shows
        items.append(_Item(marks=(), text=NBSP))
        texts.append(NBSP)
    block.children = _rebuild(items, texts)
    return not items
