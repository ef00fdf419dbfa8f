"""Blocks as the editor writes them: paragraphs around loose inline content, lists merged and
split, single paragraphs in list items and cells unwrapped, empty blocks filled or dropped."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from articles.canonical.inline import normalize_inline
from articles.canonical.tables import normalize_table_sections, take_caption
from articles.canonical.tree import NBSP, VOID_TAGS, Element, Node, Text
from articles.deadline import deadline_tick

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
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
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


def _is_block(node: Node) -> bool:
    return isinstance(node, Element) and node.tag in BLOCK_TAGS


def _is_blank(node: Node) -> bool:
    return isinstance(node, Text) and not node.data.strip(" \t\n\r")


def _has_block_descendant(node: Element) -> bool:
    return any(
        isinstance(child, Element) and (child.tag in BLOCK_TAGS or _has_block_descendant(child))
        for child in node.children
    )


def rename(node: Element) -> None:
    for child in node.children:
        if isinstance(child, Element):
            child.tag = RENAMED.get(child.tag, child.tag)
            rename(child)


def _wrap_content(block: Element, inline: Element) -> None:
    """Apply the formatting element ``inline`` to ``block``'s content. Tables and lists only
    hold structure (rows, cells, items): it goes down to their cells and items, never between
    the rows, where the next HTML parse would move it out of the table."""
    if block.tag in STRUCTURAL or block.tag in LIST_TAGS:
        for child in block.children:
            if _is_block(child):
                _wrap_content(child, inline)  # type: ignore[arg-type]
    elif block.tag not in VOID_TAGS and block.children:
        block.children = [Element(inline.tag, dict(inline.attrs), block.children)]


def push_inline_into_blocks(node: Element) -> None:
    """``<strong>a<p>b</p></strong>`` -> ``<strong>a</strong><p><strong>b</strong></p>``."""
    result: list[Node] = []
    for child in node.children:
        if isinstance(child, Element):
            push_inline_into_blocks(child)
            if child.tag not in BLOCK_TAGS and child.tag not in VOID_TAGS and _has_block_descendant(child):
                for grandchild in child.children:
                    if _is_block(grandchild):
                        _wrap_content(grandchild, child)  # type: ignore[arg-type]
                        push_inline_into_blocks(grandchild)
                        result.append(grandchild)
                    else:
                        result.append(Element(child.tag, dict(child.attrs), [grandchild]))
                continue
        result.append(child)
    node.children = result


def blocks(children: list[Node]) -> list[Node]:
    """Children of a container that holds blocks: inline runs become paragraphs (or go when
    they hold nothing), blocks are normalised."""
    result: list[Node] = []
    run: list[Node] = []

    def flush() -> None:
        deadline_tick()  # one per block: a huge body stops at the caller's deadline, if any
        if run:
            paragraph = Element("p", {}, list(run))
            if not normalize_inline(paragraph):
                result.append(paragraph)
            run.clear()

    for child in children:
        if _is_block(child):
            flush()
            deadline_tick()
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
        placed = blocks(stray)
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


def _normalize_figure(figure: Element) -> list[Node]:
    """``figure.image`` (an image, maybe linked, and a caption) or ``figure.table``."""
    children = [child for child in figure.children if not _is_blank(child)]
    has_caption = any(isinstance(child, Element) and child.tag == "figcaption" for child in children)
    result: list[Node] = []
    for child in children:
        if isinstance(child, Element) and child.tag == "table":
            caption = take_caption(child)
            normalize_table_sections(child)
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


def _split(element: Element, pieces: Iterable[tuple[Node, bool]], keep=None) -> list[Node]:
    """``element`` split around the ``pieces`` marked to lift (``(node, True)``): those are
    written beside it, the runs between them in copies of it (each kept when ``keep(copy)``
    says so, if given). For what an element may not hold: written inside it, the next parse
    would move them, and the form would not be stable."""
    result: list[Node] = []
    run: list[Node] = []

    def flush() -> None:
        if run:
            part = Element(element.tag, dict(element.attrs), list(run))
            run.clear()
            if keep is None or keep(part):
                result.append(part)

    for node, lifted in pieces:
        if lifted:
            flush()
            result.append(node)
        else:
            run.append(node)
    flush()
    return result


def _split_heading(heading: Element) -> list[Node]:
    """A heading holds text only. Blocks inside one (an HTML parser leaves them there when an
    inline element wrapped them, ``<h2><span>a<h2>b</h2></span></h2>``) become its siblings,
    the text around them headings of its kind."""

    def pieces() -> Iterator[tuple[Node, bool]]:
        for child in heading.children:
            if _is_block(child):
                yield from ((node, True) for node in _normalize_block(child))  # type: ignore[arg-type]
            else:
                yield child, False

    return _split(heading, pieces(), keep=lambda part: not normalize_inline(part))


_TERMS = frozenset({"dt", "dd"})


def _holds_term(element: Element) -> bool:
    """A ``dt`` or ``dd`` among ``element``'s children, or inside a ``div`` among them: where an
    HTML parser, meeting it inside a ``dt`` or ``dd``, closes that one first."""
    return any(
        isinstance(child, Element) and (child.tag in _TERMS or (child.tag == "div" and _holds_term(child)))
        for child in element.children
    )


def _split_term(element: Element) -> list[Node]:
    """``element`` (a ``dt`` or ``dd``, or a ``div`` inside one) split around the ``dt`` and
    ``dd`` it holds, its own or its ``div``s' (those split likewise)."""

    def pieces() -> Iterator[tuple[Node, bool]]:
        for child in element.children:
            if isinstance(child, Element) and child.tag == "div" and _holds_term(child):
                yield from ((piece, getattr(piece, "tag", None) in _TERMS) for piece in _split_term(child))
            else:
                yield child, getattr(child, "tag", None) in _TERMS

    return _split(element, pieces())


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
    if tag in HEADINGS and has_blocks:
        return _split_heading(element)
    if tag in WRAPPING_CONTAINERS or has_blocks:
        element.children = blocks(element.children)
        if tag in _TERMS and _holds_term(element):
            return _split_term(element)
        if tag in BOGUS_PARAGRAPH_CONTAINERS:
            _unwrap_single_paragraph(element)
        first = element.children[0] if element.children else None
        if tag == "li" and isinstance(first, Element) and first.tag in LIST_TAGS:
            element.children.insert(0, Text(NBSP))  # the item's own (empty) line before its sublist
        if not element.children:
            if tag in DROPPED_WHEN_EMPTY:
                return []
            # A container that wraps inline content in paragraphs (dt, dd) holds an empty one:
            # a bare &nbsp; would be wrapped on the next reading, and the form would not be stable.
            filler = Element("p", {}, [Text(NBSP)]) if tag in WRAPPING_CONTAINERS else Text(NBSP)
            element.children = [filler]
        return [element]
    if normalize_inline(element):
        element.children = [Text(NBSP)]
    return [element]
