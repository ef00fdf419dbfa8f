"""Importing legacy Hexo posts.

``post_read`` turns one file into a ``LegacyPost`` without touching the database; ``post_import``
writes it through ``article_save`` in its own transaction. Imports are keyed on the path under
the import root, so running them again changes nothing (``unchanged``), and an article an editor
changed since its import is left alone (``skipped``) unless ``overwrite`` is given.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import transaction
from markdown_it import MarkdownIt

from articles.models import Article
from articles.services.articles import article_save
from articles.services.dates import parse_date, site_timezone
from articles.services.frontmatter import FrontMatterError, front_matter_read

POST_SUFFIXES = (".md", ".markdown")


class PostError(Exception):
    """A post that cannot be imported; the message says why."""


class NotAPostError(PostError):
    """A file without front matter (a README beside the posts): passed over, not failed."""


@dataclass(slots=True)
class LegacyPost:
    path: str
    digest: str
    title: str
    body: str
    published_at: datetime
    is_draft: bool
    categories: list[str]
    tags: list[str]
    source: str
    head_image_url: str
    thumbnail_url: str
    comments_enabled: bool
    extra: dict
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ImportResult:
    path: str
    status: str  # created | updated | unchanged | skipped | failed
    article_id: int | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def article_url(self) -> str | None:
        return f"/p/{self.article_id}/" if self.article_id else None


_KNOWN_KEYS = {"title", "date", "categories", "tags", "author", "headimg", "thumbnail", "comments"}
_markdown = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _flatten(value: object) -> list[str]:
    """Hexo's categories/tags: a list, a single string, or nested lists."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [item for element in value for item in _flatten(element)]
    text = str(value).strip()
    return [text] if text else []


def _as_bool(value: object, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in {"false", "no", "off", "0", ""}


def _json_safe(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _unwrap_div(html: str) -> str:
    # RSS generators wrap the whole description in one bare <div>; it carries nothing.
    stripped = html.strip()
    if stripped.startswith("<div>") and stripped.endswith("</div>") and stripped.count("<div") == 1:
        return stripped[len("<div>") : -len("</div>")].strip()
    return stripped


def body_to_html(content: str) -> str:
    """HTML bodies pass through; markdown is rendered (CommonMark, tables, strikethrough)."""
    stripped = content.strip()
    if stripped.startswith("<"):
        return _unwrap_div(stripped)
    return _markdown.render(stripped)


def post_read(*, path: Path, root: Path) -> LegacyPost:
    """Read one legacy file. Raises ``PostError`` (with the reason) when it cannot be imported."""
    relative = path.relative_to(root).as_posix() if path != root else path.name
    raw = path.read_bytes()
    warnings: list[str] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PostError(f"not valid UTF-8 (byte {error.start})") from error
    try:
        front = front_matter_read(text.replace("\r\n", "\n"))
    except FrontMatterError as error:
        raise PostError(str(error)) from error
    data = front.data
    if front.separator is None:
        raise NotAPostError("no front matter: not a post")

    title_value = data.get("title")
    title = "" if title_value is None else str(title_value).strip()
    is_draft = False
    if not title:
        title = path.stem.strip() or path.stem
        is_draft = True
        warnings.append("title is missing or empty: imported as a draft titled from the file name")

    published_at = parse_date(data.get("date"))
    if published_at is None:
        mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=site_timezone())
        published_at = mtime
        if "date" in data:
            warnings.append(f"date {data.get('date')!r} is not a date: used the file's modification time")
        else:
            warnings.append("date is missing: used the file's modification time")

    return LegacyPost(
        path=relative,
        digest=hashlib.sha256(raw).hexdigest(),
        title=title[:500],
        body=body_to_html(front.content),
        published_at=published_at,
        is_draft=is_draft,
        categories=_flatten(data.get("categories")),
        tags=_flatten(data.get("tags")),
        source=str(data.get("author") or "").strip()[:200],
        head_image_url=str(data.get("headimg") or "").strip()[:1000],
        thumbnail_url=str(data.get("thumbnail") or "").strip()[:1000],
        comments_enabled=_as_bool(data.get("comments"), default=True),
        extra={k: _json_safe(v) for k, v in data.items() if k not in _KNOWN_KEYS},
        warnings=warnings,
    )


def _apply(article: Article, post: LegacyPost) -> None:
    article.title = post.title
    article.body = post.body
    article.excerpt = ""
    article.status = Article.Status.DRAFT if post.is_draft else Article.Status.PUBLISHED
    article.published_at = post.published_at
    article.source = post.source
    article.head_image_url = post.head_image_url
    article.thumbnail_url = post.thumbnail_url
    article.comments_enabled = post.comments_enabled
    article.extra = post.extra
    article.legacy_path = post.path
    article.legacy_hash = post.digest


def post_import(*, path: Path, root: Path, overwrite: bool = False) -> ImportResult:
    """Import one file in its own transaction; never raises for a bad file."""
    relative = path.relative_to(root).as_posix() if path != root else path.name
    try:
        post = post_read(path=path, root=root)
    except NotAPostError as error:
        return ImportResult(path=relative, status="skipped", warnings=[str(error)])
    except (PostError, OSError) as error:
        return ImportResult(path=relative, status="failed", error=str(error))

    with transaction.atomic():
        article = Article.objects.select_for_update().filter(legacy_path=post.path).first()
        if article is not None and article.legacy_hash == post.digest:
            return ImportResult(path=post.path, status="unchanged", article_id=article.pk)
        if article is not None and article.version != article.legacy_version and not overwrite:
            return ImportResult(
                path=post.path,
                status="skipped",
                article_id=article.pk,
                warnings=[*post.warnings, "changed by an editor since its import: not overwritten"],
            )
        status = "created" if article is None else "updated"
        article = article or Article()
        _apply(article, post)
        if status == "updated":
            article.credits.all().delete()
        article_save(article=article, categories=post.categories, tags=post.tags)
        Article.objects.filter(pk=article.pk).update(legacy_version=article.version)
    return ImportResult(path=post.path, status=status, article_id=article.pk, warnings=post.warnings)


def post_paths(inputs: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """(file, import root) for every post under ``inputs``; a file is its own root's child."""
    for given in inputs:
        if given.is_dir():
            for directory, _dirs, files in sorted(os.walk(given)):
                for name in sorted(files):
                    if name.lower().endswith(POST_SUFFIXES):
                        yield Path(directory) / name, given
        else:
            yield given, given.parent


def posts_import(*, inputs: Iterable[Path], overwrite: bool = False) -> Iterator[ImportResult]:
    """Import every post under ``inputs``, one transaction per file."""
    for path, root in post_paths(inputs):
        if not path.exists():
            yield ImportResult(path=str(path), status="failed", error="no such file or directory")
            continue
        yield post_import(path=path, root=root, overwrite=overwrite)
