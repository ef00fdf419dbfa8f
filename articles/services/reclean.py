"""Cleaning stored bodies again with today's allowlist.

Bodies are cleaned on every write, so a rule added to ``articles.sanitize`` later (``cite`` and
``srcset`` limited to http(s), a nesting bound) reaches an article when it is next saved. Run
``manage.py bodies_reclean`` after upgrading to bring every stored body within the current
rules at once: it writes only bodies the cleaner changes, leaves versions alone (the content an
editor wrote is the same; what goes is what no page may show) and purges the page cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from articles.models import Article
from articles.sanitize import HtmlTooDeepError, clean_html


@dataclass(slots=True)
class RecleanReport:
    checked: int = 0
    changed: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


def bodies_reclean(
    *, batch_size: int = 500, progress: Callable[[int, int], None] | None = None
) -> RecleanReport:
    """Clean every stored body again and write the ones that change, in batches of
    ``batch_size`` (one transaction each). A body nested too deep for today's cleaner (stored
    before the bound) is left as it is and reported, for an editor to open and fix."""
    from articles.caching import content_changed

    report = RecleanReport()
    total = Article.objects.count()
    last = 0
    while True:
        rows = list(
            Article.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "body")[:batch_size]
        )
        if not rows:
            break
        with transaction.atomic():
            for pk, body in rows:
                try:
                    cleaned = clean_html(body)
                except HtmlTooDeepError as error:
                    report.failed.append((pk, str(error)))
                    continue
                if cleaned != body:
                    Article.objects.filter(pk=pk).update(body=cleaned)
                    report.changed.append(pk)
        report.checked += len(rows)
        last = rows[-1][0]
        if progress:
            progress(report.checked, total)
    if report.changed:
        content_changed()
    return report
