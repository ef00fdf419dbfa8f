"""What every paged list answer shares: the ``next`` link and the page envelope."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest

from articles.api.auth import KEY_PARAMETER
from articles.api.pagination import Page


def next_url(request: HttpRequest, cursor: str | None) -> str | None:
    """The request's URL on the public site with ``cursor`` for the next page. Never carries the
    caller's key (answers are cached and shared between keys) nor the request's Host header."""
    if cursor is None:
        return None
    query = [
        (name, value)
        for name, values in request.GET.lists()
        if name not in (KEY_PARAMETER, "cursor")
        for value in values
    ]
    query.append(("cursor", cursor))
    return f"{settings.MASTHEAD_SITE_URL}{request.path}?{urlencode(query)}"


def page_envelope(request: HttpRequest, page: Page, items: list[dict]) -> dict:
    return {
        "items": items,
        "next_cursor": page.next_cursor,
        "next": next_url(request, page.next_cursor),
        "limit": page.limit,
    }
