"""Posts inside ``.zip`` archives, read in memory and never extracted.

A member whose name is absolute or climbs out with ``..``, a link, an encrypted member, or one
that is too big or compressed suspiciously well fails on its own. An archive whose declared
total size or member count is over the limits fails as a whole before anything is read. An
archive member flagged as UTF-8 whose name is not UTF-8 (which stops ``zipfile`` reading the
archive at all) fails alone: ``zipnames`` opens the archive anyway.
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _

from articles.hexo.dates import site_timezone
from articles.services.importing.source_types import (
    DRIVE,
    POST_SUFFIXES,
    ImportLimits,
    PostSource,
    SourceError,
    SourceFailure,
    is_hidden,
    missing_error,
    name_failure,
    path_check,
    path_display,
    too_large,
)
from articles.services.importing.zipnames import zip_open

# Members this large must not be compressed better than the ratio limit (text rarely reaches 20:1).
_RATIO_CHECK_BYTES = 64 * 1024
_UTF8_FLAG = 0x800


def member_path(name: str) -> str:
    """The safe relative path of an archive member. Raises ``SourceError`` when it escapes."""
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or DRIVE.match(normalized):
        raise SourceError(_("压缩包内的绝对路径不安全：%(name)s") % {"name": name})
    parts = [part for part in PurePosixPath(normalized).parts if part not in ("", ".")]
    if ".." in parts:
        raise SourceError(_("压缩包内的路径越出了导入目录：%(name)s") % {"name": name})
    return "/".join(parts)


def member_name(info: zipfile.ZipInfo, *, lying_utf8_flag: bool = False) -> str:
    """A member's whole name (``zipfile`` cuts ``filename`` at a NUL) decoded as its archiver
    meant it.

    Without the UTF-8 flag, zipfile reads names as CP437, but Info-ZIP and macOS write UTF-8
    and Chinese Windows writes GBK: the raw bytes are tried as UTF-8, then as GB18030. Bytes
    valid in neither (or a UTF-8 flag that lied) come back as surrogates, which ``path_check``
    refuses and ``path_display`` shows as ``\\xNN``.
    """
    if info.flag_bits & _UTF8_FLAG:
        return info.orig_filename
    raw = info.orig_filename.encode("cp437")
    for encoding in () if lying_utf8_flag else ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "surrogateescape")


def _member_mtime(info: zipfile.ZipInfo) -> datetime:
    try:
        return datetime(*info.date_time, tzinfo=site_timezone())
    except ValueError:
        return timezone.now()


def _member_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ImportLimits, limit: int) -> bytes:
    if info.flag_bits & 0x1:
        raise SourceError(_("压缩包内的文件已加密，无法读取"))
    if stat.S_ISLNK(info.external_attr >> 16):
        raise SourceError(_("压缩包内的符号链接不会被导入"))
    if info.file_size > limit:
        raise SourceError(too_large(info.file_size, limit))
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > _RATIO_CHECK_BYTES and ratio > limits.max_compression_ratio:
        raise SourceError(
            _("压缩比异常（%(ratio)d:1，上限 %(limit)d:1），疑似压缩炸弹")
            % {"ratio": ratio, "limit": limits.max_compression_ratio}
        )
    with archive.open(info) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise SourceError(too_large(len(data), limit))
    return data


def _member_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ImportLimits) -> Callable:
    return lambda: _member_read(archive, info, limits, limits.max_file_bytes)


def _archive_files(
    archive: zipfile.ZipFile, named: list[tuple[str, zipfile.ZipInfo]], limits: ImportLimits
) -> Callable[[str, int], bytes]:
    """Read the archive's other members (images beside the posts) by their safe path; the
    index of members is built on the first read (most imports never read one)."""
    members: dict[str, zipfile.ZipInfo] = {}

    def index() -> dict[str, zipfile.ZipInfo]:
        if not members:
            for name, info in named:
                if name.endswith(("/", "\\")) or name_failure(name) is not None:
                    continue
                try:
                    members.setdefault(member_path(name), info)
                except SourceError:
                    continue
        return members

    def read(relative: str, limit: int) -> bytes:
        info = index().get(relative)
        if info is None:
            raise missing_error()
        return _member_read(archive, info, limits, limit)

    return read


def _is_post_member(name: str) -> bool:
    """A member to import, or to report: posts, and any file whose name is hostile."""
    if name.endswith(("/", "\\")):
        return False
    parts = name.replace("\\", "/").split("/")
    # macOS archivers add __MACOSX/ and ._name resource forks beside the real files.
    if parts[0] == "__MACOSX" or any(is_hidden(part) and part not in (".", "..") for part in parts):
        return False
    return parts[-1].lower().endswith(POST_SUFFIXES) or name_failure(name) is not None


def archive_sources(
    file: str | Path | BinaryIO, label: str, limits: ImportLimits, stack: ExitStack
) -> list[PostSource | SourceFailure]:
    try:
        handle = stack.enter_context(open(file, "rb")) if isinstance(file, str | Path) else file  # noqa: SIM115
        archive, lying = zip_open(handle)
        stack.enter_context(archive)
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
    named = [(member_name(info, lying_utf8_flag=index in lying), info) for index, info in enumerate(infos)]
    posts = [(name, info) for name, info in named if _is_post_member(name)]
    total = sum(info.file_size for _name, info in posts)
    if total > limits.max_archive_bytes:
        return [
            SourceFailure(
                path=label,
                error=_("压缩包解压后过大（%(size)d 字节，上限 %(limit)d 字节）")
                % {"size": total, "limit": limits.max_archive_bytes},
            )
        ]
    found: list[PostSource | SourceFailure] = []
    files = _archive_files(archive, named, limits)
    for name, info in posts:
        try:
            path_check(name)
            relative = member_path(name)
        except SourceError as error:
            found.append(SourceFailure(path=path_display(name), error=str(error)))
            continue
        found.append(
            PostSource(
                path=relative,
                mtime=_member_mtime(info),
                reader=_member_reader(archive, info, limits),
                files=files,
            )
        )
    return sorted(found, key=lambda source: source.path)
