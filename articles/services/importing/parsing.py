"""The pure stage of an import (read bytes -> ``LegacyPost``), inline or on worker processes.

Parsing (markdown rendering, cleaning, YAML) is most of an import's work and needs no database,
so large imports spread it over forked worker processes while the main process writes the
previous batch. Workers never touch the database connection they inherit; they only run
``post_parse`` and send back picklable results. When the import writes, they also build each
post's search text (``posts_index``: normalising and segmenting its body, the costly part of
its search document), so the writer only adds the names.

Each file is parsed under ``ARTICLES_IMPORT_PARSE_SECONDS`` of CPU time (``articles.deadline``), inline
or on a worker. A worker that dies (a crash in a native library: the failure no ``except`` can
catch) breaks the pool; the chunks it held are then parsed again one file at a time in a process
of their own, so only the file that kills its process fails ("the parser crashed"), and the
next batch gets a fresh pool. Parsing inline cannot be isolated that way, which is why the
readers bound what is known to crash before parsing (``FrontMatterLimitError``).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from articles.deadline import DeadlineExceeded, deadline
from articles.services.importing.reading import LegacyPost, post_parse
from articles.services.importing.results import ImportResult, NotAPostError, PostError

logger = logging.getLogger(__name__)
CHUNK = 25  # the most posts in a task sent to a worker
MIN_CHUNK = 5  # the fewest, but for a batch's last few
MAX_WORKERS = 4


def default_workers() -> int:
    """The processors this process may run on (at most ``MAX_WORKERS``)."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(available, MAX_WORKERS))


Outcome = LegacyPost | ImportResult  # a parsed post, or the file's skipped/failed result


@dataclass(frozen=True, slots=True)
class ParseJob:
    path: str
    raw: bytes
    mtime: datetime
    digest: str


def job_parse(job: ParseJob) -> Outcome:
    """Parse one file; a file that cannot be imported becomes its result instead of an error."""
    try:
        with deadline(settings.ARTICLES_IMPORT_PARSE_SECONDS):
            return post_parse(path=job.path, raw=job.raw, mtime=job.mtime, digest=job.digest)
    except NotAPostError as error:
        return ImportResult(path=job.path, status="skipped", warnings=[str(error)])
    except DeadlineExceeded as error:
        reason = _("解析超时：超过 %(seconds)s 秒 CPU 时间仍未完成（内容异常复杂，疑似恶意文件）")
        return ImportResult(path=job.path, status="failed", error=reason % {"seconds": f"{error.seconds:g}"})
    except PostError as error:
        return ImportResult(path=job.path, status="failed", error=str(error))
    except Exception as error:  # a bug met on one odd file must not stop the other thousands
        logger.exception("unexpected error parsing %s", job.path)
        return ImportResult(
            path=job.path,
            status="failed",
            error=_("导入程序内部错误（%(type)s）：%(error)s")
            % {"type": type(error).__name__, "error": error},
        )


def post_names(post: LegacyPost) -> list[str]:
    """The names a post brings to the search dictionary: its bylines' authors, its categories
    and tags, and the projects its links name."""
    return [
        *(byline.name for byline in post.bylines),
        *post.categories,
        *post.tags,
        *(link.name for link in post.links),
    ]


_taught: set[str] = set()  # names this process was given, so each is added once


def posts_index(outcomes: Iterable[Outcome], words: Iterable[str] = ()) -> bool:
    """Give each parsed post its search text (``articles.search.index.document_text``).

    Their names (``post_names``) and ``words`` (the names the import has written so far) join
    this process's dictionary first, so a company a post links to, or one an earlier batch
    named, is one word in its body, as when the writer builds the document. A post whose text
    cannot be built keeps ``search_text`` None: the writer builds it. True when a name was new
    to this process's dictionary."""
    from articles.search.dictionary import words_add
    from articles.search.index import document_text

    posts = [outcome for outcome in outcomes if isinstance(outcome, LegacyPost)]
    given = (*words, *(name for post in posts for name in post_names(post)))
    names = [name for name in dict.fromkeys(given) if name not in _taught]
    _taught.update(names)
    added = words_add(names)
    for post in posts:
        try:
            post.search_text = document_text(title=post.title, excerpt=post.excerpt, body_html=post.body)
        except Exception:  # the writer tries again, and reports what fails there
            logger.exception("could not build the search text of %s", post.path)
    return added


def _jobs_parse(jobs: list[ParseJob], index: bool = False, words: Sequence[str] = ()) -> list[Outcome]:
    outcomes = [job_parse(job) for job in jobs]
    if index:
        posts_index(outcomes, words)
    return outcomes


def chunks_split(jobs: list[ParseJob], workers: int) -> list[list[ParseJob]]:
    """``jobs`` in order, in chunks of at most ``CHUNK``, smaller towards the end (each what is
    left divided by twice the workers, at least ``MIN_CHUNK``): the next batch is sent once
    this one is parsed, so while one worker parses a batch's last chunk the others wait for it.
    Small last chunks keep that wait short."""
    chunks, start = [], 0
    while start < len(jobs):
        left = len(jobs) - start
        size = max(MIN_CHUNK, min(CHUNK, -(-left // (2 * workers))))
        chunks.append(jobs[start : start + size])
        start += size
    return chunks


def _fork_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))


def _crashed(job: ParseJob) -> ImportResult:
    return ImportResult(
        path=job.path,
        status="failed",
        error=_("解析这个文件时解析进程崩溃（可能是触发了底层库的缺陷），已跳过；其余文件照常导入"),
    )


def _jobs_parse_isolated(jobs: list[ParseJob], index: bool) -> list[Outcome]:
    """Parse ``jobs`` one by one in a separate process; a file whose process dies fails alone."""
    outcomes: list[Outcome] = []
    pool: ProcessPoolExecutor | None = None
    try:
        for job in jobs:
            pool = pool or _fork_pool(1)
            try:
                outcomes.extend(pool.submit(_jobs_parse, [job], index).result())
            except BrokenProcessPool:
                logger.error("the parser process died on %s", job.path)
                pool.shutdown()
                pool = None
                outcomes.append(_crashed(job))
    finally:
        if pool is not None:
            pool.shutdown()
    return outcomes


class PostParser:
    """Parses batches of jobs; with ``workers > 1`` on a pool of forked processes. ``index``:
    also build each post's search text (``posts_index``). Workers segment text with the
    dictionary of the process that forked them (load it first: ``dictionary_ensure``) and the
    names of the posts they parse."""

    def __init__(self, *, workers: int, index: bool = False) -> None:
        self._workers = workers if "fork" in multiprocessing.get_all_start_methods() else 1
        self._index = index
        self._executor: ProcessPoolExecutor | None = None
        # Names added to this process's dictionary while parsing here (one worker): the writer
        # finds them known, so the caller announces them (``dictionary_changed``).
        self.words_added = False

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = _fork_pool(self._workers)
        return self._executor

    def _discard_pool(self) -> None:
        # Joins the pool's manager thread too, so later forks happen from a single thread.
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

    def _parse_here(self, jobs: list[ParseJob]) -> list[Outcome]:
        outcomes = [job_parse(job) for job in jobs]
        if self._index and posts_index(outcomes):
            self.words_added = True
        return outcomes

    def _submit(self, chunk: list[ParseJob], words: Sequence[str]) -> Future:
        try:
            return self._pool().submit(_jobs_parse, chunk, self._index, words)
        except BrokenProcessPool:  # an earlier chunk killed a worker: start afresh
            self._discard_pool()
            return self._pool().submit(_jobs_parse, chunk, self._index, words)

    def submit(self, jobs: list[ParseJob], words: Sequence[str] = ()) -> Callable[[], list[Outcome]]:
        """Start parsing ``jobs``; returns a function that waits for their outcomes, in order.
        ``words``: names the workers' dictionaries need that they may not have (see
        ``posts_index``); this process's own dictionary has them already."""
        if self._workers <= 1:
            return lambda: self._parse_here(jobs)
        chunks = chunks_split(jobs, self._workers)
        words = tuple(words) if self._index else ()
        futures: list[Future] = [self._submit(chunk, words) for chunk in chunks]

        def collect() -> list[Outcome]:
            outcomes: list[Outcome] = []
            for chunk, future in zip(chunks, futures, strict=True):
                try:
                    outcomes.extend(future.result())
                except BrokenProcessPool:
                    logger.warning("an import worker died; parsing its files one by one in new processes")
                    self._discard_pool()
                    outcomes.extend(_jobs_parse_isolated(chunk, self._index))
            return outcomes

        return collect

    def close(self) -> None:
        self._discard_pool()
