"""Opening ``.zip`` archives whose member names lie about their encoding.

A member flagged "name is UTF-8" (general-purpose bit 11) whose name is not valid UTF-8 makes
``zipfile.ZipFile`` raise ``UnicodeDecodeError`` while it reads the central directory, so one
bad name would fail the whole archive. ``zip_open`` then opens the archive again through a
reader that clears that flag for those members only (in what ``zipfile`` reads, never on disk),
and says which members they were: the caller fails just those, with their reason, and imports
the rest.
"""

from __future__ import annotations

import io
import struct
import zipfile
from typing import BinaryIO

_UTF8_FLAG = 0x800
_FLAG_OFFSET = 8  # of the flag bits within a central directory record


class _PatchedReader(io.RawIOBase):
    """A seekable binary file with some bytes replaced (offset -> replacement of equal length)."""

    def __init__(self, inner: BinaryIO, patches: dict[int, bytes]) -> None:
        super().__init__()
        self._inner, self._patches = inner, patches

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def readinto(self, buffer) -> int:
        start = self._inner.tell()
        data = self._inner.read(len(buffer))
        if self._patches:
            patched = bytearray(data)
            for offset, replacement in self._patches.items():
                for index, byte in enumerate(replacement):
                    if 0 <= offset + index - start < len(patched):
                        patched[offset + index - start] = byte
            data = bytes(patched)
        buffer[: len(data)] = data
        return len(data)


def _lying_utf8_flags(file: BinaryIO) -> tuple[dict[int, bytes], frozenset[int]]:
    """Patches that clear bit 11 of central directory records whose names are not UTF-8, and
    the indexes (in central directory order) of those members."""
    # zipfile's own reading of the end record (zip64 included); private, but stable since 2.x.
    end = zipfile._EndRecData(file)
    if end is None:
        return {}, frozenset()
    size, offset = end[zipfile._ECD_SIZE], end[zipfile._ECD_OFFSET]
    concat = end[zipfile._ECD_LOCATION] - size - offset
    if end[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:
        concat -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator
    start = offset + concat
    file.seek(start)
    directory = file.read(size)
    patches: dict[int, bytes] = {}
    lying: set[int] = set()
    position, index = 0, 0
    while position + zipfile.sizeCentralDir <= len(directory):
        record = struct.unpack(
            zipfile.structCentralDir, directory[position : position + zipfile.sizeCentralDir]
        )
        if record[zipfile._CD_SIGNATURE] != zipfile.stringCentralDir:
            break
        flags = record[zipfile._CD_FLAG_BITS]
        name_start = position + zipfile.sizeCentralDir
        name = directory[name_start : name_start + record[zipfile._CD_FILENAME_LENGTH]]
        if flags & _UTF8_FLAG:
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                patches[start + position + _FLAG_OFFSET] = struct.pack("<H", flags & ~_UTF8_FLAG)
                lying.add(index)
        position = (
            name_start
            + record[zipfile._CD_FILENAME_LENGTH]
            + record[zipfile._CD_EXTRA_FIELD_LENGTH]
            + record[zipfile._CD_COMMENT_LENGTH]
        )
        index += 1
    return patches, frozenset(lying)


def zip_open(file: BinaryIO) -> tuple[zipfile.ZipFile, frozenset[int]]:
    """Open ``file`` (a seekable binary file) as a zip archive.

    Returns the archive and the indexes (in ``infolist()`` order) of members flagged as having
    UTF-8 names that are not UTF-8; ``zipfile`` read those names as CP437. Raises what
    ``zipfile.ZipFile`` raises for a broken archive (``BadZipFile``, ``OSError``).
    """
    try:
        return zipfile.ZipFile(file), frozenset()
    except UnicodeDecodeError:
        patches, lying = _lying_utf8_flags(file)
        file.seek(0)
        return zipfile.ZipFile(io.BufferedReader(_PatchedReader(file, patches))), lying
