"""The canonical form of article HTML: the form CKEditor 5 writes.

``articles.sanitize.clean_html`` ends with ``html_canonicalize`` so that a stored body is already
in the shape the admin's editor gives back. An editor who opens an article and saves it without
changes then stores the very same bytes: no anchor, attribute or paragraph moves.

What CKEditor 5 (with General HTML Support configured from the cleaner's allowlist, see
``articles.admin.editor``) does to HTML on load and ``getData()``, and so what this module does:

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

from articles.canonical.blocks import CODE_BLOCK_LANGUAGES, blocks, push_inline_into_blocks, rename
from articles.canonical.inline import JS_SPACE
from articles.canonical.tree import NBSP, Node, Text, parse, serialize

__all__ = ["CODE_BLOCK_LANGUAGES", "html_canonicalize"]


def html_canonicalize(html: str) -> str:
    """``html`` (already cleaned by nh3) in the form CKEditor 5 writes it. Pure, idempotent."""
    root = parse(html)
    rename(root)
    push_inline_into_blocks(root)
    top = blocks(root.children)
    if not any(_has_content(node) for node in top):
        return ""  # the editor gives back nothing for a document of empty blocks
    out: list[str] = []
    for node in top:
        serialize(node, out)
    return "".join(out)


def _has_content(node: Node) -> bool:
    if isinstance(node, Text):
        return any(char not in JS_SPACE and char != NBSP for char in node.data)
    return node.tag in ("img", "hr", "table") or any(_has_content(child) for child in node.children)
