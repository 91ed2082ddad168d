"""Property tests: cleaning and date parsing never raise on arbitrary text and never grow it."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.text.boilerplate import strip_boilerplate
from crawler.text.bylines import clean_authors
from crawler.text.cleaning import clean_article
from crawler.text.dates import EARLIEST, check_date
from crawler.text.normalize import PRESENTATION_FORMS, matching_form, storage_form
from crawler.text.titles import clean_title, site_names

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

# Arabic-heavy text with everything that makes it hard: diacritics, tatweel, presentation forms,
# bidi and zero-width controls, odd spaces, line breaks, entities, digits of three scripts.
ARABIC_CHARS = st.characters(
    codec="utf-8",
    categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf"),
)
PIECES = st.sampled_from(
    [
        "الأَسَد", "ـــ", "ﻻ", "ﷺ", "\u200f", "\u200c", "\u00a0", "\n\n", "\r\n", "&amp;", "&lt;",
        "٢٠٢٦", "۱۴۰۵", "شاركها.", "اقرأ أيضا: ", "بقلم: ", " - ", " | ", "منذ 3 ساعات", "أمس",
        "15 جمادى الأولى 1448 هـ", "10:30 م", "نوفمبر", "كانون الثاني", "جانفي", "\x00", "\ufeff",
    ]
)  # fmt: skip
TEXT = st.lists(st.one_of(st.text(ARABIC_CHARS, max_size=30), PIECES), max_size=25).map("".join)


def visible(text: str) -> int:
    """Characters that are not whitespace, with presentation forms counted as the letters they
    stand for (the only expansion cleaning makes: ﻻ is two letters, ﷺ a phrase)."""
    expanded = PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    return len(re.sub(r"\s", "", expanded))


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
def test_storage_form_never_raises_or_grows(text):
    stored = storage_form(text)
    assert visible(stored) <= visible(text)
    assert "\x00" not in stored and "\n\n\n" not in stored
    assert storage_form(stored) == stored  # idempotent


@FAST
@given(TEXT)
def test_matching_form_never_raises_and_is_idempotent(text):
    form = matching_form(text)
    assert matching_form(form) == form


@FAST
@given(TEXT, TEXT, st.lists(TEXT, max_size=4))
def test_clean_article_never_raises_or_grows(title, body, authors):
    names = site_names("نافذة الشرق", "nafitha")
    cleaned = clean_article(title=title, body=body, authors=authors, tags=authors, names=names)
    assert visible(cleaned.body) <= visible(body)
    assert cleaned.title is None or visible(cleaned.title) <= visible(title)
    assert sum(map(visible, cleaned.authors)) <= sum(map(visible, authors))
    paragraphs = [p for p in cleaned.body.split("\n\n") if p]
    assert strip_boilerplate(paragraphs).paragraphs == paragraphs, "no curated line is left"


@FAST
@given(TEXT)
def test_title_and_author_cleaning_never_raise_or_grow(text):
    title = clean_title(text, site_names("سكاي نيوز عربية"), ["اقتصاد"])
    assert visible(title) <= visible(text)
    assert sum(map(visible, clean_authors([text]))) <= visible(text)


@settings(max_examples=200, deadline=None)
@given(TEXT, st.sampled_from([UTC, ZoneInfo("Asia/Riyadh"), ZoneInfo("Africa/Casablanca")]))
def test_dates_never_raise_and_are_plausible(text, tz):
    value, problem = check_date(text, tz, now=NOW)
    if value is None:
        assert problem in {"missing", "unparseable", "future", "too_old"}
    else:
        assert problem is None
        assert value.utcoffset() == timedelta(0)
        assert EARLIEST <= value <= NOW + timedelta(days=1)
