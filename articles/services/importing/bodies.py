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
from itertools import accumulate

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block import StateBlock

from articles.deadline import deadline_tick


def _inline_deadline_rule(state, silent: bool) -> bool:
    deadline_tick()
    return False  # never consumes anything: the real rules run next


def _block_deadline_rule(state, start_line: int, end_line: int, silent: bool) -> bool:
    deadline_tick()
    return False


class _LineMarkedStateBlock(StateBlock):
    """markdown-it's block state with its line markers computed a line at a time by ``str``
    methods in C: ``StateBlock.__init__`` looks at each line's leading spaces one character at a
    time in Python, a sixth of the rendering. Same attributes, same values (a test compares
    them with markdown-it's own on tricky input)."""

    def __init__(self, src: str, md: MarkdownIt, env, tokens: list) -> None:
        self.src, self.md, self.env, self.tokens = src, md, env, tokens
        self.blkIndent = self.line = self.lineMax = self.level = 0
        self.tight = False
        self.ddIndent = self.listIndent = -1
        self.parentType = "root"
        self.result = ""
        lines = src.split("\n")
        # The text after the last newline is a line unless it is blank (markdown-it's rule).
        if not lines[-1].strip(" \t"):
            lines.pop()
        lengths = [len(line) for line in lines]
        self.bMarks = [0, *accumulate(length + 1 for length in lengths)]
        self.bMarks[-1] = len(src)  # the fake last line, which simplifies bounds checks
        self.eMarks = [start + length for start, length in zip(self.bMarks, lengths, strict=False)]
        self.eMarks.append(len(src))
        self.tShift = [length - len(line.lstrip(" \t")) for line, length in zip(lines, lengths, strict=True)]
        self.sCount = list(self.tShift)
        if "\t" in src:
            for index, line in enumerate(lines):
                indent = self.tShift[index]
                if "\t" in line[:indent]:
                    offset = 0
                    for character in line[:indent]:
                        offset += 4 - offset % 4 if character == "\t" else 1
                    self.sCount[index] = offset
        self.tShift.append(0)
        self.sCount.append(0)
        self.bsCount = [0] * len(self.bMarks)
        self.lineMax = len(self.bMarks) - 1
        self._code_enabled = "code" in md["block"].ruler.get_active_rules()


class _ParserBlock(ParserBlock):
    def parse(self, src: str, md: MarkdownIt, env, outTokens: list) -> list | None:
        if not src:
            return None
        state = _LineMarkedStateBlock(src, md, env, outTokens)
        self.tokenize(state, state.line, state.lineMax)
        return state.tokens


def _markdown_parser() -> MarkdownIt:
    markdown = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    block = _ParserBlock()
    block.ruler = markdown.block.ruler  # the preset's rules, as enabled above
    markdown.block = block
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
