"""The pure stage of an import (read bytes -> ``LegacyPost``), inline or on worker processes.

Parsing (markdown rendering, cleaning, YAML) is most of an import's work and needs no database,
so large imports spread it over forked worker processes while the main process writes the
previous batch. Workers never touch the database connection they inherit; they only run
``post_parse`` and send back picklable results. A pool that breaks falls back to inline parsing.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from articles.services.importing.reading import LegacyPost, post_parse
from articles.services.importing.results import ImportResult, NotAPostError, PostError

logger = logging.getLogger(__name__)
CHUNK = 25  # posts per task sent to a worker
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
        return post_parse(path=job.path, raw=job.raw, mtime=job.mtime, digest=job.digest)
    except NotAPostError as error:
        return ImportResult(path=job.path, status="skipped", warnings=[str(error)])
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


def _jobs_parse(jobs: list[ParseJob]) -> list[Outcome]:
    return [job_parse(job) for job in jobs]


class PostParser:
    """Parses batches of jobs; with ``workers > 1`` on a pool of forked processes."""

    def __init__(self, *, workers: int) -> None:
        self._executor: ProcessPoolExecutor | None = None
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            self._executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))

    def submit(self, jobs: list[ParseJob]) -> Callable[[], list[Outcome]]:
        """Start parsing ``jobs``; returns a function that waits for their outcomes, in order."""
        if self._executor is None:
            return lambda: _jobs_parse(jobs)
        chunks = [jobs[start : start + CHUNK] for start in range(0, len(jobs), CHUNK)]
        futures: list[Future] = [self._executor.submit(_jobs_parse, chunk) for chunk in chunks]

        def collect() -> list[Outcome]:
            outcomes: list[Outcome] = []
            for chunk, future in zip(chunks, futures, strict=True):
                try:
                    outcomes.extend(future.result())
                except BrokenProcessPool:
                    logger.warning("import worker pool broke; parsing inline from here on")
                    self.close()
                    outcomes.extend(_jobs_parse(chunk))
            return outcomes

        return collect

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None
