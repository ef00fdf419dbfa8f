"""A work deadline, checked cooperatively: it works on any thread of any process.

Some legal inputs cost far more than their size suggests (a 5 MB line of markdown emphasis
keeps markdown-it busy for tens of seconds; a 5 MB body of tiny paragraphs keeps the canonical
form busy as long). Signals (``SIGALRM``) only reach a process's main thread, so an admin
request could not use them. Instead, work that may run long is done inside ``deadline(...)``,
and the loops that grow with the input call ``deadline_tick`` (markdown-it's block and inline
tokenizers through rules ``articles.services.importing.bodies`` adds; the canonical form's HTML
reader and block loop), and callers may call ``deadline_check`` between stages. Past the
deadline they raise ``DeadlineExceeded``. Without a deadline in force, both are no-ops.

The deadline counts the CPU time of the thread doing the work (``time.thread_time``), not the
wall clock, so a busy machine does not fail work that is merely waiting for a core.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_TICKS_PER_CHECK = 256  # reading the clock is a system call; a tick is an integer add


class DeadlineExceeded(Exception):
    """The work went past its deadline; ``seconds`` is the deadline it had."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"deadline of {seconds:g} s of CPU time exceeded")


class _Deadline:
    __slots__ = ("ends_at", "seconds", "ticks")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends_at = time.thread_time() + seconds
        self.ticks = 0

    def check(self) -> None:
        if time.thread_time() > self.ends_at:
            raise DeadlineExceeded(self.seconds)


_current: ContextVar[_Deadline | None] = ContextVar("articles_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Run the block under a deadline of ``seconds`` of this thread's CPU time (nested: the
    inner one holds inside its block)."""
    token = _current.set(_Deadline(seconds))
    try:
        yield
    finally:
        _current.reset(token)


def deadline_tick() -> None:
    """Note one step of work; every few hundred steps, raise ``DeadlineExceeded`` if past due."""
    current = _current.get()
    if current is not None:
        current.ticks += 1
        if current.ticks % _TICKS_PER_CHECK == 0:
            current.check()


def deadline_check() -> None:
    """Raise ``DeadlineExceeded`` if the deadline in force has passed (no-op without one)."""
    current = _current.get()
    if current is not None:
        current.check()
