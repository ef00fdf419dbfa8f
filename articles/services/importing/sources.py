"""Where legacy posts come from: files, directories (recursive) and ``.zip`` archives
(``archives``).

Each post becomes a ``PostSource`` keyed by its path under the import root (a directory is its
own root; a single file's root is its folder; an archive's root is the archive itself). Nothing
is read until ``PostSource.read()``; every read is bounded by ``ImportLimits``, and every name is
checked first (``source_types.path_check``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _

from articles.hexo.dates import site_timezone
from articles.services.importing.archives import archive_sources
from articles.services.importing.source_types import (
    ARCHIVE_SUFFIX,
    POST_SUFFIXES,
    ImportLimits,
    PostSource,
    SourceError,
    SourceFailure,
    is_hidden,
    missing_error,
    name_failure,
    read_file,
    too_large,
)


def _root_files(root: Path) -> Callable[[str, int], bytes]:
    """Read files under ``root`` by their path under it: regular files only, never through a
    link that leads out of it."""

    def read(relative: str, limit: int) -> bytes:
        path = root / relative
        if not path.resolve().is_relative_to(root.resolve()):
            raise SourceError(_("路径越出了导入目录"))
        if not path.is_file():
            raise missing_error()
        return read_file(path, limit)

    return read


def _file_source(path: Path, relative: str, limits: ImportLimits, root: Path) -> PostSource:
    try:
        mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=site_timezone())
    except OSError:
        mtime = timezone.now()
    return PostSource(
        path=relative,
        mtime=mtime,
        reader=lambda: read_file(path, limits.max_file_bytes),
        files=_root_files(root),
    )


def _directory_sources(root: Path, limits: ImportLimits) -> list[PostSource | SourceFailure]:
    found: list[PostSource | SourceFailure] = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not is_hidden(d))
        # Once per folder: ``Path.relative_to`` walks the path's parents on every call.
        folder = Path(directory)
        prefix = folder.relative_to(root).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        for name in sorted(files):
            if name.lower().endswith(POST_SUFFIXES) and not is_hidden(name):
                path = folder / name
                relative = prefix + name
                found.append(name_failure(relative) or _file_source(path, relative, limits, root))
    return sorted(found, key=lambda source: source.path)


def _upload_source(upload, name: str, limits: ImportLimits) -> PostSource:
    def read() -> bytes:
        if upload.size is not None and upload.size > limits.max_file_bytes:
            raise SourceError(too_large(upload.size, limits.max_file_bytes))
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
            if failure := name_failure(name):
                found.append(failure)
            elif name.lower().endswith(ARCHIVE_SUFFIX):
                found.extend(archive_sources(given, name, limits, stack))
            else:
                found.append(_upload_source(given, name, limits))
        elif given.is_dir():
            found.extend(_directory_sources(given, limits))
        elif not given.exists():
            found.append(SourceFailure(path=str(given), error=_("文件或目录不存在")))
        elif given.name.lower().endswith(ARCHIVE_SUFFIX):
            found.extend(archive_sources(given, given.name, limits, stack))
        else:
            found.append(_file_source(given, given.name, limits, given.parent))
    return found
