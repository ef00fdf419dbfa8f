"""The canonical form of article HTML: the form CKEditor 5 writes.

``articles.sanitize.clean_html`` ends with ``html_canonicalize`` so that a stored body is already
in the shape the admin's editor gives back. An editor who opens an article and saves it without
changes then stores the very same bytes: no anchor, attribute or paragraph moves.

What CKEditor 5 (with General HTML Support configured from the cleaner's allowlist, see
``articles.editor``) does to HTML on load and ``getData()``, and so what this module does:

* whitespace as the engine's ``DomConverter`` treats it: runs of ``[ \\t\\n\\r]`` collapse to one
  space, spaces at block edges and after a space or ``<br>`` go, and the spaces that must stay
  visible are written as ``&nbsp;`` (a block ending in ``<br>`` gets one as a filler);
* text outside any block, and text beside blocks inside a container (``div``, ``li``, ``td``,
  ``blockquote`` ...), is wrapped in ``<p>``; a list item or table cell holding one plain
  paragraph drops the ``<p>``; an empty block holds ``&nbsp;``; empty containers go;
* inline formatting is a set of marks per run of text: nested or adjacent equal elements merge,
  links are outermost and the others nest in name order; ``b``/``em``/``del`` become
  ``strong``/``i``/``s``;
* a bare ``<table>`` sits in ``<figure class="table">`` (its ``<caption>`` becomes the figure's
  ``<figcaption>``); a ``<pre><code>`` without a language is ``language-plaintext``;
* attributes are written in one fixed order (``ATTRIBUTE_ORDER``, then alphabetical).

Pure functions on HTML that ``nh3`` has already cleaned (well-formed, lower-case, quoted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser

NBSP = "\u00a0"

VOID_TAGS = frozenset({"br", "hr", "img", "col", "wbr"})
# Elements the editor treats as blocks (CKEditor's DomConverter.blockElements, within our allowlist).
BLOCK_TAGS = frozenset(
    {
        "blockquote", "caption", "colgroup", "col", "dd", "div", "dl", "dt", "figcaption", "figure",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "section", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# Containers that only ever hold blocks: inline content beside them becomes a paragraph.
WRAPPING_CONTAINERS = frozenset({"blockquote", "section", "dt", "dd", "figure"})
# Containers whose single plain paragraph is written without its <p>.
BOGUS_PARAGRAPH_CONTAINERS = frozenset({"li", "td", "th"})
# Blocks that disappear when they hold nothing.
DROPPED_WHEN_EMPTY = frozenset(
    {
        "blockquote", "section", "ul", "ol", "dl", "figure", "table", "thead", "tbody", "tfoot", "tr",
        "colgroup",
    }
)  # fmt: skip
# Only whitespace between these children (structure, not text).
STRUCTURAL = frozenset({"dl", "table", "thead", "tbody", "tfoot", "tr", "colgroup"})
LIST_TAGS = frozenset({"ul", "ol"})
RENAMED = {"b": "strong", "em": "i", "del": "s"}
# Languages the editor's code blocks know (``codeBlock.languages``); any other is plain text.
CODE_BLOCK_LANGUAGES: dict[str, str] = {
    "plaintext": "纯文本", "bash": "Bash", "c": "C", "cpp": "C++", "c++": "C++", "cs": "C#",
    "css": "CSS", "diff": "Diff", "dockerfile": "Dockerfile", "go": "Go", "html": "HTML",
    "java": "Java", "javascript": "JavaScript", "json": "JSON", "jsx": "JSX", "kotlin": "Kotlin",
    "markdown": "Markdown", "objc": "Objective-C", "objectivec": "Objective-C",
    "objective-c": "Objective-C", "perl": "Perl", "php": "PHP", "python": "Python", "ruby": "Ruby",
    "rust": "Rust", "scala": "Scala", "sh": "Shell", "shell": "Shell", "sql": "SQL", "swift": "Swift",
    "tsx": "TSX", "typescript": "TypeScript", "xml": "XML", "yaml": "YAML",
}  # fmt: skip
# Attributes first in this order (the order 36kr's project links use), then the rest by name.
ATTRIBUTE_ORDER = (
    "class", "data-id", "data-name", "data-logo", "data-refer-type", "href", "src", "alt", "width", "height",
)  # fmt: skip
_ATTRIBUTE_RANK = {name: rank for rank, name in enumerate(ATTRIBUTE_ORDER)}

_COLLAPSIBLE = re.compile(r"[ \n\t\r]+")
# JavaScript's \s without the no-break space: what CKEditor counts as "ends with a space".
_JS_SPACE = frozenset(" \t\n\v\f\r\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)


@dataclass(eq=False)
class Text:
    data: str


Node = Element | Text


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root")
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self._append(element)
        if tag not in VOID_TAGS:
            self._stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        children = self._stack[-1].children
        if children and isinstance(children[-1], Text):
            children[-1].data += data
        else:
            children.append(Text(data))

    def _append(self, node: Node) -> None:
        self._stack[-1].children.append(node)


def _parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# --- serialising ----------------------------------------------------------------------------


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace(NBSP, "&nbsp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace(NBSP, "&nbsp;").replace('"', "&quot;")


def _attribute_key(name: str) -> tuple[int, str]:
    return (_ATTRIBUTE_RANK.get(name, len(ATTRIBUTE_ORDER)), name)


def _serialize(node: Node, out: list[str]) -> None:
    if isinstance(node, Text):
        out.append(_escape_text(node.data))
        return
    attrs = "".join(
        f' {name}="{_escape_attribute(node.attrs[name])}"' for name in sorted(node.attrs, key=_attribute_key)
    )
    out.append(f"<{node.tag}{attrs}>")
    if node.tag in VOID_TAGS:
        return
    if node.tag == "pre":
        out.append("".join(_raw_text(child) for child in node.children))
    else:
        for child in node.children:
            _serialize(child, out)
    out.append(f"</{node.tag}>")


def _raw_text(node: Node) -> str:
    """Serialise inside <pre>: exactly as given."""
    out: list[str] = []
    _serialize(node, out)
    return "".join(out)


# --- inline content: text with marks, the way the editor's model holds it --------------------

Mark = tuple[str, tuple[tuple[str, str], ...]]


@dataclass(eq=False)
class _Item:
    """One piece of inline content: text, or an inline object (``img``, ``br``), with its marks."""

    marks: tuple[Mark, ...]
    text: str | None = None
    element: Element | None = None

    @property
    def is_text(self) -> bool:
        return self.text is not None

    @property
    def is_br(self) -> bool:
        return self.element is not None and self.element.tag == "br"


def _mark_identity(mark: Mark) -> str:
    # CKEditor's ViewElement#getIdentity(): equal-priority elements nest by it.
    tag, attrs = mark
    values = dict(attrs)
    classes = ",".join(sorted(values.pop("class", "").split()))
    rest = " ".join(sorted(f'{name}="{value}"' for name, value in values.items()))
    return tag + (f' class="{classes}"' if classes else "") + (f" {rest}" if rest else "")


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
        ends_with_space = bool(data) and data[-1] in _JS_SPACE
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
    """Text as the editor writes it (DomConverter#_processDataFromViewText); None for objects."""

    def touching(index: int, step: int) -> _Item | None:
        other = index + step
        if not 0 <= other < len(items) or items[other].is_br:
            return None
        return items[other]

    @cache
    def written(index: int) -> str:
        data = items[index].text or ""
        if data.startswith(" "):
            prev = touching(index, -1)
            prev_ends_with_space = prev is not None and prev.is_text and written(index - 1).endswith(" ")
            if prev is None or prev_ends_with_space:
                data = NBSP + data[1:]
        if data.endswith(" "):
            following = touching(index, 1)
            next_starts_with_space = following is not None and following.is_text and following.text[:1] == " "
            if data[-2:-1] == " " or following is None or next_starts_with_space:
                data = data[:-1] + NBSP
        return data.replace("  ", " " + NBSP)

    return [written(index) if item.is_text else None for index, item in enumerate(items)]


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


def _normalize_inline(block: Element) -> bool:
    """Rewrite ``block``'s inline content in canonical form. True when nothing is left."""
    items: list[_Item] = []
    _flatten(block.children, (), items)
    items = _merge_texts(_read_whitespace(items))
    texts = _write_whitespace(items)
    if items and items[-1].is_br:  # a block ending in <br> gets a filler so the line shows
        items.append(_Item(marks=(), text=NBSP))
        texts.append(NBSP)
    block.children = _rebuild(items, texts)
    return not items


# --- blocks ---------------------------------------------------------------------------------


def _is_block(node: Node) -> bool:
    return isinstance(node, Element) and node.tag in BLOCK_TAGS


def _is_blank(node: Node) -> bool:
    return isinstance(node, Text) and not node.data.strip(" \t\n\r")


def _has_block_descendant(node: Element) -> bool:
    return any(
        isinstance(child, Element) and (child.tag in BLOCK_TAGS or _has_block_descendant(child))
        for child in node.children
    )


def _rename(node: Element) -> None:
    for child in node.children:
        if isinstance(child, Element):
            child.tag = RENAMED.get(child.tag, child.tag)
            _rename(child)


def _push_inline_into_blocks(node: Element) -> None:
    """``<strong>a<p>b</p></strong>`` -> ``<strong>a</strong><p><strong>b</strong></p>``."""
    result: list[Node] = []
    for child in node.children:
        if isinstance(child, Element):
            _push_inline_into_blocks(child)
            if child.tag not in BLOCK_TAGS and child.tag not in VOID_TAGS and _has_block_descendant(child):
                for grandchild in child.children:
                    if _is_block(grandchild):
                        grandchild.children = [Element(child.tag, dict(child.attrs), grandchild.children)]
                        _push_inline_into_blocks(grandchild)
                        result.append(grandchild)
                    else:
                        result.append(Element(child.tag, dict(child.attrs), [grandchild]))
                continue
        result.append(child)
    node.children = result


def _blocks(children: list[Node]) -> list[Node]:
    """Children of a container that holds blocks: inline runs become paragraphs (or go when
    they hold nothing), blocks are normalised."""
    result: list[Node] = []
    run: list[Node] = []

    def flush() -> None:
        if run:
            paragraph = Element("p", {}, list(run))
            if not _normalize_inline(paragraph):
                result.append(paragraph)
            run.clear()

    for child in children:
        if _is_block(child):
            flush()
            result.extend(_normalize_block(child))  # type: ignore[arg-type]
        else:
            run.append(child)
    flush()
    return _merge_adjacent_lists(result)


def _merge_adjacent_lists(nodes: list[Node]) -> list[Node]:
    """Lists of one kind side by side are one list (the first one's attributes win)."""
    merged: list[Node] = []
    for node in nodes:
        last = merged[-1] if merged else None
        if (
            isinstance(node, Element)
            and isinstance(last, Element)
            and node.tag in LIST_TAGS
            and last.tag == node.tag
        ):
            last.children.extend(node.children)
        else:
            merged.append(node)
    return merged


def _normalize_list(element: Element) -> list[Node]:
    """A list holds list items; anything else inside it splits it in two around that thing."""
    result: list[Node] = []
    current = Element(element.tag, dict(element.attrs))
    stray: list[Node] = []

    def flush_stray() -> None:
        nonlocal current
        if not stray:
            return
        placed = _blocks(stray)
        stray.clear()
        if placed:
            if current.children:
                result.append(current)
            result.extend(placed)
            current = Element(element.tag, dict(element.attrs))

    for child in element.children:
        if isinstance(child, Element) and child.tag == "li":
            flush_stray()
            current.children.extend(_normalize_block(child))
        else:
            stray.append(child)
    flush_stray()
    if current.children:
        result.append(current)
    return result


def _unwrap_single_paragraph(container: Element) -> None:
    own_blocks = [
        child
        for child in container.children
        if not (isinstance(child, Element) and child.tag in ("ul", "ol"))
    ]
    first = container.children[0] if container.children else None
    if (
        len(own_blocks) == 1
        and own_blocks[0] is first
        and isinstance(first, Element)
        and first.tag == "p"
        and not first.attrs
    ):
        container.children = [*first.children, *container.children[1:]]


def _take_caption(table: Element) -> Element | None:
    """Remove and return the table's ``<caption>`` as a ``<figcaption>`` (CKEditor's form)."""
    for child in table.children:
        if isinstance(child, Element) and child.tag == "caption":
            table.children.remove(child)
            return Element("figcaption", {}, child.children)
    return None


def _rows(table: Element) -> list[tuple[Element, bool]]:
    """The table's rows in order, each with whether it is a heading (``thead``) row."""
    rows = []
    for section in table.children:
        if isinstance(section, Element) and section.tag in ("thead", "tbody", "tfoot"):
            rows.extend(
                (row, section.tag == "thead")
                for row in section.children
                if isinstance(row, Element) and row.tag == "tr"
            )
    return rows


def _span(cell: Element, name: str) -> int:
    try:
        return max(1, int(cell.attrs.get(name, "1")))
    except ValueError:
        return 1


def _normalize_table_sections(table: Element) -> None:
    """One ``tbody`` for the body rows (``tfoot`` rows join it) and every row padded with empty
    cells to the table's width, as the editor's table model does."""
    foot_rows = [
        row
        for section in table.children
        if isinstance(section, Element) and section.tag == "tfoot"
        for row in section.children
    ]
    table.children = [c for c in table.children if not (isinstance(c, Element) and c.tag == "tfoot")]
    if foot_rows:
        body = next((c for c in table.children if isinstance(c, Element) and c.tag == "tbody"), None)
        if body is None:
            body = Element("tbody")
            table.children.append(body)
        body.children.extend(foot_rows)
    rows = _rows(table)
    occupied: dict[int, int] = {}  # row index -> slots taken by cells spanning down into it
    widths = []
    for index, (row, _heading) in enumerate(rows):
        width = occupied.get(index, 0)
        for cell in row.children:
            if isinstance(cell, Element) and cell.tag in ("td", "th"):
                colspan = _span(cell, "colspan")
                width += colspan
                for below in range(index + 1, index + _span(cell, "rowspan")):
                    occupied[below] = occupied.get(below, 0) + colspan
        widths.append(width)
    body_rows = [row for row, heading in rows if not heading]
    heading_columns = min((_leading_headings(row) for row in body_rows), default=0)
    for row in body_rows:
        cells = [cell for cell in row.children if isinstance(cell, Element) and cell.tag in ("td", "th")]
        for position, cell in enumerate(cells):
            if cell.tag == "th" and position >= heading_columns:  # a heading cell outside heading columns
                cell.tag = "td"
                cell.attrs.pop("scope", None)
    table_width = max(widths, default=0)
    for (row, heading), width in zip(rows, widths, strict=True):
        row.children.extend(
            Element("th" if heading else "td", {}, [Text(NBSP)]) for _ in range(table_width - width)
        )


def _leading_headings(row: Element) -> int:
    count = 0
    for cell in row.children:
        if not isinstance(cell, Element) or cell.tag not in ("td", "th"):
            continue
        if cell.tag != "th":
            break
        count += 1
    return count


def _normalize_figure(figure: Element) -> list[Node]:
    """``figure.image`` (an image, maybe linked, and a caption) or ``figure.table``."""
    children = [child for child in figure.children if not _is_blank(child)]
    has_caption = any(isinstance(child, Element) and child.tag == "figcaption" for child in children)
    result: list[Node] = []
    for child in children:
        if isinstance(child, Element) and child.tag == "table":
            caption = _take_caption(child)
            _normalize_table_sections(child)
            result.extend(_normalize_block(child, in_figure=True))
            if caption is not None and not has_caption:
                children.append(caption)
        elif isinstance(child, Element) and child.tag == "figcaption":
            result.extend(_normalize_block(child))
        else:
            result.append(child)
    figure.children = result
    return [figure] if result else []


def _code_language(classes: str) -> str:
    for name in classes.split():
        if name.startswith("language-") and (language := name[len("language-") :].lower()):
            return language if language in CODE_BLOCK_LANGUAGES else "plaintext"
    return "plaintext"


def _normalize_block(element: Element, *, in_figure: bool = False) -> list[Node]:
    """The canonical replacement of one block element (itself, a wrapper, or nothing)."""
    tag = element.tag
    if tag in VOID_TAGS:
        return [element]
    if tag == "pre":
        only = element.children[0] if len(element.children) == 1 else None
        if isinstance(only, Element) and only.tag == "code":
            only.attrs["class"] = f"language-{_code_language(only.attrs.get('class', ''))}"
            if not only.children:
                only.children = [Text(NBSP)]
        return [element]
    if tag == "table" and not in_figure:
        figure = Element("figure", {"class": "table"}, [element])
        return _normalize_figure(figure)
    classes = element.attrs.get("class", "").split()
    if tag == "figure" and ("image" in classes or "table" in classes):
        return _normalize_figure(element)
    if tag in LIST_TAGS:
        return _normalize_list(element)
    if tag in STRUCTURAL:
        children: list[Node] = []
        for child in element.children:
            if _is_blank(child):
                continue
            children.extend(_normalize_block(child) if _is_block(child) else [child])  # type: ignore[arg-type]
        element.children = children
        return [element] if children or tag not in DROPPED_WHEN_EMPTY else []
    has_blocks = any(_is_block(child) for child in element.children)
    if tag in WRAPPING_CONTAINERS or has_blocks:
        element.children = _blocks(element.children)
        if tag in BOGUS_PARAGRAPH_CONTAINERS:
            _unwrap_single_paragraph(element)
        first = element.children[0] if element.children else None
        if tag == "li" and isinstance(first, Element) and first.tag in LIST_TAGS:
            element.children.insert(0, Text(NBSP))  # the item's own (empty) line before its sublist
        if not element.children:
            if tag in DROPPED_WHEN_EMPTY:
                return []
            element.children = [Text(NBSP)]
        return [element]
    if _normalize_inline(element):
        element.children = [Text(NBSP)]
    return [element]


def html_canonicalize(html: str) -> str:
    """``html`` (already cleaned by nh3) in the form CKEditor 5 writes it. Pure, idempotent."""
    root = _parse(html)
    _rename(root)
    _push_inline_into_blocks(root)
    blocks = _blocks(root.children)
    if not any(_has_content(node) for node in blocks):
        return ""  # the editor gives back nothing for a document of empty blocks
    out: list[str] = []
    for node in blocks:
        _serialize(node, out)
    return "".join(out)


def _has_content(node: Node) -> bool:
    if isinstance(node, Text):
        return any(char not in _JS_SPACE and char != NBSP for char in node.data)
    return node.tag in ("img", "hr", "table") or any(_has_content(child) for child in node.children)
