"""Query parameters of the content API, validated before any query runs.

Bad values get a 422 (pydantic's list of what is wrong, field by field) or a 400 with a
sentence saying what is allowed; none reaches the database: strings carry no control
characters (a NUL would make PostgreSQL fail) and have a length limit, numbers have bounds,
dates are real dates in a range every database stores (naive ones are in the site's zone).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError
from pydantic import AfterValidator

from articles.api.representation import ARTICLE_FIELDS, INCLUDES
from articles.publication_dates import publication_date_in_range, publication_date_message
from articles.selectors import ArticleFilters

_CONTROL = {chr(code) for code in range(32)} - {"\t"} | {"\x7f"}
# The largest value a BIGINT primary key can hold (and SQLite's INTEGER).
MAX_ID = 2**63 - 1


def _no_control_characters(value: str) -> str:
    if any(character in _CONTROL for character in value):
        raise ValueError(_("不能包含控制字符（如 NUL）"))
    return value


def _sane_datetime(value: datetime) -> datetime:
    if not 1900 <= value.year <= 9000:
        raise ValueError(_("日期须在 1900 年到 9000 年之间"))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _publication_datetime(value: datetime) -> datetime:
    if not publication_date_in_range(value):
        raise ValueError(publication_date_message())
    return value


Text = Annotated[str, AfterValidator(_no_control_characters)]
Slug = Annotated[Text, Field(min_length=1, max_length=200)]
When = Annotated[datetime, AfterValidator(_sane_datetime)]
PublishedAt = Annotated[When, AfterValidator(_publication_datetime)]  # a date an article is given
Cursor = Annotated[Text, Field(min_length=1, max_length=500)]
Limit = Annotated[
    int,
    Field(ge=1, description="每页条数；超过上限（默认 100）按上限返回"),
]


class PageParams(Schema):
    cursor: Cursor | None = Field(None, description="上一页响应中的 next_cursor，原样传回")
    limit: Limit | None = None

    def page_size(self) -> int:
        """``limit`` capped at ``ARTICLES_API_MAX_PAGE_SIZE`` (default ``ARTICLES_API_PAGE_SIZE``)."""
        return min(self.limit or settings.ARTICLES_API_PAGE_SIZE, settings.ARTICLES_API_MAX_PAGE_SIZE)


class ArticleListParams(PageParams):
    category: Slug | None = Field(None, description="分类（栏目）的 slug")
    tag: Slug | None = Field(None, description="标签的 slug")
    author: Slug | None = Field(None, description="作者的 slug（任何署名角色）")
    project: Slug | None = Field(None, description="正文提及的项目 ID（project-link 的 data-id）")
    published_after: When | None = Field(None, description="发布时间 ≥ 此时间（ISO 8601，无时区按北京时间）")
    published_before: When | None = Field(None, description="发布时间 < 此时间")
    updated_after: When | None = Field(None, description="更新时间 > 此时间（同步客户端用）")
    ordering: Literal["-published_at", "published_at", "-updated_at", "updated_at"] = Field(
        "-published_at", description="排序；同步客户端可用 updated_at 配合 updated_after"
    )
    fields: Text | None = Field(None, max_length=500, description="逗号分隔的字段名，只返回这些字段")
    include: Text | None = Field(
        None, max_length=100, description="逗号分隔：authors、projects，附在 included 中"
    )

    def filters(self) -> ArticleFilters:
        return ArticleFilters(
            category=self.category,
            tag=self.tag,
            author=self.author,
            project=self.project,
            published_after=self.published_after,
            published_before=self.published_before,
            updated_after=self.updated_after,
        )


class ArticleDetailParams(Schema):
    fields: Text | None = Field(None, max_length=500, description="逗号分隔的字段名，只返回这些字段")
    include: Text | None = Field(None, max_length=100, description="逗号分隔：authors、projects")


def _names(value: str | None, allowed, what: str) -> list[str] | None:
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise HttpError(
            400,
            _("未知的 %(what)s：%(unknown)s。可用：%(allowed)s")
            % {"what": what, "unknown": ", ".join(unknown[:5]), "allowed": ", ".join(allowed)},
        )
    return names


def fields_chosen(value: str | None, *, default: frozenset[str]) -> frozenset[str]:
    """The fields ``fields=`` asks for (``default`` when absent). Raises a 400 ``HttpError``
    naming unknown fields and the allowed ones."""
    names = _names(value, list(ARTICLE_FIELDS), "fields")
    return default if names is None else frozenset(names) or default


def includes_chosen(value: str | None) -> frozenset[str]:
    """The related objects ``include=`` asks for. Raises a 400 ``HttpError`` on unknown names."""
    return frozenset(_names(value, list(INCLUDES), "include") or ())
