"""Plain Django views beside the NinjaAPI."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _


def api_not_found(request: HttpRequest) -> JsonResponse:
    """Any /api/ path no endpoint answers (an unknown version or a typo): JSON, like the rest."""
    return JsonResponse(
        {"detail": _("没有这个 API 地址。文档见 /api/v1/docs。")},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
