"""Import runs kept for the editors' dashboard: when, who, the counts and the failed files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.utils import timezone

from articles.models import ImportRun
from articles.services.importing.results import ImportResult, report_summary

INPUTS_MAX = 500


def import_run_record(
    *,
    results: Sequence[ImportResult],
    started_at: datetime,
    source: str,
    inputs: Iterable[str] = (),
    user=None,
) -> ImportRun:
    """Keep one finished (not dry) import: its counts (the report's summary) and, for each
    file that failed, its path and the reason in the editor's words. Returns the stored run."""
    failures = [
        {"path": result.path, "reason": str(result.error) if result.error is not None else ""}
        for result in results
        if result.status == "failed"
    ]
    names = "、".join(str(name) for name in inputs)
    if len(names) > INPUTS_MAX:
        names = names[: INPUTS_MAX - 1] + "…"
    return ImportRun.objects.create(
        started_at=started_at,
        finished_at=timezone.now(),
        user=user if user is not None and user.is_authenticated else None,
        source=source,
        inputs=names,
        counts=report_summary(results),
        failed_count=len(failures),
        failures=failures,
    )


def import_runs_with_failures(*, limit: int) -> tuple[int, list[ImportRun]]:
    """How many kept runs had failed files, and the latest ``limit`` of them (two queries)."""
    runs = ImportRun.objects.filter(failed_count__gt=0).select_related("user")
    return runs.count(), list(runs[:limit])
