"""Date parsing for article metadata: every date leaves here timezone-aware, in UTC, or as None.

Structured forms (ISO 8601, RFC 822 feed dates) are parsed exactly; free text (Arabic, English and
French month names, Arabic-Indic digits) goes through dateparser. Dates without an offset are read
in the site's timezone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
# A publication date more than a day in the future is a parsing error or a lie.
FUTURE_SLACK = timedelta(days=1)

ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")
COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")

# Levantine/Iraqi (Syriac-derived) and Maghrebi month names, mapped to the names dateparser knows.
MONTH_ALIASES = {
    "كانون الثاني": "يناير",
    "شباط": "فبراير",
    "آذار": "مارس",
    "اذار": "مارس",
    "نيسان": "أبريل",
    "أيار": "مايو",
    "ايار": "مايو",
    "حزيران": "يونيو",
    "تموز": "يوليو",
    "آب": "أغسطس",
    "اب": "أغسطس",
    "أيلول": "سبتمبر",
    "ايلول": "سبتمبر",
    "تشرين الأول": "أكتوبر",
    "تشرين الاول": "أكتوبر",
    "تشرين الثاني": "نوفمبر",
    "كانون الأول": "ديسمبر",
    "كانون الاول": "ديسمبر",
    "ماي": "مايو",
    "يوليوز": "يوليو",
    "غشت": "أغسطس",
    "شتنبر": "سبتمبر",
    "نونبر": "نوفمبر",
    "دجنبر": "ديسمبر",
}
MONTH_ALIAS_RE = re.compile(
    r"(?<![\u0600-\u06FF])("
    + "|".join(sorted(map(re.escape, MONTH_ALIASES), key=len, reverse=True))
    + r")(?![\u0600-\u06FF])"
)


def _plausible(value: datetime, now: datetime | None) -> datetime | None:
    value = value.astimezone(UTC)
    now = now or datetime.now(UTC)
    if value < EARLIEST or value > now + FUTURE_SLACK:
        return None
    return value


def _localize(value: datetime, tz: tzinfo) -> datetime:
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def parse_iso_date(text: str, tz: tzinfo = UTC) -> datetime | None:
    """Parse an ISO 8601 date or datetime (as in JSON-LD and `article:*` meta); None if it is not one."""
    text = text.strip().replace(" ", "T", 1) if ISO_LIKE.match(text.strip()) else ""
    if not text:
        return None
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    text = COMPACT_OFFSET.sub(r"\1:\2", text)
    try:
        return _localize(datetime.fromisoformat(text), tz)
    except ValueError:
        return None


def parse_feed_date(text: str) -> datetime | None:
    """Parse an RFC 822 date as found in RSS `pubDate`; None if it is not one."""
    try:
        value = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _parse_free_text(text: str, tz: tzinfo) -> datetime | None:
    import dateparser  # slow to import; only needed for dates written out in words

    # No TIMEZONE setting: dateparser's own zone handling is wrong for some zones (Casablanca);
    # it returns naive datetimes for zone-less text, which we localize with zoneinfo.
    settings = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month", "year"]}
    text = MONTH_ALIAS_RE.sub(lambda m: MONTH_ALIASES[m.group(1)], text)
    try:
        parsed = dateparser.parse(text, languages=["ar", "en", "fr"], settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None
    return _localize(parsed, tz) if parsed else None


def parse_date(
    value: object, tz: tzinfo = UTC, *, now: datetime | None = None, free_text: bool = True
) -> datetime | None:
    """Return `value` as an aware UTC datetime, or None when it is missing, unparseable or implausible.

    Accepts datetimes, ISO 8601 strings, RFC 822 strings and (with `free_text`) dates written out in
    Arabic, English or French. Naive values are taken to be in `tz`. Dates before 1990 or more than a
    day in the future are rejected.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _plausible(_localize(value, tz), now)
    if not isinstance(value, str):
        return None
    text = value.translate(ARABIC_DIGITS).strip()
    if not text or len(text) > 200:
        return None
    parsed = parse_iso_date(text, tz) or parse_feed_date(text)
    if parsed is None and free_text:
        parsed = _parse_free_text(text, tz)
    return _plausible(parsed, now) if parsed else None
