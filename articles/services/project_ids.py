"""What a project identifier and a project's logo and link may be, checked where projects are
stored (``projects_upsert``, model validation) and where mentions are read from a body.

An identifier is 1 to 64 ASCII letters, digits, ``_`` or ``-``: it is a URL path segment
(``/projects/<id>/``), so ``/``, ``..``, spaces, NUL and other characters would break the
project page, the project sitemap and every later save of an article naming it. A link with
any other ``data-id`` stays an ordinary link and is not recorded as a mention.

Logos and links are http(s) URLs, or site-relative paths for our own media.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from articles.sanitize import url_is_safe

PROJECT_ID_MAX = 64
_PROJECT_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{PROJECT_ID_MAX}}}")


def project_id_is_valid(value: str) -> bool:
    return bool(_PROJECT_ID.fullmatch(value))


def validate_project_id(value: str) -> None:
    if not project_id_is_valid(value):
        raise ValidationError(
            _("项目 ID 只能由 1 到 %(max)d 个英文字母、数字、_ 或 - 组成") % {"max": PROJECT_ID_MAX},
            code="project_id",
        )


def project_url_is_safe(value: str) -> bool:
    """An http(s) URL or a site-relative path (``/media/...``), nothing else."""
    if value.startswith("/") and not value.startswith("//"):
        return url_is_safe(value)
    return url_is_safe(value, relative=False)


def project_url_or_blank(value: str) -> str:
    return value if value and project_url_is_safe(value) else ""


def validate_logo_url(value: str) -> None:
    if value and not project_url_is_safe(value):
        raise ValidationError(_("Logo 地址只能是 http 或 https 地址"), code="logo_url")
