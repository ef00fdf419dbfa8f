"""``--fetch-images``: download a legacy post's ``headimg`` / ``thumbnail`` into the article.

Downloads are bounded (a timeout per connection and for the whole transfer, a byte limit),
follow redirects only to http(s), and must be an image Pillow can verify. Any failure leaves
the remote URL on the article (the page then uses it) and becomes a warning; it never fails
the import. Without the flag the importer touches no network.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from http.client import HTTPException
from urllib.parse import urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from articles.models import Article
from articles.services.images import (
    ImageRejected,
    NormalizedImage,
    image_check,
    image_normalize,
    renditions_ensure,
)

_CHUNK = 64 * 1024


class ImageFetchError(Exception):
    """An image that could not be downloaded or is not an acceptable image."""


@dataclass(frozen=True, slots=True)
class ImageLimits:
    max_bytes: int
    timeout: float

    @classmethod
    def from_settings(cls) -> ImageLimits:
        return cls(
            max_bytes=settings.ARTICLES_IMPORT_IMAGE_MAX_BYTES,
            timeout=settings.ARTICLES_IMPORT_IMAGE_TIMEOUT,
        )


class _HttpOnlyRedirects(HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise ImageFetchError(_("重定向到了不支持的地址：%(url)s") % {"url": newurl})
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _download(url: str, limits: ImageLimits) -> bytes:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ImageFetchError(_("不是 http(s) 地址"))
    opener = build_opener(_HttpOnlyRedirects)
    request = Request(url, headers={"User-Agent": "Masthead legacy importer"})  # noqa: S310 (checked)
    deadline = time.monotonic() + limits.timeout
    try:
        with opener.open(request, timeout=limits.timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                raise ImageFetchError(_("图片过大（%(size)s 字节）") % {"size": declared})
            chunks, size = [], 0
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > limits.max_bytes:
                    raise ImageFetchError(_("图片超过 %(limit)d 字节") % {"limit": limits.max_bytes})
                if time.monotonic() > deadline:
                    raise ImageFetchError(_("下载超时"))
                chunks.append(chunk)
    except (OSError, HTTPException, ValueError) as error:
        raise ImageFetchError(_("下载失败：%(error)s") % {"error": error}) from error
    return b"".join(chunks)


def image_fetch(*, url: str, limits: ImageLimits | None = None) -> NormalizedImage:
    """Download the image at ``url`` and prepare it as an upload would be (the shared image
    checks: format, bytes, pixels, decompression bombs; EXIF orientation applied, metadata
    dropped, a random name). Raises ``ImageFetchError`` on any problem."""
    limits = limits or ImageLimits.from_settings()
    data = ContentFile(_download(url, limits))
    try:
        return image_normalize(data, checked=image_check(data))
    except ImageRejected as error:
        raise ImageFetchError(str(error)) from error


def article_images_fetch(*, article: Article, limits: ImageLimits | None = None) -> list[str]:
    """Store ``article``'s remote head image and thumbnail as its own files.

    Fields that already hold a file are left alone. Returns warnings for the images that could
    not be fetched (their remote URLs stay in use). Writes only the image fields, so the article's
    version (and an editor's claim on it) is untouched.
    """
    limits = limits or ImageLimits.from_settings()
    warnings: list[str] = []
    fetched: dict[str, NormalizedImage | None] = {}
    changed: dict[str, str] = {}
    for field_name, key, url in (
        ("head_image", "headimg", article.head_image_url),
        ("thumbnail", "thumbnail", article.thumbnail_url),
    ):
        if not url or getattr(article, field_name):
            continue
        if url not in fetched:
            try:
                fetched[url] = image_fetch(url=url, limits=limits)
            except ImageFetchError as error:
                fetched[url] = None
                warnings.append(
                    _("%(field)s 图片 %(url)s 未能下载（%(error)s）：继续使用远程地址")
                    % {"field": key, "url": url, "error": error}
                )
        content = fetched[url]
        if content is not None:
            field_file = getattr(article, field_name)
            field_file.save(content.name, content, save=False)
            content.seek(0)  # the same image may be both the head image and the thumbnail
            changed[field_name] = field_file.name
    if changed:
        Article.objects.filter(pk=article.pk).update(**changed)
        if "head_image" in changed:
            renditions_ensure(article=article)
    return warnings
