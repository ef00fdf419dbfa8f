"""Who is calling: a content key, an anonymous reader (when allowed), or a staff token.

- Content API: the key comes as ``?key=`` or the ``X-Masthead-Key`` header. Without one the
  request is refused (401) unless ``ARTICLES_API_ANONYMOUS`` is on, in which case it is limited
  per IP address (``ARTICLES_API_ANONYMOUS_RATE_LIMIT`` a minute). A wrong or revoked key is
  always refused, never treated as anonymous.
- Admin API: ``Authorization: Bearer <token>``; the token acts as its user, with that user's
  permissions, limited to ``ARTICLES_API_STAFF_RATE_LIMIT`` requests a minute.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyHeader, HttpBearer

from articles.services.api_access import content_key_resolve, staff_token_resolve

KEY_HEADER = "X-Masthead-Key"
KEY_PARAMETER = "key"


@dataclass(frozen=True, slots=True)
class ApiClient:
    """The caller of one request (``request.auth``)."""

    kind: str  # "key", "anonymous" or "staff"
    ident: str  # what its rate limit is counted on
    rate_limit: int
    name: str = ""
    user: object = None  # the staff token's user


class ContentKeyAuth(APIKeyHeader):
    """A content key from the header or the query string (see the module docstring)."""

    param_name = KEY_HEADER

    def __call__(self, request) -> ApiClient | None:
        secret = request.headers.get(KEY_HEADER) or request.GET.get(KEY_PARAMETER)
        return self.authenticate(request, secret)

    def authenticate(self, request, key: str | None) -> ApiClient | None:
        if not key:
            if settings.ARTICLES_API_ANONYMOUS:
                address = request.META.get("REMOTE_ADDR", "")
                return ApiClient(
                    kind="anonymous",
                    ident=f"ip:{address}",
                    rate_limit=settings.ARTICLES_API_ANONYMOUS_RATE_LIMIT,
                )
            raise HttpError(
                401,
                _("需要内容 API 密钥：在查询参数 key= 或请求头 %(header)s 中提供。") % {"header": KEY_HEADER},
            )
        resolved = content_key_resolve(secret=key)
        if resolved is None:
            raise HttpError(401, _("内容 API 密钥无效或已撤销。"))
        return ApiClient(
            kind="key", ident=f"key:{resolved.id}", rate_limit=resolved.rate_limit, name=resolved.name
        )


class StaffTokenAuth(HttpBearer):
    """An admin API token (``Authorization: Bearer mhs_...``)."""

    def __call__(self, request) -> ApiClient | None:
        if not request.headers.get("Authorization"):
            raise HttpError(401, _("需要后台 API 令牌：Authorization: Bearer <令牌>。"))
        return super().__call__(request)

    def authenticate(self, request, token: str) -> ApiClient | None:
        found = staff_token_resolve(secret=token.strip())
        if found is None:
            raise HttpError(401, _("后台 API 令牌无效、已撤销或已过期，或其用户已停用。"))
        return ApiClient(
            kind="staff",
            ident=f"token:{found.pk}",
            rate_limit=settings.ARTICLES_API_STAFF_RATE_LIMIT,
            name=found.name,
            user=found.user,
        )
