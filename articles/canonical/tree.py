"""Reading cleaned HTML into a small tree and writing it back in one fixed form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

from articles.deadline import deadline_tick

NBSP = "\u00a0"
VOID_TAGS = frozenset({"br", "hr", "img", "col", "wbr"})
# Attributes first in this order (the order 36kr's project links use), then the rest by name.
ATTRIBUTE_ORDER = (
    "class", "data-id", "data-name", "data-logo", "data-refer-type", "href", "src", "alt", "width", "height",
)  # fmt: skip
_ATTRIBUTE_RANK = {name: rank for rank, name in enumerate(ATTRIBUTE_ORDER)}


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
        deadline_tick()  # one per element: a huge body stops at the caller's deadline, if any
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
        _text_append(self._stack[-1].children, data)

    def _append(self, node: Node) -> None:
        self._stack[-1].children.append(node)


def parse(html: str) -> Element:
    """The tree of ``html``, read as ``html.parser.HTMLParser`` reads it (``_TreeBuilder``).

    HTML in the form nh3 writes (lower-case tags, every attribute ``name="value"``, no comment,
    every ``<`` starting a tag) is read by ``_parse_serialized`` at regular-expression speed into
    the same tree; anything else, by the parser itself."""
    root = _parse_serialized(html)
    if root is not None:
        return root
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


_TAG_OR_END = re.compile(r'<(?:([a-z][a-z0-9]*)((?: [a-z][a-z0-9-]*="[^"]*")*)|/([a-z][a-z0-9]*))>')
_ATTRIBUTE = re.compile(r' ([a-z][a-z0-9-]*)="([^"]*)"')
# Their content is raw text to HTMLParser (its CDATA_CONTENT_ELEMENTS): left to it.
_RAW_TEXT_TAGS = frozenset({"script", "style"})


def _parse_serialized(html: str) -> Element | None:
    """``_TreeBuilder``'s tree for ``html`` written as nh3 writes it; None for other HTML.

    The same tree, step by step: HTMLParser hands over the text between two tags unescaped
    (``html.unescape``) as one piece, attribute values unescaped, names lower-cased (they
    already are here); the builder's own rules (void tags, end tags closing up to the nearest
    open element of their name, adjacent texts merged) are applied as it applies them."""
    # [text, start tag, its attributes, end tag, text, ...]: one of the two tags is None.
    pieces = _TAG_OR_END.split(html)
    texts = pieces[::4]
    if any("<" in text for text in texts):
        return None  # a "<" that opens no tag of this form: the parser decides
    root = Element("#root")
    stack = [root]
    children = root.children  # the innermost open element's
    if texts[0]:
        _text_append(children, unescape(texts[0]) if "&" in texts[0] else texts[0])
    for index in range(1, len(pieces), 4):
        tag, written, end, text = pieces[index : index + 4]
        if tag is not None:
            if tag in _RAW_TEXT_TAGS:
                return None
            deadline_tick()
            attrs = {}
            if written:
                for name, value in _ATTRIBUTE.findall(written):
                    attrs[name] = unescape(value) if "&" in value else value
            element = Element(tag, attrs, [])
            children.append(element)
            if tag not in VOID_TAGS:
                stack.append(element)
                children = element.children
        else:
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].tag == end:
                    del stack[depth:]
                    children = stack[-1].children
                    break
        if text:
            data = unescape(text) if "&" in text else text
            if children and isinstance(children[-1], Text):  # _text_append, inlined: one a tag
                children[-1].data += data
            else:
                children.append(Text(data))
    return root


def _text_append(children: list[Node], data: str) -> None:
    if children and isinstance(children[-1], Text):
        children[-1].data += data
    else:
        children.append(Text(data))


# --- serialising ----------------------------------------------------------------------------


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace(NBSP, "&nbsp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace(NBSP, "&nbsp;").replace('"', "&quot;")


def _attribute_key(name: str) -> tuple[int, str]:
    return (_ATTRIBUTE_RANK.get(name, len(ATTRIBUTE_ORDER)), name)


def serialize(node: Node, out: list[str]) -> None:
    if isinstance(node, Text):
        out.append(_escape_text(node.data))
        return
    tag = node.tag
    if node.attrs:
        names = sorted(node.attrs, key=_attribute_key)
        attrs = "".join(f' {name}="{_escape_attribute(node.attrs[name])}"' for name in names)
        out.append(f"<{tag}{attrs}>")
    else:
        out.append(f"<{tag}>")
    if tag in VOID_TAGS:
        return
    if tag == "pre":
        out.append("".join(_raw_text(child) for child in node.children))
    else:
        for child in node.children:
            if isinstance(child, Text):  # most children: written here rather than by a call
                out.append(_escape_text(child.data))
            else:
                serialize(child, out)
    out.append(f"</{tag}>")


def _raw_text(node: Node) -> str:
    """Serialise inside <pre>: exactly as given."""
    out: list[str] = []
    serialize(node, out)
    return "".join(out)
