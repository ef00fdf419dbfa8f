"""``/articles``: published articles, listed (filters, ordering, cursor) and one by id."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router

from articles import selectors
from articles.api import schemas
from articles.api.caching import cached_json
from articles.api.pagination import Ordering, keyset_page
from articles.api.params import MAX_ID, ArticleDetailParams, ArticleListParams, fields_chosen, includes_chosen
from articles.api.representation import (
    ARTICLE_DETAIL_FIELDS,
    ARTICLE_LIST_FIELDS,
    article_dict,
    included_dict,
    relations_for,
)
from articles.api.routers.listing import page_envelope

router = Router(tags=["articles"])

_ERRORS = {400: schemas.Error, 401: schemas.Error, 422: schemas.Error, 429: schemas.Error}


@router.get(
    "/articles",
    response={200: schemas.ArticleList, **_ERRORS},
    summary="文章列表",
    description=(
        "已发布且已到发布时间的文章。默认按发布时间倒序；用 next_cursor 翻页（不论翻多深都一样快）。"
        "列表默认不含 body_html，可用 fields= 指定字段；include=authors,projects 把相关对象附在 included 中。"
    ),
)
def article_list(request: HttpRequest, params: Query[ArticleListParams]) -> HttpResponse:
    fields = fields_chosen(params.fields, default=ARTICLE_LIST_FIELDS)
    include = includes_chosen(params.include)

    def build() -> dict:
        queryset = selectors.article_list_filtered(filters=params.filters(), with_body="body_html" in fields)
        queryset = selectors.article_with_relations(
            queryset, relations=relations_for(fields=fields, include=include)
        )
        page = keyset_page(
            queryset, ordering=Ordering.parse(params.ordering), cursor=params.cursor, limit=params.page_size()
        )
        answer = page_envelope(request, page, [article_dict(a, fields=fields) for a in page.items])
        if include:
            answer["included"] = included_dict(page.items, include=include)
        return answer

    return cached_json(request, build)


@router.get(
    "/articles/{article_id}",
    response={200: schemas.ArticleDetail, 404: schemas.Error, **_ERRORS},
    summary="单篇文章",
    description=(
        "一篇已发布的文章，默认包含全部字段（含 body_html）。"
        "草稿、待审、撤回和未到时间的定时文章一律 404。"
    ),
)
def article_detail(
    request: HttpRequest,
    params: Query[ArticleDetailParams],
    article_id: int = Path(..., ge=1, le=MAX_ID),
) -> HttpResponse:
    fields = fields_chosen(params.fields, default=ARTICLE_DETAIL_FIELDS)
    include = includes_chosen(params.include)

    def build() -> dict:
        article = selectors.article_get_published(pk=article_id)
        answer: dict = {"article": article_dict(article, fields=fields)}
        if include:
            answer["included"] = included_dict([article], include=include)
        return answer

    return cached_json(request, build)
