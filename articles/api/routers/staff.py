"""``/admin/articles``: the admin API. A staff token acts as its user, through the same
services and rules as the admin: writers create and edit their own drafts, upload head images
and submit for review; only editors publish, schedule and unpublish (``PermissionDenied`` ->
403). Every write goes through ``article_save`` (cleaning, bylines to credits, mentions,
renditions, a revision). Edits need the version they were based on (``If-Match: "<version>"``
or ``expected_version``): a stale one is a 409, a missing one a 428.
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import AfterValidator

from articles import selectors
from articles.api import schemas
from articles.api.caching import JSON_CONTENT_TYPE, json_bytes
from articles.api.pagination import Ordering, keyset_page
from articles.api.params import MAX_ID, PageParams, PublishedAt
from articles.api.representation import ARTICLE_FIELDS, article_dict, iso
from articles.api.routers.listing import page_envelope
from articles.models import Article
from articles.sanitize import html_depth_check
from articles.services.articles import article_head_image_set, article_save
from articles.services.publishing import article_publish, article_submit_for_review, article_unpublish

router = Router(tags=["admin"])


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("不能包含 NUL 字符"))
    return value


def _cleanable(value: str) -> str:
    html_depth_check(value)  # HtmlTooDeepError is a ValueError: a 422 saying why
    return value


Body = Annotated[str, AfterValidator(_no_nul), AfterValidator(_cleanable), Field(max_length=2_000_000)]
Line = Annotated[str, AfterValidator(_no_nul), Field(max_length=500)]
Name = Annotated[str, AfterValidator(_no_nul), Field(min_length=1, max_length=100)]
Fraction = Annotated[float, Field(ge=0, le=1)]
WriterStatus = Literal["draft", "review"]


class ArticleCreate(Schema):
    title: Annotated[Line, Field(min_length=1)]
    body: Body = Field("", description="正文 HTML；保存时按白名单清洗，“文 | 名字”等署名段落变为署名")
    excerpt: Annotated[str, AfterValidator(_no_nul), Field(max_length=2000)] = ""
    status: WriterStatus = "draft"
    categories: list[Name] | None = Field(None, max_length=50, description="分类名称，按顺序，第一个是主栏目")
    tags: list[Name] | None = Field(None, max_length=100)
    source: Annotated[str, AfterValidator(_no_nul), Field(max_length=200)] = ""
    comments_enabled: bool = True
    head_image_alt: Annotated[str, AfterValidator(_no_nul), Field(max_length=300)] = ""


class ArticleUpdate(Schema):
    expected_version: int | None = Field(None, ge=1, le=MAX_ID, description="也可用 If-Match 请求头")
    title: Annotated[Line, Field(min_length=1)] | None = None
    body: Body | None = None
    excerpt: Annotated[str, AfterValidator(_no_nul), Field(max_length=2000)] | None = None
    status: WriterStatus | None = Field(None, description="draft 或 review；发布、定时、撤回用各自的接口")
    categories: list[Name] | None = Field(None, max_length=50)
    tags: list[Name] | None = Field(None, max_length=100)
    source: Annotated[str, AfterValidator(_no_nul), Field(max_length=200)] | None = None
    comments_enabled: bool | None = None
    head_image_alt: Annotated[str, AfterValidator(_no_nul), Field(max_length=300)] | None = None
    head_image_focal_x: Fraction | None = None
    head_image_focal_y: Fraction | None = None


class PublishIn(Schema):
    published_at: PublishedAt | None = Field(None, description="将来的时间即定时发布；省略则立即发布")
    expected_version: int | None = Field(None, ge=1, le=MAX_ID)


class StaffListParams(PageParams):
    status: Literal["draft", "review", "published", "unpublished"] | None = None


class StaffArticle(schemas.Article):
    body: str | None = Field(None, description="存储的正文 HTML（已清洗），编辑后原样提交")
    status: str
    version: int = Field(description="乐观并发：修改时作为 If-Match 或 expected_version 传回")
    comments_enabled: bool
    created_by: str | None
    scheduled: bool = Field(description="已发布但未到发布时间")


class StaffArticleList(schemas.Strict):
    items: list[StaffArticle]
    next_cursor: str | None
    next: str | None
    limit: int


class Conflict(schemas.Strict):
    detail: str
    current_version: int


_ERRORS = {400: schemas.Error, 401: schemas.Error, 403: schemas.Error, 404: schemas.Error, 422: schemas.Error}
_WRITE_ERRORS = {**_ERRORS, 409: Conflict, 428: schemas.Error}
_PUBLIC_FIELDS = frozenset(ARTICLE_FIELDS) - {"body_html"}
_ID = Path(..., ge=1, le=MAX_ID)


def _staff_dict(article: Article) -> dict:
    return {
        **article_dict(article, fields=_PUBLIC_FIELDS),
        "published_at": iso(article.published_at),
        "body": article.body,
        "status": article.status,
        "version": article.version,
        "comments_enabled": article.comments_enabled,
        "created_by": article.created_by.get_username() if article.created_by_id else None,
        "scheduled": article.status == Article.Status.PUBLISHED
        and article.published_at is not None
        and article.published_at > timezone.now(),
    }


def _answer(request: HttpRequest, pk: int, status: int = 200) -> HttpResponse:
    article = selectors.article_get_for_staff(pk=pk, user=request.auth.user)
    response = HttpResponse(json_bytes(_staff_dict(article)), status=status, content_type=JSON_CONTENT_TYPE)
    response["ETag"] = f'"{article.version}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _expected_version(request: HttpRequest, given: int | None, *, required: bool) -> int | None:
    header = request.headers.get("If-Match", "").strip()
    if header:
        value = header.removeprefix("W/").strip('"')
        if not value.isdigit() or len(value) > 18:
            raise HttpError(400, _('If-Match 须为文章的 version，如 If-Match: "3"。'))
        if given is not None and given != int(value):
            raise HttpError(400, _("If-Match 与 expected_version 不一致。"))
        return int(value)
    if given is None and required:
        raise HttpError(
            428, _('修改须说明基于哪个版本：请求头 If-Match: "<version>" 或字段 expected_version。')
        )
    return given


@router.get("/articles", response={200: StaffArticleList, **_ERRORS}, summary="我能编辑的文章")
def staff_article_list(request: HttpRequest, params: Query[StaffListParams]) -> HttpResponse:
    queryset = selectors.article_list_for_staff(user=request.auth.user).select_related("created_by")
    if params.status:
        queryset = queryset.filter(status=params.status)
    queryset = selectors.article_with_relations(queryset)
    page = keyset_page(
        queryset, ordering=Ordering.parse("-id", kind=int), cursor=params.cursor, limit=params.page_size()
    )
    answer = page_envelope(request, page, [_staff_dict(a) for a in page.items])
    response = HttpResponse(json_bytes(answer), content_type=JSON_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("/articles", response={201: StaffArticle, **_ERRORS}, summary="新建稿件")
def staff_article_create(request: HttpRequest, data: ArticleCreate) -> HttpResponse:
    values = data.model_dump(exclude={"categories", "tags"})
    article = Article(**values)
    article_save(article=article, categories=data.categories, tags=data.tags, by=request.auth.user)
    return _answer(request, article.pk, status=201)


@router.get("/articles/{article_id}", response={200: StaffArticle, **_ERRORS}, summary="读取稿件")
def staff_article_get(request: HttpRequest, article_id: int = _ID) -> HttpResponse:
    return _answer(request, article_id)


@router.patch("/articles/{article_id}", response={200: StaffArticle, **_WRITE_ERRORS}, summary="修改稿件")
def staff_article_update(request: HttpRequest, data: ArticleUpdate, article_id: int = _ID) -> HttpResponse:
    expected = _expected_version(request, data.expected_version, required=True)
    article = selectors.article_get_for_staff(pk=article_id, user=request.auth.user)
    changes = data.model_dump(exclude_unset=True, exclude={"expected_version", "categories", "tags"})
    for name, value in changes.items():
        if value is None and name not in ("head_image_focal_x", "head_image_focal_y"):
            raise HttpError(422, _("%(field)s 不能为 null。") % {"field": name})
        setattr(article, name, value)
    article_save(
        article=article,
        categories=data.categories,
        tags=data.tags,
        by=request.auth.user,
        expected_version=expected,
    )
    return _answer(request, article.pk)


@router.post(
    "/articles/{article_id}/head-image",
    response={200: StaffArticle, **_WRITE_ERRORS},
    summary="上传题图",
    description=(
        "multipart/form-data：file（JPEG、PNG、WebP、GIF），"
        "可选 alt、focal_x、focal_y（0–1）、expected_version。"
    ),
)
def staff_head_image_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    article_id: int = _ID,
    alt: Form[str | None] = None,
    focal_x: Form[Fraction | None] = None,
    focal_y: Form[Fraction | None] = None,
    expected_version: Form[int | None] = None,
) -> HttpResponse:
    expected = _expected_version(request, expected_version, required=True)
    if alt is not None and ("\x00" in alt or len(alt) > 300):
        raise HttpError(422, _("alt 不能超过 300 字，也不能包含 NUL 字符。"))
    if (focal_x is None) != (focal_y is None):
        raise HttpError(422, _("focal_x 和 focal_y 须同时提供。"))
    article = selectors.article_get_for_staff(pk=article_id, user=request.auth.user)
    focal = (focal_x, focal_y) if focal_x is not None else None
    article_head_image_set(
        article=article, upload=file, alt=alt, focal=focal, by=request.auth.user, expected_version=expected
    )
    return _answer(request, article.pk)


@router.post(
    "/articles/{article_id}/submit", response={200: StaffArticle, **_WRITE_ERRORS}, summary="提交审核"
)
def staff_article_submit(request: HttpRequest, article_id: int = _ID) -> HttpResponse:
    expected = _expected_version(request, None, required=False)
    article = selectors.article_get_for_staff(pk=article_id, user=request.auth.user)
    article_submit_for_review(article=article, by=request.auth.user, expected_version=expected)
    return _answer(request, article.pk)


@router.post(
    "/articles/{article_id}/publish",
    response={200: StaffArticle, **_WRITE_ERRORS},
    summary="发布或定时发布（编辑）",
)
def staff_article_publish(request: HttpRequest, data: PublishIn, article_id: int = _ID) -> HttpResponse:
    expected = _expected_version(request, data.expected_version, required=False)
    article = selectors.article_get_for_staff(pk=article_id, user=request.auth.user)
    article_publish(article=article, by=request.auth.user, at=data.published_at, expected_version=expected)
    return _answer(request, article.pk)


@router.post(
    "/articles/{article_id}/unpublish", response={200: StaffArticle, **_WRITE_ERRORS}, summary="撤回（编辑）"
)
def staff_article_unpublish(request: HttpRequest, article_id: int = _ID) -> HttpResponse:
    expected = _expected_version(request, None, required=False)
    article = selectors.article_get_for_staff(pk=article_id, user=request.auth.user)
    article_unpublish(article=article, by=request.auth.user, expected_version=expected)
    return _answer(request, article.pk)
