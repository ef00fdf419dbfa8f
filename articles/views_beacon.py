"""The page-view beacon: ``/p/<id>/view.gif``, a 1×1 image each article page loads, so views
count on cached pages too. It sets no cookie, stores nothing about the reader and costs no SQL
write (``articles.site.most_read``)."""

from __future__ import annotations

import base64

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from articles.site.most_read import view_record

# A transparent 1×1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _counts(request: HttpRequest) -> bool:
    if request.method != "GET":
        return False
    if "prefetch" in request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", ""):
        return False
    return not request.user.is_authenticated  # staff checking pages are not readers


@require_safe
def view_beacon(request: HttpRequest, pk: int) -> HttpResponse:
    if _counts(request):
        view_record(article_id=pk)
    response = HttpResponse(PIXEL, content_type="image/gif")
    add_never_cache_headers(response)  # every reading is a request
    return response
