"""What a legacy post to import is (``PostSource``), what an input that yields none is
(``SourceFailure``), the limits every read is held to, and the checks every name passes.

Names are checked before anything else (``path_check``): a NUL, a control character (C0, C1,
DEL, bidirectional overrides), a name that is not valid in any encoding the archiver may have
used, or a path over ``PATH_MAX`` characters fails that file alone, reported under a printable
form of its name (``path_display``: ``\x00``, ``\u202e``; undecodable bytes as ``\xff``).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

from articles.services.importing.reading import PATH_MAX
from articles.services.importing.results import PostError

POST_SUFFIXES = (".md", ".markdown")
ARCHIVE_SUFFIX = ".zip"
DRIVE = re.compile(r"^[A-Za-z]:")
# C0 and C1 controls, DEL, and the invisible marks that reorder text (a "gpj.md" that is an
# "md.jpg"); surrogates are bytes that were not valid in the name's encoding (surrogateescape).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_DISPLAY_MAX = 300


class SourceError(PostError):
    """A post (or a whole archive) that cannot be read safely."""


@dataclass(frozen=True, slots=True)
class ImportLimits:
    max_file_bytes: int
    max_archive_bytes: int
    max_archive_members: int
    max_compression_ratio: int

    @classmethod
    def from_settings(cls) -> ImportLimits:
        return cls(
            max_file_bytes=settings.ARTICLES_IMPORT_MAX_FILE_BYTES,
            max_archive_bytes=settings.ARTICLES_IMPORT_MAX_ARCHIVE_BYTES,
            max_archive_members=settings.ARTICLES_IMPORT_MAX_ARCHIVE_MEMBERS,
            max_compression_ratio=settings.ARTICLES_IMPORT_MAX_COMPRESSION_RATIO,
        )


def _reading(reader: Callable[[], bytes]) -> bytes:
    try:
        return reader()
    except OSError as error:
        raise SourceError(_("无法读取文件：%(error)s") % {"error": error.strerror or error}) from error
    except (zipfile.BadZipFile, EOFError) as error:
        raise SourceError(_("压缩包内文件已损坏：%(error)s") % {"error": error}) from error


@dataclass(frozen=True, slots=True)
class PostSource:
    """One post to import: its key (``path`` under the import root) and how to read it, and how
    to read a file beside it (``files``: path under the root -> bytes, at most ``limit``)."""

    path: str
    mtime: datetime
    reader: Callable[[], bytes]
    files: Callable[[str, int], bytes] | None = None

    def read(self) -> bytes:
        """The file's bytes. Raises ``SourceError`` when it cannot be read within the limits."""
        return _reading(self.reader)

    def beside(self, name: str) -> str:
        """The path under the import root of ``name``, given relative to the post's folder.
        Raises ``SourceError`` when it is not a plain relative path that stays in that folder."""
        path_check(name)
        if name.replace("\\", "/").startswith("/") or DRIVE.match(name):
            raise SourceError(_("不是相对于文章所在目录的路径"))
        parts = [part for part in PurePosixPath(name.replace("\\", "/")).parts if part not in ("", ".")]
        if not parts or ".." in parts:
            raise SourceError(_("路径越出了文章所在的目录"))
        return "/".join([*PurePosixPath(self.path).parent.parts, *parts])

    def read_beside(self, path: str, limit: int) -> bytes:
        """The bytes of ``path`` (from ``beside``), at most ``limit``. Raises ``SourceError``."""
        if self.files is None:
            raise SourceError(_("单独上传的文章旁边没有文件"))
        return _reading(lambda: self.files(path, limit))


@dataclass(frozen=True, slots=True)
class SourceFailure:
    """An input that yields no post at all (missing path, broken or oversized archive)."""

    path: str
    error: str


def path_display(name: str) -> str:
    """``name`` as it can be shown in a report: controls escaped, undecodable bytes as ``\\xNN``,
    at most ``_DISPLAY_MAX`` characters."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return (
            f"\\x{code - 0xDC00:02x}"
            if 0xDC80 <= code <= 0xDCFF
            else match.group().encode("unicode_escape").decode()
        )

    shown = _UNDECODABLE.sub(escape, _CONTROL.sub(escape, name))
    return shown if len(shown) <= _DISPLAY_MAX else shown[: _DISPLAY_MAX - 1] + "…"


def path_check(name: str) -> None:
    """Raise ``SourceError`` for a file name no post may have (see the module docstring)."""
    if "\x00" in name:
        raise SourceError(_("文件名含有 NUL 字符，不会被导入"))
    if _UNDECODABLE.search(name):
        raise SourceError(_("文件名的编码无法识别（不是有效的 UTF-8 或 GB18030），不会被导入"))
    if _CONTROL.search(name):
        raise SourceError(_("文件名含有控制字符，不会被导入"))
    if len(name) > PATH_MAX:
        limits = {"length": len(name), "limit": PATH_MAX}
        raise SourceError(_("路径过长（%(length)d 个字符，上限 %(limit)d）") % limits)


def name_failure(path: str) -> SourceFailure | None:
    try:
        path_check(path)
    except SourceError as error:
        return SourceFailure(path=path_display(path), error=str(error))
    return None


def too_large(size: int, limit: int) -> str:
    return _("文件过大（%(size)d 字节，上限 %(limit)d 字节）") % {"size": size, "limit": limit}


def read_file(path: Path, limit: int) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SourceError(too_large(path.stat().st_size, limit))
    return data


def missing_error() -> SourceError:
    return SourceError(_("文件不存在"))


def is_hidden(name: str) -> bool:
    return name.startswith(".")
