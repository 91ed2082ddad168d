"""Date parsing for article metadata: every date leaves here timezone-aware, in UTC, or as None.

Structured forms (ISO 8601, RFC 822 feed dates) are parsed exactly. Free text is brought to the
matching form and rewritten into what dateparser reads reliably: regional month names mapped to the
Egyptian/Gulf series, weekday names and era marks dropped, 12-hour times with ص/م made 24-hour.
Relative forms ("منذ 3 ساعات", "أمس") and Hijri dates are handled here, since dateparser reads
neither in Arabic. Dates without an offset are read in the site's timezone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from crawler.text.normalize import matching_form

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
# A publication date more than a day in the future is a parsing error or a lie.
FUTURE_SLACK = timedelta(days=1)

ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")
COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
# RFC 822 as feeds write it: "Fri, 20 Nov 2026 07:15:00 GMT". email.utils reads far looser text
# ("November 16, 2026 10:30 PM" as 10:30), so only this shape goes to it.
RFC822 = re.compile(r"^(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")


def _alternation(words) -> str:
    """A regex alternation of `words`, longest first so "ربيع الأول" wins over "ربيع"."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


# Levantine/Iraqi (Syriac-derived) and Maghrebi month names, mapped to the names dateparser knows.
# Keys and values are in the matching form (alef, yeh and teh-marbuta folded), as is the text.
MONTH_ALIASES = {
    matching_form(k): matching_form(v)
    for k, v in {
        "كانون الثاني": "يناير",
        "شباط": "فبراير",
        "آذار": "مارس",
        "نيسان": "أبريل",
        "أيار": "مايو",
        "حزيران": "يونيو",
        "تموز": "يوليو",
        "آب": "أغسطس",
        "أيلول": "سبتمبر",
        "تشرين الأول": "أكتوبر",
        "تشرين الثاني": "نوفمبر",
        "كانون الأول": "ديسمبر",
        # Morocco.
        "ماي": "مايو",
        "يوليوز": "يوليو",
        "غشت": "أغسطس",
        "شتنبر": "سبتمبر",
        "نونبر": "نوفمبر",
        "دجنبر": "ديسمبر",
        # Algeria and Tunisia.
        "جانفي": "يناير",
        "فيفري": "فبراير",
        "أفريل": "أبريل",
        "جوان": "يونيو",
        "جويلية": "يوليو",
        "أوت": "أغسطس",
        # Egypt.
        "يونيه": "يونيو",
        "يوليه": "يوليو",
    }.items()
}
ARABIC_LETTER = r"\u0600-\u06FF"
MONTH_ALIAS_RE = re.compile(
    rf"(?<![{ARABIC_LETTER}])(" + _alternation(MONTH_ALIASES) + rf")(?![{ARABIC_LETTER}])"
)
# Weekday names say nothing the date does not, and some spellings confuse dateparser.
WEEKDAYS = re.compile(
    rf"(?<![{ARABIC_LETTER}])(?:يوم\s+)?(?:ال)?(?:احد|اثنين|ثلاثاء|اربعاء|خميس|جمعه|سبت)"
    rf"(?![{ARABIC_LETTER}])"
)
# "2026م": the Gregorian era mark after a year.
GREGORIAN_ERA = re.compile(rf"((?:19|20)\d\d)\s*م(?![{ARABIC_LETTER}])")
# 12-hour times: ص/صباحا (morning), م/مساء (evening), ظهرا, عصرا, فجرا, ليلا; AM/PM.
TWELVE_HOUR = re.compile(
    r"(?:الساعه\s*)?(\d{1,2})[:.](\d{2})(?::(\d{2}))?\s*"
    rf"(ص|م|صباحا|صباح|مساء|مساءا|ظهرا|الظهر|عصرا|فجرا|ليلا|am|pm|a\.m\.|p\.m\.)(?![{ARABIC_LETTER}a-z])"
)
AFTERNOON = {"م", "مساء", "مساءا", "ظهرا", "الظهر", "عصرا", "pm", "p.m."}

# Hijri months (Umm al-Qura), in the matching form.
HIJRI_MONTHS = {
    matching_form(k): v
    for k, v in {
        "محرم": 1, "صفر": 2, "ربيع الأول": 3, "ربيع أول": 3, "ربيع الآخر": 4, "ربيع الثاني": 4,
        "ربيع آخر": 4, "ربيع ثاني": 4, "جمادى الأولى": 5, "جمادى الأول": 5, "جمادى أولى": 5,
        "جمادى الآخرة": 6, "جمادى الثانية": 6, "جمادى الآخر": 6, "جمادى آخرة": 6, "رجب": 7,
        "شعبان": 8, "رمضان": 9, "شوال": 10, "ذو القعدة": 11, "ذي القعدة": 11, "ذو الحجة": 12,
        "ذي الحجة": 12,
    }.items()
}  # fmt: skip
HIJRI_NAMED = re.compile(
    r"(\d{1,2})\s+("
    + _alternation(HIJRI_MONTHS)
    + rf")\s*,?\s*(1[34]\d\d)(?:\s*ه(?![{ARABIC_LETTER}]))?"
)
HIJRI_NUMERIC = re.compile(
    rf"(?:(1[34]\d\d)[/-](\d{{1,2}})[/-](\d{{1,2}})|(\d{{1,2}})[/-](\d{{1,2}})[/-](1[34]\d\d))\s*ه(?![{ARABIC_LETTER}])"
)
# The joining word between a Hijri and a Gregorian date: "... 1448 هـ الموافق 16 نوفمبر 2026".
CORRESPONDING = re.compile(r"\s*[-,|/]?\s*(?:الموافق|الموافقه|الموافق ل|الموافق لـ|يوافق)\s*")

# Relative dates, counted back from the crawl time.
UNITS = {
    **dict.fromkeys(("ثانيه", "ثواني", "ثوان", "ثانيتين", "ثانيتان"), "seconds"),
    **dict.fromkeys(("دقيقه", "دقايق", "دقيقتين", "دقيقتان"), "minutes"),
    **dict.fromkeys(("ساعه", "ساعات", "ساعتين", "ساعتان"), "hours"),
    **dict.fromkeys(("يوم", "ايام", "يومين", "يومان"), "days"),
    **dict.fromkeys(("اسبوع", "اسابيع", "اسبوعين", "اسبوعان"), "weeks"),
    **dict.fromkeys(("شهر", "اشهر", "شهور", "شهرين", "شهران"), "months"),
    **dict.fromkeys(("سنه", "سنوات", "سنين", "سنتين", "عام", "اعوام", "عامين"), "years"),
    **dict.fromkeys(("second", "seconds", "seconde", "secondes", "sec", "secs"), "seconds"),
    **dict.fromkeys(("minute", "minutes", "min", "mins"), "minutes"),
    **dict.fromkeys(("hour", "hours", "heure", "heures", "hr", "hrs"), "hours"),
    **dict.fromkeys(("day", "days", "jour", "jours"), "days"),
    **dict.fromkeys(("week", "weeks", "semaine", "semaines"), "weeks"),
    **dict.fromkeys(("month", "months", "mois"), "months"),
    **dict.fromkeys(("year", "years", "an", "ans", "annee", "annees", "année", "années"), "years"),
}
DUALS = {"ثانيتين", "ثانيتان", "دقيقتين", "دقيقتان", "ساعتين", "ساعتان", "يومين", "يومان",
         "اسبوعين", "اسبوعان", "شهرين", "شهران", "سنتين", "عامين"}  # fmt: skip
NUMBER_WORDS = {
    "واحد": 1, "واحده": 1, "a": 1, "an": 1, "one": 1, "un": 1, "une": 1, "ثلاث": 3, "ثلاثه": 3,
    "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7,
    "ثماني": 8, "ثمان": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10,
    "two": 2, "three": 3, "deux": 2, "trois": 3,
}  # fmt: skip
UNIT_WORDS = _alternation(UNITS)
NUMBER = r"\d+|" + _alternation(NUMBER_WORDS)
RELATIVE_AGO = re.compile(
    rf"(?:منذ|قبل|il y a)\s+(?:({NUMBER})\s+)?({UNIT_WORDS})(?![{ARABIC_LETTER}a-z])"
    rf"|(?:({NUMBER})\s+)?({UNIT_WORDS})\s+ago\b"
)
RELATIVE_DAY = re.compile(
    rf"(?<![{ARABIC_LETTER}a-z])(اول امس|اول من امس|امس|البارحه|اليوم|الان|للتو|"
    rf"the day before yesterday|yesterday|today|just now|avant-hier|hier|aujourd'hui|a l'instant|à l'instant)"
    rf"(?![{ARABIC_LETTER}a-z])"
)
DAYS_BACK = {"اول امس": 2, "اول من امس": 2, "the day before yesterday": 2, "avant-hier": 2,
             "امس": 1, "البارحه": 1, "yesterday": 1, "hier": 1,
             "اليوم": 0, "today": 0, "aujourd'hui": 0}  # fmt: skip
# Words around a time that dateparser does not need: "على الساعة", "في تمام".
FILLERS = re.compile(
    rf"(?<![{ARABIC_LETTER}])(?:علي\s+|في\s+)?(?:الساعه|تمام الساعه|تمام)(?![{ARABIC_LETTER}])"
)
# "آخر تحديث:", "نشر في:", "Published:": a label before the date.
LABEL = re.compile(r"^[^\d:]{1,40}:\s*")
# The same labels without a colon: "تم نشره الجمعة 24 ...", "نشر في 3 مارس ...".
PUBLISHED_LABEL = re.compile(
    r"^(?:تم نشره|تم النشر|نشر في|نشر بتاريخ|تاريخ النشر|نشرت في|نشر|بتاريخ|published on|"
    rf"published|posted on|posted|publie le|publie)(?![{ARABIC_LETTER}a-z])\s*[-:|]?\s*"
)
# "24 نيسان / أبريل 2020": two series side by side, one month once both are mapped.
PAIRED_MONTH = re.compile(rf"(?<![{ARABIC_LETTER}])([{ARABIC_LETTER}]+)\s*[/|(-]\s*\1\)?")
# "بتوقيت غرينتش", "بتوقيت مكة": an explicit zone overrides the site's.
NAMED_ZONES = {
    "غرينتش": "UTC", "غرينيتش": "UTC", "جرينتش": "UTC", "gmt": "UTC", "utc": "UTC",
    "مكه": "Asia/Riyadh", "مكه المكرمه": "Asia/Riyadh", "السعوديه": "Asia/Riyadh",
    "الرياض": "Asia/Riyadh", "القاهره": "Africa/Cairo", "مصر": "Africa/Cairo",
    "القدس": "Asia/Jerusalem", "بيروت": "Asia/Beirut", "دمشق": "Asia/Damascus",
    "بغداد": "Asia/Baghdad", "عمان": "Asia/Amman", "الدوحه": "Asia/Qatar", "ابوظبي": "Asia/Dubai",
    "ابو ظبي": "Asia/Dubai", "الامارات": "Asia/Dubai", "دبي": "Asia/Dubai",
    "الكويت": "Asia/Kuwait", "المغرب": "Africa/Casablanca", "الجزاير": "Africa/Algiers",
    "تونس": "Africa/Tunis", "طرابلس": "Africa/Tripoli", "الخرطوم": "Africa/Khartoum",
}  # fmt: skip
NAMED_ZONE = re.compile(
    r"\s*(?:بتوقيت|توقيت|حسب توقيت)\s+("
    + _alternation(NAMED_ZONES)
    + rf")(?![{ARABIC_LETTER}])|\s+(gmt|utc)\b"
)
CLOCK = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?!\d)")


def _clock(text: str) -> tuple[int, int] | None:
    """The first hh:mm in `text` as (hour, minute); (0, 0) without one; None when impossible."""
    match = CLOCK.search(text)
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    return (hour, minute) if hour <= 23 and minute <= 59 else None


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
    if not RFC822.match(text.strip()):
        return None
    try:
        value = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _number(word: str | None, unit: str) -> int:
    if word is None:
        return 2 if unit in DUALS else 1
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word, 1)


def _ago(amount: int, unit: str, now: datetime) -> datetime | None:
    if amount > 100_000:
        return None
    if unit == "months":
        return now - timedelta(days=30 * amount)
    if unit == "years":
        return now - timedelta(days=365 * amount)
    return now - timedelta(**{unit: amount})


def parse_relative_date(text: str, now: datetime, tz: tzinfo = UTC) -> datetime | None:
    """ "منذ 3 ساعات", "قبل ساعتين", "أمس 10:30 م", "3 hours ago", "hier": an instant before `now`.

    `text` is in the matching form with 12-hour times already made 24-hour. A day word without a
    time ("أمس") gives the start of that day in the site's timezone.
    """
    match = RELATIVE_AGO.search(text)
    if match:
        number, unit = (match.group(1), match.group(2)) if match.group(2) else match.group(3, 4)
        return _ago(_number(number, unit), UNITS[unit], now)
    match = RELATIVE_DAY.search(text)
    if not match:
        return None
    word = match.group(1)
    if word in ("الان", "للتو", "just now", "a l'instant", "à l'instant"):
        return now
    day = (now.astimezone(tz) - timedelta(days=DAYS_BACK[word])).date()
    clock = _clock(text)
    if clock is None:
        return None
    return datetime(day.year, day.month, day.day, *clock, tzinfo=tz)


def _twenty_four_hour(match: re.Match[str]) -> str:
    hour, minute, second, marker = match.groups()
    hour = int(hour)
    if hour > 12:
        return match.group(0)  # "14:30 م" is already 24-hour
    if (marker in AFTERNOON and hour < 12) or (marker == "ليلا" and 6 <= hour < 12):
        hour += 12
    elif marker not in AFTERNOON and marker != "ليلا" and hour == 12:
        hour = 0  # 12:15 ص
    return f" {hour:02d}:{minute}" + (f":{second}" if second else "")


def parse_hijri_date(text: str, tz: tzinfo = UTC) -> datetime | None:
    """A Hijri (Umm al-Qura) date in `text` ("15 جمادى الأولى 1448 هـ", "1448/05/15 هـ") as a
    Gregorian datetime at the start of that day in `tz`; None if there is none or it is invalid."""
    from hijridate import Hijri

    match = HIJRI_NAMED.search(text)
    if match:
        day, month, year = int(match.group(1)), HIJRI_MONTHS[match.group(2)], int(match.group(3))
    else:
        match = HIJRI_NUMERIC.search(text)
        if not match:
            return None
        if match.group(1):
            year, month, day = map(int, match.group(1, 2, 3))
        else:
            day, month, year = map(int, match.group(4, 5, 6))
    try:
        gregorian = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None  # out of the Umm al-Qura table, or no such day
    clock = _clock(text[match.end() :]) or (0, 0)
    return datetime(gregorian.year, gregorian.month, gregorian.day, *clock, tzinfo=tz)


def _without_hijri(text: str) -> tuple[str, bool]:
    """`text` with its Hijri dates taken out, and whether there were any."""
    stripped = HIJRI_NAMED.sub(" ", text)
    stripped = HIJRI_NUMERIC.sub(" ", stripped)
    if stripped == text:
        return text, False
    return CORRESPONDING.sub(" ", stripped), True


def is_relative(text: str) -> bool:
    """Whether `text` says a date relative to now ("منذ 3 ساعات", "yesterday at noon")."""
    form = matching_form(text)
    return bool(RELATIVE_AGO.search(form) or RELATIVE_DAY.search(form))


def _parse_free_text(
    text: str, tz: tzinfo, now: datetime | None, relative: bool = True
) -> datetime | None:
    """Dates written out in words or in local numeric forms (see `parse_date`)."""
    form = matching_form(text)
    zone = NAMED_ZONE.search(form)
    if zone:
        tz = ZoneInfo(NAMED_ZONES[zone.group(1) or zone.group(2)])
        form = form[: zone.start()] + " " + form[zone.end() :]
    form = PUBLISHED_LABEL.sub("", LABEL.sub("", form.strip()))
    form = TWELVE_HOUR.sub(_twenty_four_hour, FILLERS.sub(" ", form))
    found = parse_relative_date(form, now or datetime.now(UTC), tz) if relative else None
    if found is not None:
        return found
    prepared = form
    form, had_hijri = _without_hijri(form)
    if had_hijri and not re.search(r"(?:19|20)\d\d", form):
        # Only a Hijri date: convert it; never let its year pass for a Gregorian one.
        return parse_hijri_date(prepared, tz)
    form = GREGORIAN_ERA.sub(r"\1", WEEKDAYS.sub(" ", form))
    form = MONTH_ALIAS_RE.sub(lambda m: MONTH_ALIASES[m.group(1)], form)
    form = PAIRED_MONTH.sub(r"\1", form)
    form = " ".join(form.split()).strip(" ,-|")  # the matching form has "،" as "," already
    if not form:
        return None
    import dateparser  # slow to import; only needed for dates written out in words

    # No TIMEZONE setting: dateparser's own zone handling is wrong for some zones (Casablanca);
    # it returns naive datetimes for zone-less text, which we localize with zoneinfo.
    settings = {
        "PREFER_DATES_FROM": "past",
        "REQUIRE_PARTS": ["day", "month", "year"],
        "DATE_ORDER": "DMY",  # 05/11/2026 is the 5th of November on Arabic sites
    }
    if not relative:
        settings["PARSERS"] = ["custom-formats", "absolute-time"]
    try:
        parsed = dateparser.parse(form, languages=["ar", "en", "fr"], settings=settings)
    except (ValueError, OverflowError, TypeError, RecursionError):
        return None
    return _localize(parsed, tz) if parsed else None


def check_date(
    value: object,
    tz: tzinfo = UTC,
    *,
    now: datetime | None = None,
    free_text: bool = True,
    relative: bool = True,
) -> tuple[datetime | None, str | None]:
    """`value` as an aware UTC datetime and None, or None and why not.

    The reason is `missing`, `unparseable`, `future` (more than a day ahead of `now`), `too_old`
    (before 1990) or, with `relative=False` (a machine-readable field: JSON-LD, `<meta>`,
    `<time datetime>`), `relative` for "yesterday at noon", "منذ ساعتين" and the like, which
    such a field cannot mean. See `parse_date` for the accepted forms.
    """
    try:
        return _check_date(value, tz, now, free_text, relative)
    except (OverflowError, ValueError):
        # An offset that pushes year 1 or 9999 out of range, a day the calendar lacks: no date.
        return None, "unparseable"


def _check_date(
    value: object, tz: tzinfo, now: datetime | None, free_text: bool, relative: bool = True
) -> tuple[datetime | None, str | None]:
    if value is None:
        return None, "missing"
    if isinstance(value, datetime):
        parsed: datetime | None = _localize(value, tz)
    elif isinstance(value, str):
        text = value.translate(ARABIC_DIGITS).strip()
        if not text:
            return None, "missing"
        if len(text) > 200:
            return None, "unparseable"
        parsed = parse_iso_date(text, tz) or parse_feed_date(text)
        if parsed is None and not relative and is_relative(text):
            return None, "relative"
        if parsed is None and free_text:
            parsed = _parse_free_text(text, tz, now, relative)
    else:
        return None, "unparseable"
    if parsed is None:
        return None, "unparseable"
    plausible = _plausible(parsed, now)
    if plausible is None:
        return None, "too_old" if parsed.astimezone(UTC) < EARLIEST else "future"
    return plausible, None


def parse_date(
    value: object, tz: tzinfo = UTC, *, now: datetime | None = None, free_text: bool = True
) -> datetime | None:
    """Return `value` as an aware UTC datetime, or None when it is missing, unparseable or implausible.

    Accepts datetimes, ISO 8601 and RFC 822 strings, and (with `free_text`) dates written out in
    Arabic, English or French: every regional series of Arabic month names, Arabic-Indic digits,
    weekday names, 12-hour times with ص/م, relative forms ("منذ 3 ساعات", "أمس") counted back from
    `now` (the crawl time), and Hijri dates, converted (Umm al-Qura) rather than mistaken for
    Gregorian ones. Naive values are taken to be in `tz`. Dates before 1990 or more than a day after
    `now` are rejected.
    """
    return check_date(value, tz, now=now, free_text=free_text)[0]
