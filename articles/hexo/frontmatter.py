"""The one front-matter reader: splits and parses a post exactly as hexo-front-matter 5 does.

Forms (hexo-front-matter's own regexes): ``---``/``;;;`` opening and closing separators; the
"new" form with no opening separator (``title: x\n---\nbody``); ``;;;`` JSON without braces.
YAML is read with the YAML 1.2 core schema, as Hexo's ``yaml`` package does: ``12_00``, ``on``
and ``yes`` stay strings, and timestamps stay strings for ``articles.hexo.dates``.

Hostile front matter is refused before any data is built (``FrontMatterLimitError``): libyaml's
composer recurses once per nesting level (30,000 levels overflow the C stack: SIGSEGV, which no
``except`` catches), and a few hundred bytes of nested aliases (a "billion laughs") expand to
billions of values in anything that walks the data; Hexo's ``yaml`` package refuses alias bombs
too. ``_yaml_shape_check`` reads the parse events (libyaml's parser is a state machine without
recursion, so any depth is safe to scan) and computes how deep the data nests and how many values
it holds with every alias expanded, and refuses an alias inside the node it names (a cycle);
``_data_shape_check`` does the same on parsed ``;;;`` JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

import yaml
import yamlcore
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.hexo.dates import site_timezone

try:  # libyaml is much faster; the pure-Python loader behaves the same.
    _Loader = yamlcore.CCoreLoader
except AttributeError:  # pragma: no cover
    _Loader = yamlcore.CoreLoader

_PREFIX_SEPARATOR = re.compile(r"^(-{3,}|;{3,})")
_FRONT_MATTER = re.compile(r"^(-{3,}|;{3,})\r?\n([\s\S]+?)\r?\n\1\r?\n?([\s\S]*)")
_FRONT_MATTER_NEW = re.compile(r"^([\s\S]+?)\r?\n(-{3,}|;{3,})\r?\n?([\s\S]*)")
_LEADING_TABS = re.compile(r"\r?\n(\t+)")
# "title:拓展" (no space after the colon): the usual cause of broken front matter in old posts.
_KEY_WITHOUT_SPACE = re.compile(r"^[ \t]*([A-Za-z_][\w-]*):(?![\s/])\S", re.MULTILINE)


# Real front matter nests three or four levels (Hexo's nested category lists) and holds a few
# dozen values; these bounds are far above that and far below what hurts.
MAX_DEPTH = 64
MAX_NODES = 100_000


class FrontMatterError(ValueError):
    """Front matter that Hexo's parser would reject; carries the position in the file."""

    def __init__(self, reason: str, *, line: int | None = None, column: int | None = None, hint: str = ""):
        self.reason, self.line, self.column = reason, line, column
        where = _("（第 %(line)d 行，第 %(column)d 列）") % {"line": line, "column": column} if line else ""
        super().__init__(f"{reason}{where}{hint}")


class FrontMatterLimitError(FrontMatterError):
    """Front matter nested too deep, expanding to too many values, or with a recursive alias."""


@dataclass(slots=True)
class FrontMatter:
    data: dict = field(default_factory=dict)
    content: str = ""
    separator: str | None = None
    prefix_separator: bool = False


def _split(text: str) -> tuple[str | None, str, str | None, bool, int]:
    """(raw data, content, separator, prefixed, line where the data starts)."""
    if match := _FRONT_MATTER.match(text):
        return match.group(2), match.group(3) or "", match.group(1), True, 2
    if _PREFIX_SEPARATOR.match(text):
        return None, text, None, False, 1
    if match := _FRONT_MATTER_NEW.match(text):
        return match.group(1), match.group(3) or "", match.group(2), False, 1
    return None, text, None, False, 1


def _escape_tabs(raw: str) -> str:
    # Hexo turns each tab that indents a line into two spaces before parsing.
    return _LEADING_TABS.sub(lambda m: "\n" + "  " * len(m.group(1)), raw)


def _hint(raw: str, first_line: int) -> str:
    if match := _KEY_WITHOUT_SPACE.search(raw):
        line = raw.count("\n", 0, match.start()) + first_line
        return _("；第 %(line)d 行的「%(key)s:」冒号后缺少空格") % {"line": line, "key": match.group(1)}
    return ""


# --- bounds checked before anything is built ----------------------------------------------


@dataclass(slots=True)
class _Frame:
    anchor: str | None
    size: int = 1  # this collection and everything in it, aliases expanded
    height: int = 1  # collection levels from here down, aliases expanded


def _position(mark, first_line: int) -> dict[str, int]:
    return {"line": mark.line + first_line, "column": mark.column + 1} if mark is not None else {}


def _too_deep(mark=None, first_line: int = 1) -> FrontMatterLimitError:
    reason = _("front matter 嵌套过深（超过 %(limit)d 层），疑似恶意文件") % {"limit": MAX_DEPTH}
    return FrontMatterLimitError(reason, **_position(mark, first_line))


def _too_many(mark=None, first_line: int = 1) -> FrontMatterLimitError:
    reason = _(
        "front matter 展开后的值过多（超过 %(limit)d 个；YAML 别名层层引用即“别名炸弹”），疑似恶意文件"
    ) % {"limit": MAX_NODES}
    return FrontMatterLimitError(reason, **_position(mark, first_line))


def _yaml_shape_check(text: str, first_line: int) -> None:
    """Raise ``FrontMatterLimitError`` when ``text`` would nest deeper than ``MAX_DEPTH``, hold
    more than ``MAX_NODES`` values with its aliases expanded, or has a recursive alias.

    One pass of the parser, nothing composed or constructed; syntax errors propagate as the
    loader's own ``yaml.YAMLError``.
    """
    stack: list[_Frame] = []
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (size, height) of the finished node
    total = 0

    def count(size: int, mark) -> None:
        nonlocal total
        total += size
        if total > MAX_NODES:
            raise _too_many(mark, first_line)

    def finish(size: int, height: int, mark) -> None:
        if len(stack) + height > MAX_DEPTH:
            raise _too_deep(mark, first_line)
        if stack:
            stack[-1].size += size
            stack[-1].height = max(stack[-1].height, height + 1)

    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.ScalarEvent):
            count(1, event.start_mark)
            finish(1, 0, event.start_mark)
            if event.anchor:
                anchors[event.anchor] = (1, 0)
        elif isinstance(event, yaml.CollectionStartEvent):
            stack.append(_Frame(anchor=event.anchor))
            count(1, event.start_mark)
            if len(stack) > MAX_DEPTH:
                raise _too_deep(event.start_mark, first_line)
        elif isinstance(event, yaml.CollectionEndEvent):
            frame = stack.pop()
            finish(frame.size, frame.height, event.start_mark)
            if frame.anchor:
                anchors[frame.anchor] = (frame.size, frame.height)
        elif isinstance(event, yaml.AliasEvent):
            if any(frame.anchor == event.anchor for frame in stack):
                reason = _("front matter 的 YAML 别名 *%(anchor)s 引用了包含它自己的节点（循环引用）")
                raise FrontMatterLimitError(
                    reason % {"anchor": event.anchor}, **_position(event.start_mark, first_line)
                )
            # An undefined alias is the loader's error to report; it counts as one value here.
            size, height = anchors.get(event.anchor, (1, 0))
            count(size, event.start_mark)
            finish(size, height, event.start_mark)


def _data_shape_check(data: object) -> None:
    """Raise ``FrontMatterLimitError`` when built data nests deeper than ``MAX_DEPTH`` or holds
    more than ``MAX_NODES`` values. Iterative (safe at any depth); for data without shared parts."""
    pending: list[tuple[object, int]] = [(data, 0)]
    seen = 0
    while pending:
        value, depth = pending.pop()
        seen += 1
        if seen > MAX_NODES:
            raise _too_many()
        if isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise _too_deep()
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)


# --- parsing ------------------------------------------------------------------------------


def _parse_yaml(raw: str, first_line: int) -> object:
    text = _escape_tabs(raw)
    try:
        _yaml_shape_check(text, first_line)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (core schema, safe)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = " ".join(filter(None, [error.context, error.problem])) or "invalid YAML"
        reason = _("YAML front matter 有误：%(problem)s") % {"problem": problem}
        hint = _hint(raw, first_line)
        if mark is None:
            raise FrontMatterError(reason, hint=hint) from error
        line, column = mark.line + first_line, mark.column + 1
        raise FrontMatterError(reason, line=line, column=column, hint=hint) from error
    except yaml.YAMLError as error:
        reason = _("YAML front matter 有误：%(problem)s") % {"problem": error}
        raise FrontMatterError(reason, hint=_hint(raw, first_line)) from error


def _parse_json(raw: str) -> object:
    try:
        data = json.loads("{" + raw + "}")
    except RecursionError as error:  # the C decoder stops itself at Python's recursion limit
        raise _too_deep() from error
    except ValueError:
        return None
    _data_shape_check(data)
    return data


def front_matter_read(text: str) -> FrontMatter:
    """Split ``text`` (already decoded, BOM removed) into front-matter data and content.

    Raises ``FrontMatterError`` with line and column when the YAML is broken, and its subclass
    ``FrontMatterLimitError`` when the data would nest deeper than ``MAX_DEPTH`` levels or hold
    more than ``MAX_NODES`` values (aliases expanded), or has a recursive alias. Text whose front
    matter is not a mapping is all content, as in Hexo.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    raw, content, separator, prefixed, first_line = _split(text)
    if not raw:
        return FrontMatter(content=text)
    is_json = separator is not None and separator.startswith(";")
    data = _parse_json(raw) if is_json else _parse_yaml(raw, first_line)
    if not isinstance(data, dict):
        return FrontMatter(content=text)
    return FrontMatter(
        data={str(key): value for key, value in data.items()},
        content=content,
        separator=separator,
        prefix_separator=prefixed,
    )


def front_matter_write(*, data: dict, timestamps: dict[str, datetime]) -> str:
    """``---`` YAML front matter Hexo reads back as ``data``, then ``timestamps`` as unquoted
    YAML timestamps in the site time zone with their offset (Hexo and ``parse_date`` keep the
    instant). Pure."""
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    lines = [
        f"{key}: {timezone.localtime(moment, site_timezone()).isoformat()}"
        for key, moment in timestamps.items()
    ]
    return "---\n" + dumped + "".join(line + "\n" for line in lines) + "---\n"
