"""Legacy post bodies: HTML kept, markdown rendered, ``<!--more-->`` excerpts. Pure functions.

Markdown is rendered with markdown-it-py (CommonMark with raw HTML, tables, strikethrough and
fenced code); the result is cleaned later by the one allowlist (``articles.sanitize``) through
``articles.services.articles.body_prepare``. A body that opens with a block-level HTML element
(RSS generators write ``<div>…</div>``) is HTML as it stands: rendering it as markdown would turn
its indented lines into code blocks after any blank line.

Rendering runs under the importer's per-file deadline: a first rule in markdown-it's block and
inline tokenizers (and in the block rules' terminator chains, which scan long paragraphs line by
line) calls ``deadline_tick``, so a pathological body stops with ``DeadlineExceeded`` instead of
keeping a worker or an admin request busy for minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from articles.deadline import deadline_tick


def _inline_deadline_rule(state, silent: bool) -> bool:
    deadline_tick()
    return False  # never consumes anything: the real rules run next


def _block_deadline_rule(state, start_line: int, end_line: int, silent: bool) -> bool:
    deadline_tick()
    return False


def _markdown_parser() -> MarkdownIt:
    markdown = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    markdown.inline.ruler.before("text", "deadline", _inline_deadline_rule)
    markdown.block.ruler.before(
        "table", "deadline", _block_deadline_rule, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    return markdown


_markdown = _markdown_parser()
_HTML_BODY = re.compile(
    r"^<(?:!doctype|html|body|div|p|section|article|table|h[1-6]|ul|ol|figure|blockquote|pre)[\s>/]",
    re.IGNORECASE,
)
# Hexo's excerpt marker, matched on the rendered HTML as Hexo does (so one in a code block is text).
_MORE = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RenderedBody:
    html: str
    is_markdown: bool
    before_more: str | None  # the HTML before <!--more-->, None when there is no marker


def is_html_body(content: str) -> bool:
    return bool(_HTML_BODY.match(content.lstrip()))


def _unwrap_div(html: str) -> str:
    # RSS generators wrap the whole description in one bare <div>; it carries nothing.
    if html.startswith("<div>") and html.endswith("</div>") and html.count("<div") == 1:
        return html[len("<div>") : -len("</div>")].strip()
    return html


def body_render(content: str) -> RenderedBody:
    """HTML for a post's content (not yet cleaned), and what comes before ``<!--more-->``."""
    stripped = content.strip()
    is_markdown = not is_html_body(stripped)
    html = _markdown.render(stripped) if is_markdown else _unwrap_div(stripped)
    match = _MORE.search(html)
    before_more = html[: match.start()] if match is not None else None
    return RenderedBody(html=html, is_markdown=is_markdown, before_more=before_more)
