from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from articles.hexo.dates import parse_date

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fri, 18 Mar 2022 01:23:51 GMT", datetime(2022, 3, 18, 1, 23, 51, tzinfo=UTC)),
        ("Sun, 31 Dec 1950 00:00:00 GMT", datetime(1950, 12, 31, tzinfo=UTC)),
        ("2021-03-21 16:41:54", datetime(2021, 3, 21, 16, 41, 54, tzinfo=SHANGHAI)),
        ("2018-10-04", datetime(2018, 10, 4, tzinfo=SHANGHAI)),
        ("2023-01-08 12:11:08+00:00", datetime(2023, 1, 8, 12, 11, 8, tzinfo=UTC)),
        ("2023-01-08T12:11:08Z", datetime(2023, 1, 8, 12, 11, 8, tzinfo=UTC)),
        (
            "2023-01-08 12:11:08 -05:00",
            datetime(2023, 1, 8, 12, 11, 8, tzinfo=timezone(timedelta(hours=-5))),
        ),
    ],
)
def test_parses_hexo_date_forms(value, expected):
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed.tzinfo is not None


@pytest.mark.parametrize("value", ["Invalid Date", "2020-09-06 22:010:17", "", None, "明天"])
def test_non_dates_are_none(value):
    assert parse_date(value) is None
