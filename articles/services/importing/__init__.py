"""Importing legacy Hexo posts, read exactly as Hexo reads them.

``posts_import`` runs an import (``pipeline``): ``sources`` finds the posts in files,
directories and ``.zip`` archives; ``reading`` turns one file into a ``LegacyPost`` without
touching the database; ``writing`` writes posts in batches; ``images`` fetches remote images
on request; ``local_images`` stores the image files an export wrote beside its posts;
``results`` builds the report. Imports are keyed on the path under the import root:
running one again reports ``unchanged``, a changed file updates its article in place, and an
article an editor changed since its import is left alone (``skipped``) unless ``overwrite``.
"""

from articles.services.importing.pipeline import posts_import
from articles.services.importing.reading import LegacyPost, post_parse
from articles.services.importing.results import (
    STATUSES,
    ImportResult,
    NotAPostError,
    PostError,
    report_build,
    report_summary,
)

__all__ = [
    "STATUSES",
    "ImportResult",
    "LegacyPost",
    "NotAPostError",
    "PostError",
    "post_parse",
    "posts_import",
    "report_build",
    "report_summary",
]
