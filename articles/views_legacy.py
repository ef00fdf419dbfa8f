"""Old Hexo URLs: a legacy permalink answers with a 301 to the article's ``/p/<id>/``.

Wired as the last URL pattern (``cms/urls.py``), so it only sees paths nothing else matched:
one indexed query, then the normal 404.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from articles import selectors


def _with_query(request: HttpRequest, url: str) -> str:
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


def legacy_redirect(request: HttpRequest, path: str) -> HttpResponsePermanentRedirect:
    article_id = selectors.article_id_for_legacy_url(path=request.path_info)
    if article_id is not None:
        return HttpResponsePermanentRedirect(
            _with_query(request, reverse("articles:detail", kwargs={"pk": article_id}))
        )
    # This catch-all matches every path, so CommonMiddleware's APPEND_SLASH no longer sees a
    # 404 for "/p/1"; redirect to the slashed URL here when a real view answers it.
    if settings.APPEND_SLASH and not path.endswith("/") and request.method in ("GET", "HEAD"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not legacy_redirect:
            return HttpResponsePermanentRedirect(_with_query(request, request.path + "/"))
    raise Http404(_("页面不存在"))
