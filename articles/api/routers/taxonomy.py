"""``/authors``, ``/categories``, ``/tags``, ``/projects``: only those named by at least one
published article (a name used only by drafts is neither listed nor found)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router

from articles import selectors
from articles.api import schemas
from articles.api.caching import cached_json
from articles.api.pagination import Ordering, keyset_page
from articles.api.params import PageParams
from articles.api.representation import author_full, category_full, project_full, tag_full
from articles.api.routers.listing import page_envelope

router = Router(tags=["taxonomy"])

_ERRORS = {400: schemas.Error, 401: schemas.Error, 422: schemas.Error, 429: schemas.Error}
_BY_SLUG = Ordering.parse("slug", kind=str)
_BY_IDENTIFIER = Ordering.parse("external_id", kind=str)
_KEY = Path(..., min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")


def _listing(
    request: HttpRequest,
    params: PageParams,
    queryset: QuerySet,
    ordering: Ordering,
    represent: Callable[[Model], dict],
) -> HttpResponse:
    def build() -> dict:
        page = keyset_page(queryset, ordering=ordering, cursor=params.cursor, limit=params.page_size())
        return page_envelope(request, page, [represent(item) for item in page.items])

    return cached_json(request, build)


@router.get("/authors", response={200: schemas.AuthorList, **_ERRORS}, summary="作者列表（按 slug）")
def author_list(request: HttpRequest, params: Query[PageParams]) -> HttpResponse:
    return _listing(request, params, selectors.author_list_published(), _BY_SLUG, author_full)


@router.get("/authors/{slug}", response={200: schemas.Author, 404: schemas.Error, **_ERRORS}, summary="作者")
def author_detail(request: HttpRequest, slug: str = _KEY) -> HttpResponse:
    return cached_json(request, lambda: author_full(selectors.author_get_published(slug=slug)))


@router.get("/categories", response={200: schemas.CategoryList, **_ERRORS}, summary="分类（栏目）列表")
def category_list(request: HttpRequest, params: Query[PageParams]) -> HttpResponse:
    return _listing(request, params, selectors.category_list_published(), _BY_SLUG, category_full)


@router.get(
    "/categories/{slug}",
    response={200: schemas.Category, 404: schemas.Error, **_ERRORS},
    summary="分类（栏目）",
)
def category_detail(request: HttpRequest, slug: str = _KEY) -> HttpResponse:
    return cached_json(request, lambda: category_full(selectors.category_get_published(slug=slug)))


@router.get("/tags", response={200: schemas.TagList, **_ERRORS}, summary="标签列表")
def tag_list(request: HttpRequest, params: Query[PageParams]) -> HttpResponse:
    return _listing(request, params, selectors.tag_list_published(), _BY_SLUG, tag_full)


@router.get("/tags/{slug}", response={200: schemas.Tag, 404: schemas.Error, **_ERRORS}, summary="标签")
def tag_detail(request: HttpRequest, slug: str = _KEY) -> HttpResponse:
    return cached_json(request, lambda: tag_full(selectors.tag_get_published(slug=slug)))


@router.get("/projects", response={200: schemas.ProjectList, **_ERRORS}, summary="项目列表（按项目 ID）")
def project_list(request: HttpRequest, params: Query[PageParams]) -> HttpResponse:
    return _listing(request, params, selectors.project_list_published(), _BY_IDENTIFIER, project_full)


@router.get(
    "/projects/{identifier}", response={200: schemas.Project, 404: schemas.Error, **_ERRORS}, summary="项目"
)
def project_detail(request: HttpRequest, identifier: str = _KEY) -> HttpResponse:
    return cached_json(request, lambda: project_full(selectors.project_get_published(external_id=identifier)))
