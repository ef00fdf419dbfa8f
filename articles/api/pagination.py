"""Keyset pagination with opaque cursors: page 5,000 costs what page 1 costs.

A page is read as "the next ``limit`` rows after this one in this order" on an indexed column
and the primary key (never ``OFFSET``). The cursor names the last row of the previous page and
the ordering it was read in; it is signed, so a cursor that was edited or made up is refused
with ``CursorError`` (a 400) instead of running a strange query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

_SIGNER_SALT = "articles.api.cursor"


class CursorError(ValueError):
    """A cursor that was not made by this API for this ordering."""


@dataclass(frozen=True, slots=True)
class Ordering:
    """``name`` as clients write it (``-published_at``), over ``field``, ties broken by pk."""

    name: str
    field: str
    descending: bool
    kind: type = datetime  # how the field's value travels in a cursor: datetime or str

    @classmethod
    def parse(cls, name: str, *, kind: type = datetime) -> Ordering:
        return cls(name=name, field=name.lstrip("-"), descending=name.startswith("-"), kind=kind)

    def order_by(self) -> tuple[str, str]:
        sign = "-" if self.descending else ""
        return (f"{sign}{self.field}", f"{sign}pk")


@dataclass(slots=True)
class Page:
    items: list[Any]
    next_cursor: str | None
    limit: int


def _encode_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def cursor_encode(ordering: Ordering, row: Any) -> str:
    value = getattr(row, ordering.field)
    return signing.Signer(salt=_SIGNER_SALT).sign_object([ordering.name, _encode_value(value), row.pk])


def cursor_decode(cursor: str, ordering: Ordering) -> tuple[Any, int]:
    """The (value, pk) a cursor points after. Raises ``CursorError``."""
    try:
        name, value, pk = signing.Signer(salt=_SIGNER_SALT).unsign_object(cursor)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError) as error:
        raise CursorError(_("cursor 无效：请使用上一页响应中的 next_cursor 原样传回。")) from error
    if name != ordering.name:
        raise CursorError(
            _("cursor 属于排序 %(cursor)s，与本次请求的 ordering=%(ordering)s 不一致。")
            % {"cursor": name, "ordering": ordering.name}
        )
    if ordering.kind is datetime:
        value = datetime.fromisoformat(value)
    return value, int(pk)


def keyset_page(queryset: QuerySet, *, ordering: Ordering, cursor: str | None, limit: int) -> Page:
    """Up to ``limit`` rows of ``queryset`` in ``ordering`` after ``cursor``; one query (plus
    whatever the queryset prefetches). ``next_cursor`` is ``None`` on the last page."""
    queryset = queryset.order_by(*ordering.order_by())
    if cursor:
        value, pk = cursor_decode(cursor, ordering)
        field = ordering.field
        if ordering.descending:
            # The redundant "<=" lets the database start an index range scan at the cursor.
            after = Q(**{f"{field}__lte": value}) & (
                Q(**{f"{field}__lt": value}) | Q(**{field: value, "pk__lt": pk})
            )
        else:
            after = Q(**{f"{field}__gte": value}) & (
                Q(**{f"{field}__gt": value}) | Q(**{field: value, "pk__gt": pk})
            )
        queryset = queryset.filter(after)
    rows = list(queryset[: limit + 1])
    next_cursor = cursor_encode(ordering, rows[limit - 1]) if len(rows) > limit else None
    return Page(items=rows[:limit], next_cursor=next_cursor, limit=limit)
