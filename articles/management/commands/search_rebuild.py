"""``manage.py search_rebuild``: index every article again (after an upgrade, or after many
names joined the user dictionary). Thin: the work is ``articles.search.documents_rebuild``."""

from __future__ import annotations

import functools
import os
import signal
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from articles.management.commands.import_markdown import ProgressBar
from articles.search import documents_rebuild
from articles.services.importing.parsing import default_workers


class Command(BaseCommand):
    help = _("重建全文搜索索引（每批一个事务，可随时中断后重跑）。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help=_("每批索引的文章数"))
        parser.add_argument(
            "--workers", type=int, default=default_workers(), help=_("分词进程数（默认：CPU 数，最多 4）")
        )

    def handle(self, *args, batch_size: int, workers: int, verbosity: int, **options) -> None:
        # SIGTERM (a deploy, a supervisor) ends the rebuild as Ctrl-C does, through its cleanup:
        # the search indexes dropped for it are built again before the process exits. Its
        # segmenting workers (forked, with this handler) let it pass: they finish the batch
        # in hand, which the cleanup waits for, instead of leaving it unanswered.
        # The previous handler comes back afterwards: processes forked later by the same
        # process (an import's parsing pool, say) must die on SIGTERM again.
        previous = signal.signal(signal.SIGTERM, functools.partial(_interrupted, os.getpid()))
        bar = ProgressBar(self.stderr) if verbosity > 0 and self.stderr.isatty() else None
        started = time.perf_counter()
        try:
            total = documents_rebuild(
                batch_size=max(1, batch_size), workers=max(1, workers), progress=bar.update if bar else None
            )
        finally:
            signal.signal(signal.SIGTERM, previous)
        if bar:
            bar.clear()
        seconds = time.perf_counter() - started
        message = _("已索引 %(count)d 篇文章，用时 %(seconds).1f 秒") % {"count": total, "seconds": seconds}
        self.stdout.write(self.style.SUCCESS(message))


def _interrupted(main: int, signum, frame) -> None:
    if os.getpid() == main:
        raise KeyboardInterrupt
