"""What an import reports: one ``ImportResult`` per file, and the report built from them.

The JSON report has exactly this shape (``report_build``)::

    {"summary": {"created", "updated", "unchanged", "skipped", "failed", "warnings", "date_unverified"},
     "files": [{"path", "status", "article_url", "warnings": [...], "error", "matched_by",
                "date_unverified"}]}

``path`` is relative to the import root; ``article_url`` is ``/p/<id>/`` or null; the summary's
``warnings`` counts every warning of every file. ``matched_by`` says how an existing article
was found (``path``, ``content``, ``title_date``, ``permalink``; null for a new one);
``date_unverified`` marks posts without a usable date of their own (imported for review, or
published with the file's time under ``publish_undated``), counted in the summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

STATUSES = ("created", "updated", "unchanged", "skipped", "failed")
# How people read the statuses (the report's JSON keeps the English keys).
STATUS_LABELS = {
    "created": "新建",
    "updated": "更新",
    "unchanged": "未变",
    "skipped": "跳过",
    "failed": "失败",
    "warnings": "警告",
    "date_unverified": "日期待核实",
}


class PostError(Exception):
    """A file that cannot be imported; the message says why (in words an editor understands)."""


class NotAPostError(PostError):
    """A file without front matter (a README beside the posts): passed over, not failed."""


@dataclass(slots=True)
class ImportResult:
    path: str
    status: str  # one of STATUSES
    article_id: int | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    matched_by: str | None = None  # how the article was found: identity.MATCHED_BY_LABELS
    date_unverified: bool = False  # no usable date of its own: imported for review

    @property
    def article_url(self) -> str | None:
        return f"/p/{self.article_id}/" if self.article_id else None

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "article_url": self.article_url,
            "warnings": [str(warning) for warning in self.warnings],
            "error": str(self.error) if self.error is not None else None,
            "matched_by": self.matched_by,
            "date_unverified": self.date_unverified,
        }


def report_summary(results: Iterable[ImportResult]) -> dict[str, int]:
    """Files per status, plus the total number of warnings."""
    counts: Counter[str] = Counter()
    warnings = undated = 0
    for result in results:
        counts[result.status] += 1
        warnings += len(result.warnings)
        undated += result.date_unverified
    counted = {status: counts[status] for status in STATUSES}
    return {**counted, "warnings": warnings, "date_unverified": undated}


def report_build(results: Iterable[ImportResult]) -> dict:
    """The JSON-ready report of an import (see the module docstring for its schema)."""
    results = list(results)
    return {"summary": report_summary(results), "files": [result.as_dict() for result in results]}
