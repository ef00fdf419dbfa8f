"""The API's one NinjaAPI: routers mounted, errors answered as JSON ``{"detail": ...}``.

Mounted at ``/api/v1/`` by ``cms/urls.py``: OpenAPI at ``/api/v1/openapi.json`` and the
interactive docs at ``/api/v1/docs`` (Swagger UI served from django-ninja's own static files,
so the site's CSP holds).

To add an endpoint group (search, flashes ...), write a router module in ``routers/`` calling
selectors only, and mount it below with the content auth and throttle, as ``articles`` is.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from articles.api.auth import KEY_HEADER, ContentKeyAuth, StaffTokenAuth
from articles.api.pagination import CursorError
from articles.api.ratelimit import ClientRateThrottle
from articles.api.routers import articles, search, staff, taxonomy
from articles.services.articles import ArticleVersionConflict
from articles.services.images import ImageRejected

DESCRIPTION = f"""
Masthead 的内容 API（只读，供 App、小程序与合作方使用）与后台 API（编辑部员工令牌）。

- **内容 API**：需要内容密钥，放在请求头 `{KEY_HEADER}` 或查询参数 `?key=`；
  密钥在后台“内容 API 密钥”中创建与撤销，
  每把密钥有每分钟请求上限（超出返回 429 和 `Retry-After`）。只返回已发布且已到发布时间的内容。
  响应带 `ETag`，用 `If-None-Match` 重新验证可得 304；内容有任何变化，ETag 随之改变。
- **翻页**：列表返回 `next_cursor` 和 `next`，原样传回即可；`limit` 超过上限按上限返回。
- **后台 API**：`Authorization: Bearer <令牌>`，令牌在后台“后台 API 令牌”中创建（只显示一次），代表其用户、
  遵守同样的权限：撰稿人可以新建、修改自己的稿件、上传题图、提交审核，不能发布；编辑可以发布、定时与撤回。
  修改须带 `If-Match: "<version>"`（或 `expected_version`），版本已变返回 409。
- **错误**：`{{"detail": ...}}`，参数错误为 400 或 422，不会是 500。
"""


class UnicodeJSONRenderer(JSONRenderer):
    """JSON in UTF-8 as written (Chinese stays readable, not ``\\uXXXX``)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    title="Masthead API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": True, "defaultModelsExpandDepth": 0}),
)

_content = {"auth": ContentKeyAuth(), "throttle": ClientRateThrottle()}
api.add_router("/", articles.router, **_content)
api.add_router("/", taxonomy.router, **_content)
api.add_router("/", search.router, **_content)
api.add_router("/admin", staff.router, auth=StaffTokenAuth(), throttle=ClientRateThrottle())


def _error(request: HttpRequest, status: int, detail, **extra) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("需要有效的凭据：内容 API 用密钥，后台 API 用 Bearer 令牌。"))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(error) or _("你没有执行此操作的权限。"))


@api.exception_handler(ArticleVersionConflict)
def _conflict(request: HttpRequest, error: ArticleVersionConflict) -> HttpResponse:
    detail = _("文章已被修改：当前是第 %(current)d 版，你基于第 %(expected)d 版。请重新读取后再改。") % {
        "current": error.current.version,
        "expected": error.expected,
    }
    return _error(request, 409, detail, current_version=error.current.version)


@api.exception_handler(CursorError)
def _bad_cursor(request: HttpRequest, error: CursorError) -> HttpResponse:
    return _error(request, 400, str(error))


@api.exception_handler(ImageRejected)
def _bad_image(request: HttpRequest, error: ImageRejected) -> HttpResponse:
    return _error(request, 422, str(error))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return _error(request, 422, error.messages)
