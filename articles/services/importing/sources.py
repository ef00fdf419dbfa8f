"""Where legacy posts come from: files, directories (recursive) and ``.zip`` archives.

Each post becomes a ``PostSource`` keyed by its path under the import root (a directory is its
own root; a single file's root is its folder; an archive's root is the archive itself). Nothing
is read until ``PostSource.read()``; every read is bounded by ``ImportLimits``. Archives are
never extracted: members are read in memory, and a member whose name is absolute or climbs out
with ``..``, a link, an encrypted member, or one that is too big or compressed suspiciously well
fails on its own. An archive whose declared total size or member count is over the limits fails
as a whole before anything is read.

Names are checked before anything else (``path_check``): a NUL, a control character (C0, C1,
DEL, bidirectional overrides), a name that is not valid in any encoding the archiver may have
used, or a path over ``PATH_MAX`` characters fails that file alone, reported under a printable
form of its name (``path_display``: ``\x00``, ``\u202e``; undecodable bytes as ``\xff``).
An archive member flagged as UTF-8 whose name is not UTF-8 (which stops ``zipfile`` reading the
archive at all) is one of those: ``zipnames`` opens the archive anyway.
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

from articles.hexo.dates import site_timezone
from articles.services.importing.reading import PATH_MAX
from articles.services.importing.results import PostError
from articles.services.importing.zipnames import zip_open

POST_SUFFIXES = (".md", ".markdown")
ARCHIVE_SUFFIX = ".zip"
# Members this large must not be compressed better than the ratio limit (text rarely reaches 20:1).
_RATIO_CHECK_BYTES = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_UTF8_FLAG = 0x800
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
        if name.replace("\\", "/").startswith("/") or _DRIVE.match(name):
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


def _checked(path: str) -> SourceFailure | None:
    try:
        path_check(path)
    except SourceError as error:
        return SourceFailure(path=path_display(path), error=str(error))
    return None


def _too_large(size: int, limit: int) -> str:
    return _("文件过大（%(size)d 字节，上限 %(limit)d 字节）") % {"size": size, "limit": limit}


def _read_file(path: Path, limit: int) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SourceError(_too_large(path.stat().st_size, limit))
    return data


def _missing() -> SourceError:
    return SourceError(_("文件不存在"))


def _root_files(root: Path) -> Callable[[str, int], bytes]:
    """Read files under ``root`` by their path under it: regular files only, never through a
    link that leads out of it."""

    def read(relative: str, limit: int) -> bytes:
        path = root / relative
        if not path.resolve().is_relative_to(root.resolve()):
            raise SourceError(_("路径越出了导入目录"))
        if not path.is_file():
            raise _missing()
        return _read_file(path, limit)

    return read


def _file_source(path: Path, relative: str, limits: ImportLimits, root: Path) -> PostSource:
    try:
        mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=site_timezone())
    except OSError:
        mtime = timezone.now()
    return PostSource(
        path=relative,
        mtime=mtime,
        reader=lambda: _read_file(path, limits.max_file_bytes),
        files=_root_files(root),
    )


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _directory_sources(root: Path, limits: ImportLimits) -> list[PostSource | SourceFailure]:
    found: list[PostSource | SourceFailure] = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not _is_hidden(d))
        for name in sorted(files):
            if name.lower().endswith(POST_SUFFIXES) and not _is_hidden(name):
                path = Path(directory) / name
                relative = path.relative_to(root).as_posix()
                found.append(_checked(relative) or _file_source(path, relative, limits, root))
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
        raise SourceError(_too_large(info.file_size, limit))
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > _RATIO_CHECK_BYTES and ratio > limits.max_compression_ratio:
        raise SourceError(
            _("压缩比异常（%(ratio)d:1，上限 %(limit)d:1），疑似压缩炸弹")
            % {"ratio": ratio, "limit": limits.max_compression_ratio}
        )
    with archive.open(info) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise SourceError(_too_large(len(data), limit))
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
                if name.endswith(("/", "\\")) or _checked(name) is not None:
                    continue
                try:
                    members.setdefault(member_path(name), info)
                except SourceError:
                    continue
        return members

    def read(relative: str, limit: int) -> bytes:
        info = index().get(relative)
        if info is None:
            raise _missing()
        return _member_read(archive, info, limits, limit)

    return read


def _is_post_member(name: str) -> bool:
    """A member to import, or to report: posts, and any file whose name is hostile."""
    if name.endswith(("/", "\\")):
        return False
    parts = name.replace("\\", "/").split("/")
    # macOS archivers add __MACOSX/ and ._name resource forks beside the real files.
    if parts[0] == "__MACOSX" or any(_is_hidden(part) and part not in (".", "..") for part in parts):
        return False
    return parts[-1].lower().endswith(POST_SUFFIXES) or _checked(name) is not None


def _archive_sources(
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
            if failure := _checked(name):
                found.append(failure)
            elif name.lower().endswith(ARCHIVE_SUFFIX):
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
            found.append(_file_source(given, given.name, limits, given.parent))
    return found
