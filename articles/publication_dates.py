"""The one range a publication date may fall in, for every path that sets one.

Dates outside it are typing slips or hostile (``0001-01-01`` in Asia/Shanghai is 1 BC in UTC,
which PostgreSQL stores and Python cannot read back, breaking every page that lists the
article). The admin form and model validation (``validate_publication_date`` on
``Article.published_at``), the importer's date parser (``articles.services.dates``), the
admin API and the archive pages all ask ``publication_date_in_range``.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PUBLICATION_DATE_MIN = date(1900, 1, 1)  # the legacy archive has a post dated 1950
PUBLICATION_DATE_MAX = date(2100, 12, 31)
PUBLICATION_YEAR_MIN = PUBLICATION_DATE_MIN.year
PUBLICATION_YEAR_MAX = PUBLICATION_DATE_MAX.year


def publication_date_in_range(value: date | datetime) -> bool:
    """Whether ``value`` (a date, or a datetime read as the calendar date it names) is between
    ``PUBLICATION_DATE_MIN`` and ``PUBLICATION_DATE_MAX``, both included."""
    day = value.date() if isinstance(value, datetime) else value
    return PUBLICATION_DATE_MIN <= day <= PUBLICATION_DATE_MAX


def publication_date_message() -> str:
    return _("发布时间须在 %(min)s 到 %(max)s 之间") % {
        "min": PUBLICATION_DATE_MIN.isoformat(),
        "max": PUBLICATION_DATE_MAX.isoformat(),
    }


def validate_publication_date(value: date | datetime | None) -> None:
    """Django validator: raises ``ValidationError`` for a date outside the range."""
    if value is not None and not publication_date_in_range(value):
        raise ValidationError(publication_date_message(), code="publication_date_range")
