"""parse_date: every date leaves as an aware UTC datetime, or None."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from crawler.extract.dates import parse_date

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
CAIRO = ZoneInfo("Africa/Cairo")


@pytest.mark.parametrize(
    ("raw", "tz", "expected"),
    [
        ("2026-11-20T10:15:00+03:00", UTC, datetime(2026, 11, 20, 7, 15, tzinfo=UTC)),
        ("2026-11-20T07:15:00Z", UTC, datetime(2026, 11, 20, 7, 15, tzinfo=UTC)),
        ("2026-11-20T10:15:00+0300", UTC, datetime(2026, 11, 20, 7, 15, tzinfo=UTC)),
        ("2026-11-20 10:15:00", CAIRO, datetime(2026, 11, 20, 8, 15, tzinfo=UTC)),
        ("2026-11-20", CAIRO, datetime(2026, 11, 19, 22, 0, tzinfo=UTC)),
        ("Fri, 20 Nov 2026 07:15:00 GMT", UTC, datetime(2026, 11, 20, 7, 15, tzinfo=UTC)),
        ("Thu, 19 Nov 2026 14:20:00 +0200", UTC, datetime(2026, 11, 19, 12, 20, tzinfo=UTC)),
        ("٢٠٢٦-١١-٢٠T١٠:١٥:٠٠+03:00", UTC, datetime(2026, 11, 20, 7, 15, tzinfo=UTC)),
        ("الأحد 15 نوفمبر 2026", CAIRO, datetime(2026, 11, 14, 22, 0, tzinfo=UTC)),
        ("15 تشرين الثاني 2026", UTC, datetime(2026, 11, 15, 0, 0, tzinfo=UTC)),
        ("3 آب 2026", UTC, datetime(2026, 8, 3, 0, 0, tzinfo=UTC)),
        ("12 نونبر 2026", UTC, datetime(2026, 11, 12, 0, 0, tzinfo=UTC)),
        ("15 novembre 2026", UTC, datetime(2026, 11, 15, 0, 0, tzinfo=UTC)),
    ],
)
def test_parses_to_utc(raw, tz, expected):
    assert parse_date(raw, tz, now=NOW) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "not a date",
        "2026-13-45",
        "1970-01-01T00:00:00Z",
        "2031-01-01T00:00:00Z",
        "x" * 500,
        None,
        42,
    ],
)
def test_rejects_missing_invalid_and_implausible(raw):
    assert parse_date(raw, UTC, now=NOW) is None


def test_datetime_input_is_localized_then_converted():
    assert parse_date(datetime(2026, 11, 20, 10, 0), CAIRO, now=NOW) == datetime(
        2026, 11, 20, 8, 0, tzinfo=UTC
    )


def test_free_text_can_be_disabled():
    assert parse_date("15 نوفمبر 2026", UTC, now=NOW, free_text=False) is None
