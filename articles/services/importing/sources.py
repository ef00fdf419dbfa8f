"""Where legacy posts come from: files, directories (recursive) and ``.zip`` archives.

Each post becomes a ``PostSource`` keyed by its path under the import root (a directory is its
own root; a single file's root is its folder; an archive's root is the archive itself). Nothing
is read until ``PostSource.read()``; every read is bounded by ``ImportLimits``. Archives are
never extracted: members are read in memory, and a member whose name is absolute or climbs out
with ``..``, a link, an encrypted member, or one that is too big or compressed suspiciously well
fails on its own. An archive whose declared total size or member count is over the limits fails
as a whole before anything is read.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.services.dates import site_timezone
from articles.services.importing.results import PostError

POST_SUFFIXES = (".md", ".markdown")
ARCHIVE_SUFFIX = ".zip"
# Members this large must not be compressed better than the ratio limit (text rarely reaches 20:1).
_RATIO_CHECK_BYTES = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_UTF8_FLAG = 0x800


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


@dataclass(frozen=True, slots=True)
class PostSource:
    """One post to import: its key (``path`` under the import root) and how to read it."""

    path: str
    mtime: datetime
    reader: Callable[[], bytes]

    def read(self) -> bytes:
        """The file's bytes. Raises ``SourceError`` when it cannot be read within the limits."""
        try:
            return self.reader()
        except OSError as error:
            raise SourceError(_("无法读取文件：%(error)s") % {"error": error.strerror or error}) from error
        except (zipfile.BadZipFile, EOFError) as error:
            raise SourceError(_("压缩包内文件已损坏：%(error)s") % {"error": error}) from error


@dataclass(frozen=True, slots=True)
class SourceFailure:
    """An input that yields no post at all (missing path, broken or oversized archive)."""

    path: str
    error: str


def _too_large(size: int, limit: int) -> str:
    return _("文件过大（%(size)d 字节，上限 %(limit)d 字节）") % {"size": size, "limit": limit}


def _read_file(path: Path, limit: int) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SourceError(_too_large(path.stat().st_size, limit))
    return data


def _file_source(path: Path, relative: str, limits: ImportLimits) -> PostSource:
    try:
        mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=site_timezone())
    except OSError:
        mtime = timezone.now()
    return PostSource(path=relative, mtime=mtime, reader=lambda: _read_file(path, limits.max_file_bytes))


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _directory_sources(root: Path, limits: ImportLimits) -> list[PostSource]:
    found = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not _is_hidden(d))
        for name in sorted(files):
            if name.lower().endswith(POST_SUFFIXES) and not _is_hidden(name):
                path = Path(directory) / name
                found.append(_file_source(path, path.relative_to(root).as_posix(), limits))
    return sorted(found, key=lambda source: source.path)


def member_path(name: str) -> str:
    """The safe relative path of an archive member. Raises ``SourceError`` when it escapes."""
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or _DRIVE.match(normalized):
        raise SourceError(_("压缩包内的绝对路径不安全：%(name)s") % {"name": name})
    parts = [part for part in PurePosixPath(normalized).parts if part not in ("", ".")]
    if ".." in parts:
        raise SourceError(_("压缩包内的路径越出了导入目录：%(name)s") % {"name": name})
    return "/".join(parts)


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name decoded as its archiver meant it.

    Without the UTF-8 flag, zipfile reads names as CP437, but Info-ZIP and macOS write UTF-8
    and Chinese Windows writes GBK: the raw bytes are tried as UTF-8, then as GB18030.
    """
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    raw = info.orig_filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _member_mtime(info: zipfile.ZipInfo) -> datetime:
    try:
        return datetime(*info.date_time, tzinfo=site_timezone())
    except ValueError:
        return timezone.now()


def _member_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ImportLimits) -> Callable:
    def read() -> bytes:
        if info.flag_bits & 0x1:
            raise SourceError(_("压缩包内的文件已加密，无法读取"))
        if stat.S_ISLNK(info.external_attr >> 16):
            raise SourceError(_("压缩包内的符号链接不会被导入"))
        if info.file_size > limits.max_file_bytes:
            raise SourceError(_too_large(info.file_size, limits.max_file_bytes))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_CHECK_BYTES and ratio > limits.max_compression_ratio:
            raise SourceError(
                _("压缩比异常（%(ratio)d:1，上限 %(limit)d:1），疑似压缩炸弹")
                % {"ratio": ratio, "limit": limits.max_compression_ratio}
            )
        with archive.open(info) as member:
            data = member.read(limits.max_file_bytes + 1)
        if len(data) > limits.max_file_bytes:
            raise SourceError(_too_large(len(data), limits.max_file_bytes))
        return data

    return read


def _is_post_member(info: zipfile.ZipInfo) -> bool:
    if info.is_dir():
        return False
    parts = member_name(info).replace("\\", "/").split("/")
    # macOS archivers add __MACOSX/ and ._name resource forks beside the real files.
    if parts[0] == "__MACOSX" or any(_is_hidden(part) and part not in (".", "..") for part in parts):
        return False
    return parts[-1].lower().endswith(POST_SUFFIXES)


def _archive_sources(
    file: str | Path | BinaryIO, label: str, limits: ImportLimits, stack: ExitStack
) -> list[PostSource | SourceFailure]:
    try:
        archive = stack.enter_context(zipfile.ZipFile(file))
    except (zipfile.BadZipFile, OSError) as error:
        return [SourceFailure(path=label, error=_("不是有效的 .zip 压缩包：%(error)s") % {"error": error})]
    infos = archive.infolist()
    if len(infos) > limits.max_archive_members:
        return [
            SourceFailure(
                path=label,
                error=_("压缩包内文件过多（%(count)d 个，上限 %(limit)d 个）")
                % {"count": len(infos), "limit": limits.max_archive_members},
            )
        ]
    posts = [info for info in infos if _is_post_member(info)]
    total = sum(info.file_size for info in posts)
    if total > limits.max_archive_bytes:
        return [
            SourceFailure(
                path=label,
                error=_("压缩包解压后过大（%(size)d 字节，上限 %(limit)d 字节）")
                % {"size": total, "limit": limits.max_archive_bytes},
            )
        ]
    found: list[PostSource | SourceFailure] = []
    for info in posts:
        name = member_name(info)
        try:
            relative = member_path(name)
        except SourceError as error:
            found.append(SourceFailure(path=name, error=str(error)))
            continue
        found.append(
            PostSource(path=relative, mtime=_member_mtime(info), reader=_member_reader(archive, info, limits))
        )
    return sorted(found, key=lambda source: source.path)


def _upload_source(upload, name: str, limits: ImportLimits) -> PostSource:
    def read() -> bytes:
        if upload.size is not None and upload.size > limits.max_file_bytes:
            raise SourceError(_too_large(upload.size, limits.max_file_bytes))
        upload.seek(0)
        return upload.read(limits.max_file_bytes + 1)

    return PostSource(path=name, mtime=timezone.now(), reader=read)


def sources_collect(
    *, inputs: Iterable[Path | BinaryIO], limits: ImportLimits, stack: ExitStack
) -> list[PostSource | SourceFailure]:
    """Every post under ``inputs``, in a stable order, plus the inputs that yield none.

    ``inputs`` are paths (files, directories, ``.zip`` archives) or uploaded files (objects with
    ``name``, ``size``, ``read`` and ``seek``: ``.md`` files or ``.zip`` archives). Archives
    stay open in ``stack`` until the caller closes it.
    """
    found: list[PostSource | SourceFailure] = []
    for given in inputs:
        if not isinstance(given, Path):
            name = Path(getattr(given, "name", "") or "upload").name
            if name.lower().endswith(ARCHIVE_SUFFIX):
                found.extend(_archive_sources(given, name, limits, stack))
            else:
                found.append(_upload_source(given, name, limits))
        elif given.is_dir():
            found.extend(_directory_sources(given, limits))
        elif not given.exists():
            found.append(SourceFailure(path=str(given), error=_("文件或目录不存在")))
        elif given.name.lower().endswith(ARCHIVE_SUFFIX):
            found.extend(_archive_sources(given, given.name, limits, stack))
        else:
            found.append(_file_source(given, given.name, limits))
    return found
