"""The one front-matter reader: splits and parses a post exactly as hexo-front-matter 5 does.

Forms (hexo-front-matter's own regexes): ``---``/``;;;`` opening and closing separators; the
"new" form with no opening separator (``title: x\n---\nbody``); ``;;;`` JSON without braces.
YAML is read with the YAML 1.2 core schema, as Hexo's ``yaml`` package does: ``12_00``, ``on``
and ``yes`` stay strings, and timestamps stay strings for ``articles.services.dates``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml
import yamlcore
from django.utils.translation import gettext as _

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


class FrontMatterError(ValueError):
    """Front matter that Hexo's parser would reject; carries the position in the file."""

    def __init__(self, reason: str, *, line: int | None = None, column: int | None = None, hint: str = ""):
        self.reason, self.line, self.column = reason, line, column
        where = _("（第 %(line)d 行，第 %(column)d 列）") % {"line": line, "column": column} if line else ""
        super().__init__(f"{reason}{where}{hint}")


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


def _parse_yaml(raw: str, first_line: int) -> object:
    try:
        return yaml.load(_escape_tabs(raw), Loader=_Loader)  # noqa: S506 (core schema, safe)
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
        return json.loads("{" + raw + "}")
    except ValueError:
        return None


def front_matter_read(text: str) -> FrontMatter:
    """Split ``text`` (already decoded, BOM removed) into front-matter data and content.

    Raises ``FrontMatterError`` with line and column when the YAML is broken. Text whose
    front matter is not a mapping is all content, as in Hexo.
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
