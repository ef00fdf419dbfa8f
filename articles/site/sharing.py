"""Sharing an article: the Weibo share link and the WeChat QR code (made here, with segno).

WeChat has no share link for the web: readers scan a QR code of the article's address with
their phone. The code is an SVG made on the server (no JavaScript, no third-party service) and
cached as a reader page.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno

WEIBO_SHARE_URL = "https://service.weibo.com/share/share.php"


def weibo_share_url(*, url: str, title: str) -> str:
    """The address that opens Weibo's share dialog for ``url`` with ``title`` as the text."""
    return f"{WEIBO_SHARE_URL}?{urlencode({'url': url, 'title': title})}"


def qr_svg(url: str) -> bytes:
    """``url`` as a QR code in SVG (medium error correction, a quiet zone of two modules)."""
    code = segno.make(url, error="m")
    out = io.BytesIO()
    code.save(out, kind="svg", scale=4, border=2, xmldecl=False, title="二维码", dark="#1f2329")
    return out.getvalue()
