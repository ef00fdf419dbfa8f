"""Whether an image file holds nothing but its pixels: the shape ``image_normalize`` writes.

``pixels_only(data, image_format)`` walks the file's own structure against an allowlist: JPEG
segments (quantisation and Huffman tables, frame and scan headers, restart intervals and a JFIF
``APP0`` without its own thumbnail), PNG chunks (``IHDR``, ``PLTE``, ``tRNS``, ``IDAT``,
``IEND``), a GIF with one image and at most its graphic control extension, a WebP with its
image and alpha chunks only; and the file must end where the image ends. Anything else (EXIF,
XMP, ICC profiles, comments, text chunks, more frames, bytes after the end, a structure it
cannot follow) makes it ``False``, and the caller re-encodes. Pure: bytes in, a yes or no out.
"""

from __future__ import annotations

import struct

_JPEG_RESTARTS = range(0xD0, 0xD8)
# SOF0-SOF15 without DHT (C4), JPG (C8) and DAC (CC); DHT, DQT, DRI, SOS.
_JPEG_SEGMENTS = frozenset({*range(0xC0, 0xD0)} - {0xC8, 0xCC}) | {0xDB, 0xDD, 0xDA}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_CHUNKS = frozenset({b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"})
_WEBP_IMAGE_CHUNKS = frozenset({b"VP8 ", b"VP8L"})
_WEBP_ALPHA_FLAG = 0x10


def _jpeg(data: bytes) -> bool:
    if not data.startswith(b"\xff\xd8"):
        return False
    position, size = 2, len(data)
    while position + 4 <= size:
        if data[position] != 0xFF:
            return False
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:  # end of image: nothing may follow
            return position + 2 == size
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment = data[position + 4 : position + 2 + length]
        if length < 2 or position + 2 + length > size:
            return False
        jfif = marker == 0xE0 and segment.startswith(b"JFIF\x00") and segment[12:14] == b"\x00\x00"
        if marker not in _JPEG_SEGMENTS and not jfif:
            return False
        position += 2 + length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not RSTn or 00
            while position + 1 < size and not (
                data[position] == 0xFF and data[position + 1] not in (0x00, *_JPEG_RESTARTS)
            ):
                position += 1
    return position + 2 == size and data[position:] == b"\xff\xd9"


def _png(data: bytes) -> bool:
    if not data.startswith(_PNG_SIGNATURE):
        return False
    position, size, first = 8, len(data), True
    while position + 12 <= size:
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        if kind not in _PNG_CHUNKS or first != (kind == b"IHDR"):
            return False
        first = False
        position += 12 + length
        if kind == b"IEND":
            return position == size
    return False


def _gif_sub_blocks(data: bytes, position: int) -> int:
    """The position after a run of sub-blocks (raises IndexError past the end)."""
    while data[position]:
        position += data[position] + 1
    return position + 1


def _gif(data: bytes) -> bool:
    if not data.startswith((b"GIF87a", b"GIF89a")) or len(data) < 13:
        return False
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    images = 0
    try:
        while True:
            introducer = data[position]
            if introducer == 0x3B:  # trailer
                return images == 1 and position + 1 == len(data)
            if introducer == 0x21 and data[position + 1] == 0xF9 and images == 0:
                position = _gif_sub_blocks(data, position + 2)  # graphic control (transparency)
            elif introducer == 0x2C and images == 0:
                images += 1
                local = data[position + 9]
                position += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
                position = _gif_sub_blocks(data, position + 1)  # after the LZW minimum code size
            else:
                return False
    except IndexError:
        return False


def _webp(data: bytes) -> bool:
    if len(data) < 20 or not data.startswith(b"RIFF") or data[8:12] != b"WEBP":
        return False
    (riff_size,) = struct.unpack("<I", data[4:8])
    if 8 + riff_size != len(data):
        return False
    kinds, position, flags = [], 12, 0
    while position + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[position : position + 8])
        if kind == b"VP8X" and length >= 1:
            flags = data[position + 8]
        kinds.append(kind)
        position += 8 + length + (length & 1)
    if position != len(data):
        return False
    if len(kinds) == 1:
        return kinds[0] in _WEBP_IMAGE_CHUNKS
    # The extended format: VP8X (alpha at most), then an optional ALPH, then the image.
    body = kinds[1:]
    return (
        kinds[0] == b"VP8X"
        and not flags & ~_WEBP_ALPHA_FLAG
        and body[-1] in _WEBP_IMAGE_CHUNKS
        and body[:-1] in ([], [b"ALPH"])
    )


_WALKERS = {"JPEG": _jpeg, "PNG": _png, "GIF": _gif, "WEBP": _webp}


def pixels_only(data: bytes, image_format: str) -> bool:
    """Whether ``data`` (a file Pillow read as ``image_format``) carries nothing but its image."""
    walker = _WALKERS.get(image_format)
    try:
        return walker is not None and walker(data)
    except struct.error:
        return False
