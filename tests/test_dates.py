"""parse_date: every date leaves as an aware UTC datetime, or None."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from crawler.text.dates import check_date, parse_date

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # the crawl time relative dates count back from
CAIRO = ZoneInfo("Africa/Cairo")  # UTC+2 (no DST in November)
RIYADH = ZoneInfo("Asia/Riyadh")  # UTC+3
BEIRUT = ZoneInfo("Asia/Beirut")  # UTC+2 in November
ALGIERS = ZoneInfo("Africa/Algiers")  # UTC+1
CASABLANCA = ZoneInfo("Africa/Casablanca")  # UTC+1


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


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "tz", "expected"),
    [
        # Day names, Arabic-Indic digits, 12-hour times with ص/م and their long forms.
        ("الاثنين، 16 نوفمبر 2026 - 10:30 م", CAIRO, utc(2026, 11, 16, 20, 30)),
        ("16 نوفمبر 2026 10:30 ص", CAIRO, utc(2026, 11, 16, 8, 30)),
        ("١٦ نوفمبر ٢٠٢٦ الساعة ١٠:٣٠ مساءً", RIYADH, utc(2026, 11, 16, 19, 30)),
        ("الجمعة 13 نوفمبر 2026 12:15 ص", CAIRO, utc(2026, 11, 12, 22, 15)),
        ("الخميس 12 نوفمبر 2026 12:15 م", CAIRO, utc(2026, 11, 12, 10, 15)),
        ("آخر تحديث: 16 نوفمبر 2026 - 10:30", ALGIERS, utc(2026, 11, 16, 9, 30)),
        ("نشر في: الاثنين 16 نوفمبر 2026", ALGIERS, utc(2026, 11, 15, 23, 0)),
        ("16 نوفمبر 2026م", CAIRO, utc(2026, 11, 15, 22, 0)),
        # Levantine/Iraqi month names.
        ("16 كانون الثاني 2026", BEIRUT, utc(2026, 1, 15, 22, 0)),
        ("السبت 3 أيار 2025 | 09:00", BEIRUT, utc(2025, 5, 3, 6, 0)),
        ("1 تشرين الأول 2026", BEIRUT, utc(2026, 9, 30, 21, 0)),
        # Algerian/Tunisian and Moroccan month names.
        ("16 جانفي 2026", ALGIERS, utc(2026, 1, 15, 23, 0)),
        ("16 فيفري 2026 على الساعة 18:00", ALGIERS, utc(2026, 2, 16, 17, 0)),
        ("الخميس 5 جويلية 2026", ALGIERS, utc(2026, 7, 4, 23, 0)),
        ("12 دجنبر 2025 - 12:15", CASABLANCA, utc(2025, 12, 12, 11, 15)),
        ("12 شتنبر 2025", CASABLANCA, utc(2025, 9, 11, 23, 0)),
        # Egyptian spellings and numeric day-first dates.
        ("16 يونيه 2026", CAIRO, utc(2026, 6, 15, 21, 0)),
        ("16/11/2026 22:30", CAIRO, utc(2026, 11, 16, 20, 30)),
        ("05/11/2026", CAIRO, utc(2026, 11, 4, 22, 0)),
        # An explicit zone wins over the site's.
        ("16 نوفمبر 2026 10:30 بتوقيت مكة المكرمة", ALGIERS, utc(2026, 11, 16, 7, 30)),
        ("16 نوفمبر 2026 10:30 بتوقيت غرينتش", ALGIERS, utc(2026, 11, 16, 10, 30)),
        # Relative forms, counted back from the crawl time.
        ("منذ 3 ساعات", CAIRO, utc(2026, 11, 29, 9, 0)),
        ("منذ ساعتين", CAIRO, utc(2026, 11, 29, 10, 0)),
        ("قبل 5 دقائق", CAIRO, utc(2026, 11, 29, 11, 55)),
        ("منذ يومين", CAIRO, utc(2026, 11, 27, 12, 0)),
        ("منذ أسبوع", CAIRO, utc(2026, 11, 22, 12, 0)),
        ("تاريخ النشر: منذ ساعة", CAIRO, utc(2026, 11, 29, 11, 0)),
        ("أمس 10:30 م", BEIRUT, utc(2026, 11, 28, 20, 30)),
        ("أمس", BEIRUT, utc(2026, 11, 27, 22, 0)),
        ("أول أمس", BEIRUT, utc(2026, 11, 26, 22, 0)),
        ("اليوم 08:15", BEIRUT, utc(2026, 11, 29, 6, 15)),
        ("3 hours ago", UTC, utc(2026, 11, 29, 9, 0)),
        ("il y a 2 jours", UTC, utc(2026, 11, 27, 12, 0)),
        ("hier à 14:30", ALGIERS, utc(2026, 11, 28, 13, 30)),
        # Hijri dates: converted (Umm al-Qura), never read as Gregorian years 1447/1448.
        ("الأحد 15 جمادى الأولى 1448 هـ", RIYADH, utc(2026, 10, 25, 21, 0)),
        ("1448/05/15 هـ", RIYADH, utc(2026, 10, 25, 21, 0)),
        ("15 رمضان 1447", RIYADH, utc(2026, 3, 3, 21, 0)),
        # Both calendars: the Gregorian date (with its time) is the one used.
        (
            "15 جمادى الأولى 1448 هـ الموافق 27 أكتوبر 2026م 10:00 ص",
            RIYADH,
            utc(2026, 10, 27, 7, 0),
        ),
        ("English: November 16, 2026 10:30 PM", UTC, utc(2026, 11, 16, 22, 30)),
        ("16 novembre 2026 à 22h30", UTC, utc(2026, 11, 16, 22, 30)),
    ],
)
def test_arabic_date_forms(raw, tz, expected):
    assert parse_date(raw, tz, now=NOW) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("15 ديسمبر 2026", "future"),  # two weeks after the crawl
        ("3 مارس 1985", "too_old"),
        ("1990-01-01T00:00:00+03:00", "too_old"),
        ("15 جمادى الأولى 1520 هـ", "unparseable"),  # outside the Umm al-Qura table
        ("30 محرم 1448", "unparseable"),  # no such day
        ("نص لا تاريخ فيه", "unparseable"),
        ("   ", "missing"),
    ],
)
def test_invalid_dates_have_a_reason(raw, reason):
    assert check_date(raw, RIYADH, now=NOW) == (None, reason)


def test_datetime_input_is_localized_then_converted():
    assert parse_date(datetime(2026, 11, 20, 10, 0), CAIRO, now=NOW) == datetime(
        2026, 11, 20, 8, 0, tzinfo=UTC
    )


def test_free_text_can_be_disabled():
    assert parse_date("15 نوفمبر 2026", UTC, now=NOW, free_text=False) is None
