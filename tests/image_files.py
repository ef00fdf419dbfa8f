"""Images for tests: dirty ones (every kind of metadata a camera or an editor leaves, and bytes
hidden after the image), and ``leftovers``, which reads a stored file's bytes back and lists
everything in it that is not pixels, by walking the format's own structure."""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageCms, PngImagePlugin

SECRET = "secret-метаданные-秘密"
TRAILER = b"PK\x03\x04 an archive hidden after the image " + SECRET.encode()
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{SECRET}</rdf:Description></x:xmpmeta>'


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = SECRET  # camera maker
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 0.0)}  # GPS position
    return exif.tobytes()


def dirty(image_format: str, size: tuple[int, int] = (640, 480)) -> bytes:
    """A real image in ``image_format`` with EXIF (GPS), XMP, an ICC profile, comments or text
    chunks where the format has them, and an archive appended after its end."""
    picture = Image.new("RGB", size, (200, 40, 90))
    buffer = io.BytesIO()
    if image_format == "JPEG":
        picture.save(
            buffer, "JPEG", exif=_exif(), comment=SECRET.encode(), icc_profile=SRGB_ICC, xmp=XMP.encode()
        )
    elif image_format == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", SECRET)
        info.add_text("Comment", SECRET, zip=True)
        info.add_itxt("XML:com.adobe.xmp", XMP)
        picture.save(buffer, "PNG", pnginfo=info, exif=_exif(), icc_profile=SRGB_ICC)
    elif image_format == "WEBP":
        picture.save(buffer, "WEBP", exif=_exif(), xmp=XMP.encode(), icc_profile=SRGB_ICC)
    elif image_format == "GIF":
        picture.convert("P").save(buffer, "GIF", comment=SECRET.encode())
    else:  # pragma: no cover
        raise ValueError(image_format)
    return buffer.getvalue() + TRAILER


def leftovers(data: bytes) -> list[str]:
    """Everything in ``data`` besides the image itself: metadata segments or chunks, comments,
    and bytes after the image's end. An empty list means pixels only."""
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(data)
    if data.startswith((b"GIF87a", b"GIF89a")):
        return _gif(data)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _webp(data)
    raise ValueError("not an image this test knows")


def _jpeg(data: bytes) -> list[str]:
    found, position = [], 2
    while position < len(data):
        if data[position] != 0xFF:
            raise ValueError(f"no marker at {position}")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:  # end of image
            if len(data) > position + 2:
                found.append(f"{len(data) - position - 2} bytes after the end")
            return found
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment = data[position + 4 : position + 2 + length]
        if marker == 0xFE:
            found.append("COM comment")
        elif 0xE1 <= marker <= 0xEF:
            found.append(f"APP{marker - 0xE0} {segment[:12]!r}")
        elif marker == 0xE0 and not segment.startswith(b"JFIF\x00"):
            found.append(f"APP0 {segment[:12]!r}")
        position += 2 + length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not RSTn or 00
            while position < len(data) - 1 and not (
                data[position] == 0xFF and data[position + 1] not in (0x00, *range(0xD0, 0xD8))
            ):
                position += 1
    found.append("no end of image marker")
    return found


def _png(data: bytes) -> list[str]:
    found, position = [], 8
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        position += 12 + length
        if kind == b"IEND":
            if len(data) > position:
                found.append(f"{len(data) - position} bytes after the end")
            return found
        if kind in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP", b"tIME"):
            found.append(kind.decode())
    found.append("no IEND chunk")
    return found


def _gif_sub_blocks(data: bytes, position: int) -> int:
    while data[position]:
        position += data[position] + 1
    return position + 1


def _gif(data: bytes) -> list[str]:
    found = []
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    while position < len(data):
        introducer = data[position]
        if introducer == 0x3B:  # trailer
            if len(data) > position + 1:
                found.append(f"{len(data) - position - 1} bytes after the end")
            return found
        if introducer == 0x21:
            label = data[position + 1]
            if label == 0xFE:
                found.append("comment extension")
            elif label == 0xFF and data[position + 3 : position + 14] != b"NETSCAPE2.0":
                found.append(f"application extension {data[position + 3 : position + 14]!r}")
            position = _gif_sub_blocks(data, position + 2)
        elif introducer == 0x2C:
            local = data[position + 9]
            position += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            position = _gif_sub_blocks(data, position + 1)  # after the LZW minimum code size
        else:
            raise ValueError(f"unknown GIF block {introducer:#x}")
    found.append("no trailer")
    return found


def _webp(data: bytes) -> list[str]:
    found = []
    (riff_size,) = struct.unpack("<I", data[4:8])
    end, position = 8 + riff_size, 12
    while position < end:
        kind, length = struct.unpack("<4sI", data[position : position + 8])
        if kind in (b"EXIF", b"XMP ", b"ICCP"):
            found.append(kind.decode().strip())
        position += 8 + length + (length & 1)
    if len(data) > end:
        found.append(f"{len(data) - end} bytes after the end")
    return found
