"""Small images article pages load: the page-view beacon ``/p/<id>/view.gif`` (a 1×1 image,
so views count on cached pages too; it sets no cookie, stores nothing about the reader and costs
no SQL write, see ``articles.site.most_read``) and the WeChat share QR code ``/p/<id>/qr.svg``
(a cached reader page)."""

from __future__ import annotations

import base64

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from articles import selectors
from articles.caching import keys
from articles.jsonld import absolute_url
from articles.site.most_read import view_record
from articles.site.sharing import qr_svg

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


@require_safe
def share_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code of a public article's address (404 otherwise)."""
    article = selectors.article_get_published_light(pk=pk)
    keys.declare_objects(article)
    return HttpResponse(qr_svg(absolute_url(article.get_absolute_url())), content_type="image/svg+xml")
