"""``/search``: published articles matching a query, best first, in the article lists'
representation. The same engine as the site's ``/search/`` (``articles.search``)."""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router
from ninja.errors import HttpError

from articles import search_selectors, selectors
from articles.api import schemas
from articles.api.caching import cached_json
from articles.api.pagination import CursorError, Page
from articles.api.params import ArticleListParams, Text, fields_chosen, includes_chosen
from articles.api.representation import ARTICLE_LIST_FIELDS, article_dict, included_dict, relations_for
from articles.api.routers.listing import page_envelope
from articles.search import MAX_QUERY_LENGTH, QueryTooLong, query_parse

router = Router(tags=["search"])

_SALT = "articles.api.search"
_ERRORS = {400: schemas.Error, 401: schemas.Error, 422: schemas.Error, 429: schemas.Error}
# Ranked results are paged by position; nobody reads past this many.
MAX_OFFSET = 10_000


class SearchParams(ArticleListParams):
    q: Text = Field(..., description=f"搜索词（最多 {MAX_QUERY_LENGTH} 个字符；支持繁体、全角、中英混合）")


def _offset(cursor: str | None, q: str) -> int:
    if not cursor:
        return 0
    try:
        query, offset = signing.Signer(salt=_SALT).unsign_object(cursor)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError) as error:
        raise CursorError(_("cursor 无效：请使用上一页响应中的 next_cursor 原样传回。")) from error
    if query != q or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise CursorError(_("cursor 属于另一个搜索词。"))
    return offset


@router.get(
    "/search",
    response={200: schemas.ArticleList, **_ERRORS},
    summary="搜索文章",
    description=(
        "已发布且已到发布时间的文章中与 q 匹配的，按相关度排序（标题 > 摘要 > 正文，短语与邻近，"
        "以 project-link 引用所搜公司的文章优先，再按发布时间）。表示与文章列表相同；"
        "筛选参数同 /articles（ordering 与 updated_after 不适用）。q 超过 200 个字符返回 400。"
    ),
)
def article_search(request: HttpRequest, params: Query[SearchParams]) -> HttpResponse:
    try:
        query = query_parse(params.q)
    except QueryTooLong as error:
        raise HttpError(400, str(error)) from error
    fields = fields_chosen(params.fields, default=ARTICLE_LIST_FIELDS)
    include = includes_chosen(params.include)
    offset = _offset(params.cursor, params.q)

    def build() -> dict:
        filters = params.filters()
        found = search_selectors.article_search_published(query=query, filters=filters)
        limit = params.page_size()
        ids = found.ids(offset=offset, limit=limit + 1)
        queryset = selectors.article_with_relations(
            selectors.article_list_filtered(filters=filters, with_body="body_html" in fields).filter(
                pk__in=ids[:limit]
            ),
            relations=relations_for(fields=fields, include=include),
        )
        by_id = {article.pk: article for article in queryset}
        items = [by_id[pk] for pk in ids[:limit] if pk in by_id]
        more = len(ids) > limit and offset + limit <= MAX_OFFSET
        cursor = signing.Signer(salt=_SALT).sign_object([params.q, offset + limit]) if more else None
        page = Page(items=items, next_cursor=cursor, limit=limit)
        answer = page_envelope(request, page, [article_dict(a, fields=fields) for a in items])
        if include:
            answer["included"] = included_dict(items, include=include)
        return answer

    return cached_json(request, build)
