"""The one date parser for legacy front matter, matching how Hexo reads dates.

* ``YYYY-MM-DD[ T]HH:MM:SS[.fff][Z|±HH[:MM]]``: an explicit offset is respected; without one
  the time is in the site time zone (Asia/Shanghai), as Hexo's ``timezone`` setting does.
* ``YYYY-MM-DD``: midnight in the site time zone.
* RFC 2822 (``Fri, 18 Mar 2022 01:23:51 GMT``), as RSS generators write.
* Anything else (``Invalid Date``, ``2020-09-06 22:010:17``) is not a date: ``None``.
* A date outside ``articles.publication_dates`` (``0001-01-01``, ``9999-12-31``) is not a date.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from datetime import timezone as dt_timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from articles.publication_dates import publication_date_in_range

# The timestamp form hexo-front-matter recognises (its own regex, in Python).
_TIMESTAMP = re.compile(
    r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})"
    r"(?:(?:[tT]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{1,2}):(?P<second>[0-9]{1,2})"
    r"(?P<fraction>\.[0-9]+)?"
    r"(?:[ \t]*(?P<tz>Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$"
)
_RFC2822_HINT = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s")


def site_timezone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _offset(tz: str) -> dt_timezone:
    """The offset ``tz`` names. Raises ``ValueError`` for one of a day or more (``+29``)."""
    if tz == "Z":
        return UTC
    sign = -1 if tz[0] == "-" else 1
    hours, _, minutes = tz[1:].partition(":")
    return dt_timezone(sign * timedelta(hours=int(hours), minutes=int(minutes or 0)))


def _from_timestamp(match: re.Match[str], tz: ZoneInfo) -> datetime | None:
    parts = match.groupdict()
    fraction = parts["fraction"] or ""
    microsecond = int((fraction[1:] + "000000")[:6]) if fraction else 0
    try:
        value = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            microsecond,
        )
        return value.replace(tzinfo=_offset(parts["tz"]) if parts["tz"] else tz)
    except ValueError:  # February 30th, hour 25, an offset of 29 hours: not a date
        return None


def parse_date(value: object, *, tz: ZoneInfo | None = None) -> datetime | None:
    """An aware datetime for a front-matter date value, or ``None`` when it is not a date or
    is outside the publication range (``articles.publication_dates``)."""
    parsed = _parse_any_date(value, tz=tz)
    if parsed is None or not publication_date_in_range(parsed):
        return None
    return parsed


def _parse_any_date(value: object, *, tz: ZoneInfo | None = None) -> datetime | None:
    tz = tz or site_timezone()
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if match := _TIMESTAMP.match(text):
        return _from_timestamp(match, tz)
    if _RFC2822_HINT.match(text):
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
