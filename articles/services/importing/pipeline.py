"""The import run: collect sources, then for each batch read, parse and write.

Per batch: read the files (bounded), look up what earlier imports wrote (one query), skip
unchanged files without parsing them, parse the rest (pure; on worker processes for large
imports, overlapping the previous batch's writes), then write the batch in one transaction.
If that transaction fails, it is rolled back and the batch is written again one file per
transaction, so only the bad file fails. ``content_changed()`` runs after each batch that
changed something, right after its commit: an import killed half-way (even by SIGKILL, which
runs no ``finally``) leaves no reader page cached from before the batches it wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from articles.caching import content_changed
from articles.search.dictionary import dictionary_changed, dictionary_ensure
from articles.search.text import tables_load
from articles.services.bulk_writes import bulk_writes
from articles.services.importing.identity import (
    ImportRun,
    Wanted,
    articles_match,
    identity_key,
    import_action,
    skipped_warning,
)
from articles.services.importing.local_images import post_images_attach, post_images_check
from articles.services.importing.parsing import Outcome, ParseJob, PostParser, post_names
from articles.services.importing.reading import LegacyPost, content_digest
from articles.services.importing.results import ImportResult, PostError
from articles.services.importing.source_types import ImportLimits, PostSource, SourceFailure
from articles.services.importing.sources import sources_collect
from articles.services.importing.writing import posts_write

BATCH_SIZE = 200
Progress = Callable[[int, int], None]


def _failed(path: str, error: object, warnings: list[str] | None = None) -> ImportResult:
    return ImportResult(path=path, status="failed", warnings=warnings or [], error=str(error))


def _wanted(post: LegacyPost) -> Wanted:
    permalink = post.permalink if post.permalink_own else ""
    return Wanted(key=post.key, digest=post.digest, fingerprint=post.fingerprint, permalink=permalink)


def _planned(posts: list[LegacyPost], run: ImportRun, overwrite: bool) -> list[ImportResult]:
    """What writing ``posts`` would do (dry run): the writer's own matching and decision."""
    matches = articles_match(wanted=[_wanted(post) for post in posts], run=run)
    results = []
    for post in posts:
        match = matches.get(post.key)
        article = match.article if match else None
        result = ImportResult(
            path=post.path,
            status=import_action(article=article, digest=post.digest, overwrite=overwrite),
            warnings=list(post.warnings),
            article_id=article.pk if article else None,
            matched_by=match.matched_by if match else None,
            date_unverified=post.date_unverified,
        )
        if result.status == "skipped":
            result.warnings.append(skipped_warning())
        if article is not None:
            run.claimed.add(article.pk)
        results.append(result)
    return results


def _write(posts: list[LegacyPost], run: ImportRun, options: dict) -> list[ImportResult]:
    """Write the batch in one transaction; if that fails, one transaction per post."""
    claimed = set(run.claimed)
    try:
        with transaction.atomic():
            return posts_write(posts=posts, run=run, **options)
    except DatabaseError as error:
        run.claimed = claimed  # what the rolled-back batch matched is free again
        if len(posts) == 1:
            reason = _("写入数据库失败：%(error)s") % {"error": error}
            return [_failed(posts[0].path, reason, posts[0].warnings)]
    results = []
    for post in posts:
        results.extend(_write([post], run, options))
    return results


def _images_fetch(results: list[ImportResult]) -> bool:
    """Bring the batch's remote images (and its projects' logos) home; failures are warnings."""
    # remote_images builds on importing.images: imported here, not at the package's import.
    from articles.services.remote_images import remote_images_fetch, remote_images_pending

    by_id = {r.article_id: r for r in results if r.article_id and r.status != "failed"}
    report = remote_images_fetch(images=remote_images_pending(article_ids=list(by_id)))
    for image, error in report.failed:
        if image.field in ("head_image", "thumbnail") and image.owner.pk in by_id:
            key = "headimg" if image.field == "head_image" else "thumbnail"
            by_id[image.owner.pk].warnings.append(
                _("%(field)s 图片 %(url)s 未能下载（%(error)s）：可稍后运行 images_fetch 重试")
                % {"field": key, "url": image.url, "error": error}
            )
    return bool(report.fetched)


def _naming_images(
    batch: _Batch, parsed: list[tuple[int, LegacyPost]]
) -> Iterator[tuple[ImportResult, LegacyPost, PostSource]]:
    """The written (or, in a dry run, planned) posts that name image files beside them."""
    for index, post in parsed:
        result, source = batch.results[index], batch.sources[index]
        if post.image_files and result.status in ("created", "updated") and isinstance(source, PostSource):
            yield result, post, source


def _local_images_attach(batch: _Batch, parsed: list[tuple[int, LegacyPost]]) -> bool:
    """Store the image files written posts name beside them (an export read back)."""
    stored = False
    for result, post, source in _naming_images(batch, parsed):
        warnings, changed = post_images_attach(article_id=result.article_id, post=post, source=source)
        result.warnings.extend(warnings)
        stored = stored or changed
    return stored


@dataclass(slots=True)
class _Batch:
    """A batch whose files are read and whose parsing has started."""

    sources: list[PostSource | SourceFailure]
    results: dict[int, ImportResult]
    parsing: list[int]  # indexes of the files being parsed, in job order
    jobs: list[ParseJob]
    collect: Callable[[], list[Outcome]] | None = None  # set by _batch_parse
    outcomes: list[Outcome] | None = None  # set by _batch_parsed


def _batch_start(batch: list[PostSource | SourceFailure], *, run: ImportRun) -> _Batch:
    """Read the batch's files, mark the unchanged ones, and list the others to parse."""
    results: dict[int, ImportResult] = {}
    read: list[tuple[int, PostSource, bytes, str]] = []
    for index, source in enumerate(batch):
        key = identity_key(source.path) if isinstance(source, PostSource) else ""
        if isinstance(source, SourceFailure):
            results[index] = _failed(source.path, source.error)
        elif key in run.keys:
            results[index] = _failed(
                source.path, _("本次导入中已有同一篇文章（%(key)s）：只导入第一个") % {"key": key}
            )
        else:
            run.keys.add(key)
            try:
                raw = source.read()
            except PostError as error:
                results[index] = _failed(source.path, error)
            else:
                read.append((index, source, raw, content_digest(raw)))

    # Unchanged files (by key, or the same bytes under another key) need no parsing.
    wanted = [Wanted(key=identity_key(source.path), digest=digest) for _i, source, _r, digest in read]
    known = articles_match(wanted=wanted, run=run)
    jobs, parsing = [], []
    for (index, source, raw, digest), want in zip(read, wanted, strict=True):
        match = known.get(want.key)
        if match is not None and match.article.legacy_hash == digest:
            run.claimed.add(match.article.pk)
            results[index] = ImportResult(
                path=source.path,
                status="unchanged",
                article_id=match.article.pk,
                matched_by=match.matched_by,
                date_unverified=match.article.date_unverified,
            )
        else:
            jobs.append(ParseJob(path=source.path, raw=raw, mtime=source.mtime, digest=digest))
            parsing.append(index)
    return _Batch(sources=batch, results=results, parsing=parsing, jobs=jobs)


def _batch_parse(batch: _Batch, *, parser: PostParser, learned: Iterable[str]) -> None:
    """Start parsing the batch; ``learned``: the names of the posts parsed before it."""
    batch.collect = parser.submit(batch.jobs, words=learned)


def _words_announce(parser: PostParser) -> None:
    """Tell every process about the names parsing here added to this one's dictionary (the
    writer found them known already), once their batch is written."""
    if parser.words_added:
        parser.words_added = False
        dictionary_changed(learned_here=True)


def _batch_parsed(batch: _Batch, *, learned: dict[str, None], dry_run: bool) -> None:
    """Wait for the batch's parsing; the names of its posts join ``learned``."""
    if not dry_run:
        dictionary_ensure()  # current, for posts parsed in this process (a small import)
    batch.outcomes = batch.collect()
    for outcome in batch.outcomes:
        if isinstance(outcome, LegacyPost):
            learned.update((name, None) for name in post_names(outcome))


def _batch_finish(
    batch: _Batch,
    *,
    run: ImportRun,
    overwrite: bool,
    dry_run: bool,
    fetch_images: bool,
    publish_undated: bool,
) -> list[ImportResult]:
    """Write the parsed batch (unless a dry run); return its results in order.
    Marks cached reader pages stale once the batch changed anything."""
    results, parsed = batch.results, []
    for index, outcome in zip(batch.parsing, batch.outcomes, strict=True):
        if isinstance(outcome, ImportResult):
            results[index] = outcome
        else:
            parsed.append((index, outcome))
    changed = False
    if dry_run and parsed:
        planned = _planned([post for _i, post in parsed], run, overwrite)
        for (index, _post), result in zip(parsed, planned, strict=True):
            results[index] = result
        for result, post, source in _naming_images(batch, parsed):
            result.warnings.extend(post_images_check(post=post, source=source))
    elif parsed:
        options = {"overwrite": overwrite, "publish_undated": publish_undated}
        written = _write([post for _i, post in parsed], run, options)
        for (index, _post), result in zip(parsed, written, strict=True):
            results[index] = result
        changed = any(result.status in ("created", "updated") for result in written)
        changed = _local_images_attach(batch, parsed) or changed
    ordered = [results[index] for index in sorted(results)]
    if fetch_images and not dry_run:
        changed = _images_fetch(ordered) or changed
    if changed:
        content_changed()
    return ordered


def posts_import(
    *,
    inputs: Iterable[Path | BinaryIO],
    overwrite: bool = False,
    dry_run: bool = False,
    fetch_images: bool = False,
    publish_undated: bool = False,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> Iterator[ImportResult]:
    """Import every post under ``inputs``; yields one ``ImportResult`` per file, in order.

    ``inputs``: files, directories (recursive) and ``.zip`` archives, as paths or uploaded files.
    Never raises for a bad file: it is reported ``failed`` with its reason and the rest goes on.
    ``dry_run`` writes nothing (and fetches nothing). ``publish_undated`` publishes posts without
    a usable date with the file's time, as Hexo does (otherwise they wait for review).
    ``fetch_images`` downloads remote head images and thumbnails (see ``images``).
    ``workers > 1`` parses on that many forked processes when there are at least two batches
    (only from a single-threaded process, such as a management command).
    ``progress(done, total)`` is called as batches finish.
    """
    limits = ImportLimits.from_settings()
    with ExitStack() as stack:
        sources = sources_collect(inputs=inputs, limits=limits, stack=stack)
        total, done, run = len(sources), 0, ImportRun()
        if not dry_run:
            # Parsing builds the posts' search text with this dictionary and these tables
            # (workers fork with them).
            dictionary_ensure()
            tables_load()
            stack.enter_context(bulk_writes())
        parser = PostParser(workers=workers if total >= 2 * batch_size else 1, index=not dry_run)
        stack.callback(parser.close)
        if progress:
            progress(0, total)
        options = {
            "run": run,
            "overwrite": overwrite,
            "dry_run": dry_run,
            "fetch_images": fetch_images,
            "publish_undated": publish_undated,
        }
        # The names of the posts parsed so far: the workers that parse the next batch learn
        # them (with its own), as the writer has when it writes that batch.
        learned: dict[str, None] = {}
        pending: _Batch | None = None
        for start in range(0, total, batch_size):
            # Read this batch while the previous one is parsed; parse it (on the pool) while
            # the previous one is written.
            current = _batch_start(sources[start : start + batch_size], run=run)
            if pending is not None:
                _batch_parsed(pending, learned=learned, dry_run=dry_run)
            _batch_parse(current, parser=parser, learned=learned)
            if pending is not None:
                yield from _batch_finish(pending, **options)
                _words_announce(parser)
                done += len(pending.sources)
                if progress:
                    progress(done, total)
            pending = current
        if pending is not None:
            _batch_parsed(pending, learned=learned, dry_run=dry_run)
            yield from _batch_finish(pending, **options)
            _words_announce(parser)
            if progress:
                progress(total, total)
