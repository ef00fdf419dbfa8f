"""The admin app, with Masthead's admin site (``cms.two_factor.MastheadAdminSite``) as
``admin.site``, and the client address the login lockout counts (django-axes).

Nothing here imports models: this module is loaded while the app registry is being filled.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.apps import AdminConfig


class MastheadAdminConfig(AdminConfig):
    default_site = "cms.two_factor.MastheadAdminSite"


def client_address(request) -> str | None:
    """The address a login comes from: ``REMOTE_ADDR``, or behind ``LOGIN_PROXY_COUNT``
    proxies of our own, the address the outermost of them saw (counted from the right of
    ``X-Forwarded-For``, so a client cannot choose it by sending the header itself)."""
    count = settings.LOGIN_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
