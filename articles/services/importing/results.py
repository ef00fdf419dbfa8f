"""What an import reports: one ``ImportResult`` per file, and the report built from them.

The JSON report has exactly this shape (``report_build``)::

    {"summary": {"created", "updated", "unchanged", "skipped", "failed", "warnings"},
     "files": [{"path", "status", "article_url", "warnings": [...], "error"}]}

``path`` is relative to the import root; ``article_url`` is ``/p/<id>/`` or null; the summary's
``warnings`` counts every warning of every file.
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
        }


def report_summary(results: Iterable[ImportResult]) -> dict[str, int]:
    """Files per status, plus the total number of warnings."""
    counts: Counter[str] = Counter()
    warnings = 0
    for result in results:
        counts[result.status] += 1
        warnings += len(result.warnings)
    return {**{status: counts[status] for status in STATUSES}, "warnings": warnings}


def report_build(results: Iterable[ImportResult]) -> dict:
    """The JSON-ready report of an import (see the module docstring for its schema)."""
    results = list(results)
    return {"summary": report_summary(results), "files": [result.as_dict() for result in results]}
