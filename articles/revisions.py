"""Reading revisions (django-reversion) and showing what changed between two states of an article.

A *snapshot* is the editor-facing text of an article's fields; ``snapshot_diff`` compares two
snapshots field by field with ``difflib`` (the body one block per line, so a diff points at
paragraphs). Used by the revision history, the restore page and the edit-conflict message.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from articles.models import Article
from articles.services.workflow import user_can_publish

SNAPSHOT_FIELDS: tuple[tuple[str, str], ...] = (
    ("title", _("标题")),
    ("status", _("状态")),
    ("published_at", _("发布时间")),
    ("excerpt", _("摘要")),
    ("head_image", _("题图")),
    ("head_image_alt", _("题图说明")),
    ("body", _("正文")),
)
_BLOCK_END = re.compile(
    r"(</(?:p|h[1-6]|li|blockquote|figure|figcaption|pre|ul|ol|table|tr|div|section|dl|dt|dd)>|<br>|<hr>)"
)


@dataclass(frozen=True, slots=True)
class DiffLine:
    kind: str  # "added" | "removed" | "same" | "gap"
    text: str
    # The line in pieces, (changed, text): what changed within a rewritten line stands out.
    pieces: tuple[tuple[bool, str], ...] = ()


@dataclass(slots=True)
class FieldChange:
    name: str
    label: str
    lines: list[DiffLine] = field(default_factory=list)


def _time_text(value: datetime | str | None) -> str:
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return ""
    return date_format(timezone.localtime(value), "Y-m-d H:i:s")


def _status_text(value: str) -> str:
    try:
        return str(Article.Status(value).label)
    except ValueError:
        return value


def snapshot_from_values(values: dict) -> dict[str, str]:
    """Editor-facing text of the fields in ``values`` (a model's fields or a version's)."""
    return {
        "title": values.get("title") or "",
        "status": _status_text(values.get("status") or ""),
        "published_at": _time_text(values.get("published_at")),
        "excerpt": values.get("excerpt") or "",
        "head_image": str(values.get("head_image") or values.get("head_image_url") or ""),
        "head_image_alt": values.get("head_image_alt") or "",
        "body": values.get("body") or "",
    }


def snapshot_from_article(article: Article) -> dict[str, str]:
    return snapshot_from_values(
        {name: getattr(article, name) for name, _label in SNAPSHOT_FIELDS}
        | {"head_image_url": article.head_image_url}
    )


def snapshot_from_version(version: Version) -> dict[str, str]:
    return snapshot_from_values(version.field_dict)


def body_lines(html: str) -> list[str]:
    """The body one block per line, for diffs that point at paragraphs."""
    return [line for line in _BLOCK_END.sub(r"\1\n", html).split("\n") if line.strip()]


def _lines(name: str, value: str) -> list[str]:
    return body_lines(value) if name == "body" else value.splitlines() or [""]


def _word_diff(old: str, new: str) -> tuple[tuple[tuple[bool, str], ...], tuple[tuple[bool, str], ...]]:
    """Both lines in pieces, marking the characters that differ."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    old_pieces, new_pieces = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            old_pieces.append((tag != "equal", old[i1:i2]))
        if j2 > j1:
            new_pieces.append((tag != "equal", new[j1:j2]))
    return tuple(old_pieces), tuple(new_pieces)


def snapshot_diff(old: dict[str, str], new: dict[str, str], *, context: int = 1) -> list[FieldChange]:
    """Field-by-field changes from ``old`` to ``new``; unchanged fields are left out."""
    changes = []
    for name, label in SNAPSHOT_FIELDS:
        before, after = old.get(name, ""), new.get(name, "")
        if before == after:
            continue
        change = FieldChange(name=name, label=str(label))
        matcher = difflib.SequenceMatcher(None, _lines(name, before), _lines(name, after), autojunk=False)
        for group in matcher.get_grouped_opcodes(context):
            if change.lines:
                change.lines.append(DiffLine("gap", "…"))
            for tag, i1, i2, j1, j2 in group:
                if tag == "equal":
                    change.lines += [DiffLine("same", line) for line in matcher.a[i1:i2]]
                    continue
                removed, added = matcher.a[i1:i2], matcher.b[j1:j2]
                if tag == "replace" and len(removed) == len(added):
                    pairs = [
                        _word_diff(old_line, new_line)
                        for old_line, new_line in zip(removed, added, strict=True)
                    ]
                    change.lines += [
                        DiffLine("removed", line, pieces)
                        for line, (pieces, _new) in zip(removed, pairs, strict=True)
                    ]
                    change.lines += [
                        DiffLine("added", line, pieces)
                        for line, (_old, pieces) in zip(added, pairs, strict=True)
                    ]
                    continue
                change.lines += [DiffLine("removed", line) for line in removed]
                change.lines += [DiffLine("added", line) for line in added]
        changes.append(change)
    return changes


def article_versions(article: Article):
    """The article's revisions, newest first, with who made them."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def article_version_numbered(article: Article, number: int) -> Version | None:
    """The revision that recorded ``article`` at ``version`` number ``number``, if kept."""
    for version in article_versions(article):
        if version.field_dict.get("version") == number:
            return version
    return None


def version_previous(version: Version) -> Version | None:
    """The revision of the same article just before ``version``."""
    return (
        Version.objects.get_for_object_reference(version._model, version.object_id)
        .filter(revision__date_created__lte=version.revision.date_created, pk__lt=version.pk)
        .order_by("-revision__date_created", "-pk")
        .first()
    )


def deleted_versions_for(queryset, *, user):
    """The deleted-article versions in ``queryset`` that ``user`` may see: all of them for
    those who may publish (editors), only the articles they created for writers (a writer must
    not read other people's deleted titles on the recover page)."""
    if user_can_publish(user):
        return queryset
    own = [
        version.pk
        for version in queryset
        if version.field_dict.get("created_by_id") == user.pk
    ]
    return queryset.filter(pk__in=own)
