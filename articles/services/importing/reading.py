"""Reading one legacy file into a ``LegacyPost``, as Hexo reads it. Pure: no database access.

* Encoding: UTF-8 (a BOM is dropped); otherwise GB18030 with a warning; otherwise a failure.
* Front matter: ``articles.hexo.frontmatter`` (Hexo's split rules, YAML 1.2 core, ``;;;`` JSON).
* Values as JavaScript sees them: a number title ``1950`` is the string ``"1950"``; ``published``
  and ``comments`` are cast as Hexo's database casts booleans (only ``false``, ``"false"``, ``0``,
  ``"0"`` and ``""`` are false), so ``published: no`` (a string in YAML 1.2) stays published,
  with a warning.
* Dates: ``articles.hexo.dates``; a missing or unparseable ``date`` is the file's
  modification time, with a warning, and the post is ``date_unverified`` (the writer imports it
  for review instead of publishing it); ``updated`` is the modified date.
* Identity: the post's ``key`` and ``fingerprint`` (``identity``), so the writer can tell which
  article it is whatever route it arrived by.
* The body is rendered (``bodies``), cleaned and stripped of bylines (``body_prepare``), and its
  project links are read (``project_links_extract``): the same pure functions ``article_save``
  uses, so the importer derives exactly what an admin save would.
* Front-matter keys the model has no field for are kept in ``extra``; nothing is dropped.
* Bounds: the front matter's depth and size (``FrontMatterLimitError``), the body's nesting
  (``articles.sanitize.HtmlTooDeepError``), the parse time
  (``articles.deadline``: checked between stages here and inside the slow loops), and at most
  ``ARTICLES_IMPORT_MAX_ITEMS_PER_POST`` categories, tags, byline names and project links each:
  a file past one of them fails with the reason (``PostError``) instead of stalling the import.
"""

from __future__ import annotations

import codecs
import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from articles.deadline import deadline_check
from articles.hexo.dates import parse_date
from articles.hexo.frontmatter import FrontMatterError, front_matter_read
from articles.hexo.permalinks import legacy_permalink_build, permalink_normalize
from articles.hexo.values import hexo_bool, js_string
from articles.sanitize import HtmlTooDeepError, clean_html_uncanonical
from articles.services.articles import body_prepare
from articles.services.credits import Byline, bylines_extract
from articles.services.importing.bodies import body_render
from articles.services.importing.identity import identity_key, post_fingerprint
from articles.services.importing.results import NotAPostError, PostError
from articles.services.mentions import ProjectLink, project_links_extract
from articles.text import excerpt_from_html, plain_text, truncate_chars

if TYPE_CHECKING:
    from articles.search.index import DocumentText

TITLE_MAX = 500
NAME_MAX = 100  # django-taggit's name length
URL_MAX = 1000
PATH_MAX = 1000  # Article.legacy_path
SOURCE_MAX = 200
DRAFTS_FOLDER = "_drafts"
MORE_EXCERPT_LENGTH = 500

# Keys with a home on the model; every other key goes to Article.extra.
KNOWN_KEYS = frozenset(
    {
        "title", "date", "updated", "categories", "tags", "author", "headimg", "thumbnail",
        "comments", "published", "permalink", "excerpt", "status", "date_unverified",
        "headimg_file", "thumbnail_file", "project_logos",
    }
)  # fmt: skip
# Strings YAML 1.1 read as false; YAML 1.2 (and so Hexo) reads them as true-ish strings.
_YAML11_FALSE = frozenset({"no", "No", "NO", "off", "Off", "OFF"})
_NEWLINES = re.compile(r"\s*\n\s*")
_STATUSES = frozenset({"draft", "review", "published", "unpublished"})  # Article.Status values


@dataclass(slots=True)
class LegacyPost:
    path: str
    digest: str
    title: str
    body: str  # cleaned HTML, bylines taken out
    bylines: list[Byline]
    links: list[ProjectLink]
    excerpt: str
    published_at: datetime
    modified_at: datetime | None
    is_draft: bool
    categories: list[str]
    tags: list[str]
    source: str
    head_image_url: str
    thumbnail_url: str
    comments_enabled: bool
    permalink: str
    extra: dict
    warnings: list[str] = field(default_factory=list)
    key: str = ""  # identity.identity_key(path): what the article is keyed on
    fingerprint: str = ""  # identity.post_fingerprint of its own title and date, if it has one
    permalink_own: bool = False  # the permalink is the front matter's
    date_unverified: bool = False  # no usable date: published_at is the file's time
    status: str = ""  # Masthead's own "status" key (an export read back), else ""
    # Image files an export wrote beside the post: (target, path relative to the post's folder);
    # target is "head_image", "thumbnail" or "logo:<project id>" (see image_files_read).
    image_files: list[tuple[str, str]] = field(default_factory=list)
    # Its search text (articles.search.index.document_text), built by the parsing worker that
    # read it (``parsing.posts_index``); None: the writer builds it.
    search_text: DocumentText | None = None


def content_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _names(value: object) -> list[str]:
    """Categories or tags: a list, a single string, or Hexo's nested lists; deduplicated."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    flat: list[str] = []
    for item in items:
        if isinstance(item, list | tuple):
            flat.extend(_names(item))
        elif item is not None and (text := js_string(item).strip()):
            flat.append(text)
    return list(dict.fromkeys(flat))


def _json_safe(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return js_string(value)


def _decode(raw: bytes, warnings: list[str]) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as error:
            raise PostError(
                _("无法识别编码：不是 UTF-8（第 %(utf8)d 字节无效），也不是 GB18030（第 %(gb)d 字节无效）")
                % {"utf8": utf8_error.start, "gb": error.start}
            ) from error
        warnings.append(
            _("文件不是有效的 UTF-8（第 %(byte)d 字节），已按 GB18030 解码") % {"byte": utf8_error.start}
        )
    if "\x00" in text:
        raise PostError(_("文件含有 NUL 字符：可能是二进制文件或 UTF-16 编码，无法作为文章导入"))
    return text.replace("\r\n", "\n")


def _bool_field(data: dict, key: str, warnings: list[str]) -> bool:
    value = data.get(key)
    if isinstance(value, str) and value in _YAML11_FALSE:
        warnings.append(
            _("%(key)s: %(value)s 在 YAML 1.2 中是字符串，Hexo 视为真值：按 true 导入")
            % {"key": key, "value": value}
        )
    return hexo_bool(value, default=True)


def image_files_read(data: dict) -> list[tuple[str, str]]:
    """Masthead's own keys naming image files beside the post (an export read back):
    ``headimg_file``, ``thumbnail_file`` and ``project_logos`` (project id -> file), each a path
    relative to the post's folder. Which file may be read is ``sources``' decision."""
    found = [
        (target, js_string(data[key]).strip())
        for key, target in (("headimg_file", "head_image"), ("thumbnail_file", "thumbnail"))
        if isinstance(data.get(key), str | int)
    ]
    logos = data.get("project_logos")
    if isinstance(logos, dict):
        found.extend((f"logo:{js_string(pid)}", js_string(name).strip()) for pid, name in logos.items())
    return [(target, name) for target, name in found if name][: settings.ARTICLES_IMPORT_MAX_ITEMS_PER_POST]


def _limited(value: str, limit: int, key: str, warnings: list[str]) -> str:
    if len(value) > limit:
        warnings.append(_("%(key)s 超过 %(limit)d 个字符，已截断") % {"key": key, "limit": limit})
        return value[:limit]
    return value


def _dates(
    data: dict, mtime: datetime, extra: dict, warnings: list[str]
) -> tuple[datetime | None, datetime | None]:
    """The post's own date (None when missing or unparseable, with a warning) and modified date."""
    published_at = parse_date(data.get("date"))
    if published_at is None:
        when = mtime.isoformat(timespec="seconds")
        if data.get("date") is None:
            warnings.append(_("缺少 date：使用文件修改时间 %(when)s") % {"when": when})
        else:
            extra["date"] = _json_safe(data["date"])
            warnings.append(
                _("date 值 %(value)s 不是有效日期：使用文件修改时间 %(when)s")
                % {"value": js_string(data["date"]), "when": when}
            )
    modified_at = parse_date(data.get("updated"))
    if modified_at is None and data.get("updated") is not None:
        extra["updated"] = _json_safe(data["updated"])
        value = js_string(data["updated"])
        warnings.append(_("updated 值 %(value)s 不是有效日期：已忽略") % {"value": value})
    return published_at, modified_at


def _excerpt(data: dict, before_more: str | None, body: str) -> str:
    # excerpt, then description (also kept in extra: the model has no field of its own for it),
    # then the text before <!--more--> (cleaned and without bylines, like the body), then the
    # body's opening text as article_save does.
    for key in ("excerpt", "description"):
        if text := plain_text(js_string(data.get(key))):
            return text
    if before_more is not None and (
        text := plain_text(bylines_extract(clean_html_uncanonical(before_more))[0])
    ):
        return truncate_chars(text, MORE_EXCERPT_LENGTH)
    return excerpt_from_html(body)


def _within_limit(count: int, what: str) -> None:
    limit = settings.ARTICLES_IMPORT_MAX_ITEMS_PER_POST
    if count > limit:
        raise PostError(
            _("%(what)s过多（%(count)d 个，上限 %(limit)d 个），疑似异常文件")
            % {"what": what, "count": count, "limit": limit}
        )


def post_parse(*, path: str, raw: bytes, mtime: datetime, digest: str | None = None) -> LegacyPost:
    """Read one legacy post. ``path`` is its key under the import root.

    Raises ``NotAPostError`` for a file with no front matter, ``PostError`` (with the reason, and
    line and column for YAML errors) for a file that cannot be imported or is past a limit (see
    the module docstring), ``DeadlineExceeded`` when run under an ``articles.deadline`` that passes.
    """
    if len(path) > PATH_MAX:
        limits = {"length": len(path), "limit": PATH_MAX}
        raise PostError(_("路径过长（%(length)d 个字符，上限 %(limit)d）") % limits)
    warnings: list[str] = []
    text = _decode(raw, warnings)
    try:
        front = front_matter_read(text)
    except FrontMatterError as error:
        raise PostError(str(error)) from error
    if front.separator is None:
        raise NotAPostError(_("没有 front matter：不是文章，已跳过"))
    data = front.data
    categories = _names(data.get("categories"))
    tags = _names(data.get("tags"))
    _within_limit(len(categories), _("分类"))
    _within_limit(len(tags), _("标签"))
    deadline_check()
    extra = {key: _json_safe(value) for key, value in data.items() if key not in KNOWN_KEYS}

    title = _NEWLINES.sub(" ", js_string(data.get("title"))).strip()
    # published: false, or a file in Hexo's _drafts folder, is a draft.
    is_draft = not _bool_field(data, "published", warnings) or DRAFTS_FOLDER in path.split("/")[:-1]
    if not title:
        title = PurePosixPath(path).stem.strip() or _("无标题")
        is_draft = True
        warnings.append(_("缺少标题：按草稿导入，标题取自文件名「%(title)s」") % {"title": title})
    title = _limited(title, TITLE_MAX, "title", warnings)
    own_date, modified_at = _dates(data, mtime, extra, warnings)
    published_at = own_date or mtime

    rendered = body_render(front.content)
    deadline_check()
    try:
        prepared = body_prepare(rendered.html)
    except HtmlTooDeepError as error:
        raise PostError(str(error)) from error
    deadline_check()
    _within_limit(len(prepared.bylines), _("署名"))
    links, unidentified = project_links_extract(prepared.html)
    _within_limit(len(links), _("项目链接"))
    for text_of_link in unidentified:  # no data-id, or one that is not a project id (project_ids)
        warnings.append(
            _(
                "项目链接「%(text)s」缺少有效的 data-id（1 到 64 个英文字母、数字、_ 或 -）："
                "保留为普通链接，不记为项目提及"
            )
            % {"text": text_of_link}
        )

    categories = [_limited(name, NAME_MAX, "categories", warnings) for name in categories]
    tags = [_limited(name, NAME_MAX, "tags", warnings) for name in tags]
    own = data.get("permalink")
    permalink_own = isinstance(own, str | int) and bool(js_string(own).strip())
    if permalink_own:
        permalink = permalink_normalize(js_string(data["permalink"]))
    else:
        permalink = legacy_permalink_build(
            path=path,
            title=title,
            published_at=published_at,
            categories=data.get("categories"),
            front_matter_id=data.get("id"),
        )
    excerpt = _excerpt(data, rendered.before_more, prepared.html)
    deadline_check()
    return LegacyPost(
        path=path,
        digest=digest or content_digest(raw),
        title=title,
        body=prepared.html,
        bylines=prepared.bylines,
        links=links,
        excerpt=excerpt,
        published_at=published_at,
        modified_at=modified_at,
        is_draft=is_draft,
        categories=categories,
        tags=tags,
        source=_limited(js_string(data.get("author")).strip(), SOURCE_MAX, "author", warnings),
        head_image_url=_limited(js_string(data.get("headimg")).strip(), URL_MAX, "headimg", warnings),
        thumbnail_url=_limited(js_string(data.get("thumbnail")).strip(), URL_MAX, "thumbnail", warnings),
        comments_enabled=_bool_field(data, "comments", warnings),
        permalink=_limited(permalink, URL_MAX, "permalink", warnings),
        extra=extra,
        warnings=warnings,
        key=identity_key(path),
        fingerprint=post_fingerprint(title=title, published_at=own_date) if own_date else "",
        permalink_own=permalink_own,
        # No usable date of its own, or an export of an article whose date still waits for review.
        date_unverified=own_date is None or hexo_bool(data.get("date_unverified"), default=False),
        status=status if (status := js_string(data.get("status"))) in _STATUSES else "",
        image_files=image_files_read(data),
    )
