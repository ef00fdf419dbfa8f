"""The one image pipeline: every image that enters the system is checked, re-encoded and
stripped here, and resized once.

``image_check`` reads only the header of an upload to reject what is not a JPEG, PNG, WebP or
GIF image, what is too many bytes or too many pixels (decompression bombs are refused before
the pixels are decoded), and what does not decode. ``image_normalize`` applies the EXIF
orientation, re-encodes the pixels (so nothing after the image data survives: trailing bytes,
appended archives), keeps no metadata (EXIF and its GPS position, XMP, JPEG comments, PNG text
chunks, GIF comments and application blocks; an ICC colour profile is applied, converting the
pixels to sRGB, then dropped), keeps the first frame of an animation, and gives the file a
random name. ``renditions_ensure`` makes an article's head-image renditions, with the same
encoder, once.

Every stored image goes through it. Head images, thumbnails, author avatars and renditions are
``articles.fields.CleanImageField`` fields: whatever is saved into them runs ``image_normalize``
unless it already is a ``NormalizedImage``. Editor uploads go through ``image_store``, images
the importer fetches through ``image_normalize``, and the image files of an export read back
(``importing.local_images``) through ``image_normalize(keep_pixels_only=True)``.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from articles.models import Article, Rendition
from articles.services.image_containers import pixels_only

# Pillow format name -> (file extension, MIME type)
FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
    "GIF": ("gif", "image/gif"),
}
_SAVE_OPTIONS: dict[str, dict] = {
    "JPEG": {"quality": 86, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 82, "method": 4},
    "GIF": {"optimize": True},
}

# (spec, width, height): height 0 keeps the aspect ratio; both set crops at the focal point.
RENDITION_SPECS: tuple[tuple[str, int, int], ...] = (
    ("fill-400x300", 400, 300),
    ("width-800", 800, 0),
    ("width-1600", 1600, 0),
)
THUMBNAIL_SPEC = "fill-400x300"
PAGE_SPECS = ("width-800", "width-1600")


# What ``Image.info`` may carry into an encoder: how pixels look, never who, where or what.
_PIXEL_INFO = frozenset({"transparency", "background"})
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageRejected(ValueError):
    """An upload that is not an acceptable image; the message says why, for the editor."""


class NormalizedImage(ContentFile):
    """Bytes ``image_normalize`` (or a rendition) produced: stored as they are."""


@dataclass(frozen=True, slots=True)
class CheckedImage:
    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return FORMATS[self.format][0]


def image_max_bytes() -> int:
    return int(getattr(settings, "ARTICLES_IMAGE_MAX_BYTES", 10 * 1024 * 1024))


def _max_pixels() -> int:
    return int(getattr(settings, "ARTICLES_IMAGE_MAX_PIXELS", 40_000_000))


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _open(file) -> Image.Image:
    """Open (header only) with decompression-bomb warnings turned into errors."""
    file.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(file)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageRejected(
                _("图片像素过多（疑似“解压炸弹”），已拒绝。上限为 %(max)d 万像素。")
                % {"max": _max_pixels() // 10_000}
            ) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ImageRejected(_("这不是可识别的图片文件。请上传 JPEG、PNG、WebP 或 GIF 图片。")) from error


def image_check(file) -> CheckedImage:
    """Check an uploaded file without storing it. Raises ``ImageRejected`` with a clear message.

    The byte size, the format and the pixel count are checked from the header before any pixel
    is decoded; then the image is decoded once to be sure it is whole.
    """
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    if size > image_max_bytes():
        limits = {"size": _megabytes(size), "max": _megabytes(image_max_bytes())}
        raise ImageRejected(_("图片太大（%(size)s），上限为 %(max)s。") % limits)
    image = _open(file)
    if image.format not in FORMATS:
        found = {"format": image.format or "?"}
        raise ImageRejected(_("不支持 %(format)s 格式。请上传 JPEG、PNG、WebP 或 GIF 图片。") % found)
    width, height = image.size
    if width * height > _max_pixels():
        raise ImageRejected(
            _("图片尺寸过大（%(width)d×%(height)d 像素），上限为 %(max)d 万像素。")
            % {"width": width, "height": height, "max": _max_pixels() // 10_000}
        )
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ImageRejected(_("图片文件已损坏，无法读取。")) from error
    finally:
        file.seek(0)
    return CheckedImage(format=image.format, width=width, height=height)


def _in_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """``image``'s pixels converted from its embedded colour profile to sRGB, the web's colour
    space, so that the profile (which can name the camera or the person who made it) can go.
    A profile that cannot be applied is dropped as browsers drop it."""
    if not icc_profile:
        return image
    if image.mode not in ("RGB", "RGBA", "CMYK"):
        return image  # grey and palette profiles: their tone curves are near sRGB's
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode) or image
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def _encode(image: Image.Image, image_format: str) -> bytes:
    """``image`` (one the caller owns) encoded with nothing but its pixels."""
    image.info = {key: value for key, value in image.info.items() if key in _PIXEL_INFO}
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image_format == "GIF" and image.mode not in ("P", "L"):
        image = image.convert("RGBA").convert("P", palette=Image.Palette.ADAPTIVE)
    elif image_format in ("PNG", "WEBP") and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **_SAVE_OPTIONS[image_format])
    return buffer.getvalue()


def _upright_srgb(source: Image.Image) -> Image.Image:
    """The first frame of ``source``, turned as its EXIF orientation says, in sRGB: a new image."""
    source.seek(0)
    icc_profile = source.info.get("icc_profile")
    upright = ImageOps.exif_transpose(source)  # a copy, even when nothing turns
    return _in_srgb(upright, icc_profile)


def image_normalize(
    file, *, checked: CheckedImage | None = None, keep_pixels_only: bool = False
) -> NormalizedImage:
    """The upload re-encoded in its own format: EXIF orientation applied, colours in sRGB, no
    metadata, first frame only, under a random file name. Raises ``ImageRejected`` (it runs
    ``image_check`` first unless given its result).

    ``keep_pixels_only``: a file that already has the shape this function writes (nothing but
    one frame of pixels and nothing after it: ``image_containers.pixels_only``) keeps its bytes,
    under a random name; that is how an export's images come back identical, not re-encoded
    (a JPEG would lose a little at each pass)."""
    checked = checked or image_check(file)
    file.seek(0)
    if keep_pixels_only:
        data = file.read()
        file.seek(0)
        if pixels_only(data, checked.format):
            return NormalizedImage(data, name=f"{uuid.uuid4().hex}.{checked.extension}")
    with Image.open(file) as source:
        data = _encode(_upright_srgb(source), checked.format)
    return NormalizedImage(data, name=f"{uuid.uuid4().hex}.{checked.extension}")


def image_store(file, *, folder: str = "uploads") -> str:
    """Check, normalise and store an upload; return its storage name. Raises ``ImageRejected``."""
    normalized = image_normalize(file)
    return default_storage.save(f"{folder}/{normalized.name}", normalized)


# --- renditions ----------------------------------------------------------------------------


def _focal_key(article: Article) -> str:
    x, y = article.head_image_focal_x, article.head_image_focal_y
    if x is None or y is None:
        return ""
    return f"{x:.2f},{y:.2f}"


def _focal_centering(article: Article) -> tuple[float, float]:
    x, y = article.head_image_focal_x, article.head_image_focal_y
    clamp = lambda value: min(1.0, max(0.0, value))  # noqa: E731
    return (clamp(x) if x is not None else 0.5, clamp(y) if y is not None else 0.5)


def _resize(image: Image.Image, width: int, height: int, centering: tuple[float, float]) -> Image.Image:
    if height:
        return ImageOps.fit(image, (width, height), method=Image.Resampling.LANCZOS, centering=centering)
    if image.width <= width:
        return image.copy()
    ratio = width / image.width
    return image.resize((width, max(1, round(image.height * ratio))), Image.Resampling.LANCZOS)


def _own_format(source_name: str) -> str:
    extension = PurePosixPath(source_name).suffix.lower().lstrip(".")
    if extension == "jpeg":
        return "JPEG"
    return next((name for name, (ext, _mime) in FORMATS.items() if ext == extension), "JPEG")


def renditions_ensure(*, article: Article) -> list[Rendition]:
    """Make the article's head-image renditions that do not exist yet; drop stale ones.

    Each spec in ``RENDITION_SPECS`` exists in WebP and in the head image's own format. Crops
    follow the focal point; a moved focal point or a new head image makes new ones. Renditions
    that already exist are reused as they are. Returns the current renditions.
    """
    existing = list(article.renditions.all())
    if not article.head_image:
        for rendition in existing:
            rendition.delete()
        return []
    source_name = article.head_image.name
    focal = _focal_key(article)
    formats = list(dict.fromkeys(["WEBP", _own_format(source_name)]))
    wanted = {
        (spec, image_format, focal if height else ""): (width, height)
        for spec, width, height in RENDITION_SPECS
        for image_format in formats
    }
    current = []
    for rendition in existing:
        shape = (rendition.spec, rendition.format, rendition.focal)
        if rendition.source == source_name and wanted.pop(shape, None) is not None:
            current.append(rendition)
        else:
            rendition.delete()
    if wanted:
        current.extend(_renditions_make(article, source_name, wanted))
    return current


def _renditions_make(
    article: Article, source_name: str, wanted: dict[tuple[str, str, str], tuple[int, int]]
) -> list[Rendition]:
    made = []
    stem = PurePosixPath(source_name).stem
    centering = _focal_centering(article)
    with article.head_image.open("rb") as handle, Image.open(handle) as source:
        upright = _upright_srgb(source)
        for (spec, image_format, focal), (width, height) in wanted.items():
            resized = _resize(upright, width, height, centering)  # a new image: _encode may strip it
            data = _encode(resized, image_format)
            rendition = Rendition(
                article=article,
                source=source_name,
                spec=spec,
                format=image_format,
                focal=focal,
                width=resized.width,
                height=resized.height,
            )
            # The focal point is in the name: a moved crop gets a new URL, never a stale cached one.
            where = f"-{focal.replace(',', 'x').replace('.', '')}" if focal else ""
            name = f"{stem}-{spec}{where}.{FORMATS[image_format][0]}"
            rendition.file.save(name, NormalizedImage(data), save=False)
            rendition.save()
            made.append(rendition)
    return made
