"""Bylines as names: "بقلم: أحمد منصور وسارة الخطيب - القاهرة" becomes ["أحمد منصور", "سارة الخطيب"].

Byline prefixes (بقلم, كتب, By, Par...), roles (مراسل, Staff Writer...), datelines, URLs and the
site's own name are removed; lists are split on "و", "،", ",", "and", "et", "&". News agencies
(رويترز, أ ف ب, Reuters...) stay only when no person is named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.text.normalize import DIACRITICS, compact_form, matching_form, storage_line
from crawler.text.titles import _is_site_name


def _variants(pattern: str) -> str:
    """A pattern written in folded letters that also matches hamza, alef-maqsura and teh-marbuta."""
    return pattern.replace("ا", "[اأإآ]").replace("ي", "[يى]").replace("ه", "[هة]")


# Words that open a byline line in a page ("بقلم: ...", "كتب - ...", "أجرى الحوار: ..."), in
# folded letters: what `crawler.extract.visible` looks for under a headline.
LINE_OPENERS = (
    "بقلم", "كتب", "كتبت", "كتبه", "اعداد", "اعدته", "اعده", "حوار", "اجري الحوار",
    "اجرت الحوار", "حاوره", "حاورته", "حاورها", "تحرير", "ترجمه", "تقرير", "متابعه", "تغطيه",
    "نشر بواسطه", "بواسطه", "by", "par",
)  # fmt: skip
# Words that may lead a byline value without making a page's line one ("مراسل ...", "الصحفي ...").
VALUE_OPENERS = (
    "كتبها", "مراسل", "تقديم", "ارسلت بواسطه", "written by", "reporting by", "report by",
    "words by", "écrit par", "ecrit par", "propos recueillis par", "الكاتب", "الكاتبه", "الصحفي",
    "الصحفيه", "الاعلامي", "الاعلاميه",
)  # fmt: skip
# Leading byline words of a value: both of the above.
PREFIX = re.compile(
    _variants("^(?:" + "|".join((*LINE_OPENERS, *VALUE_OPENERS)) + ")")
    + r"(?:\s*[:\-–—/|]\s*|\s+)",
    re.IGNORECASE,
)
# A role after the name ("أحمد منصور - مراسل الجزيرة", "Jane Doe, Staff Writer") is cut off there.
ROLE = re.compile(
    r"\s*(?:[-–—|/(،,]\s*|\s)"
    + _variants(
        r"(?:مراسل|مراسله|مراسلنا|مراسلتنا|محرر|محرره|صحفي|صحفيه|رئيس التحرير|مدير التحرير|"
        r"كاتب صحفي|كاتبه صحفيه|باحث|باحثه|مدير مكتب|"
    )
    + r"correspondent|editor|senior editor|reporter|staff writer|contributor|journaliste|"
    r"envoyée? spéciale?|envoyee? speciale?|rédact(?:eur|rice)|redact(?:eur|rice))s?\b.*$",
    re.IGNORECASE,
)
# The dateline after a dash ("أحمد منصور - القاهرة") is a place, not a second author.
DATELINE_DASH = re.compile(r"\s+[-–—]\s+.*$")
SPLIT = re.compile(r"\s*(?:[،,;&/]|\s+و\s+|\s+and\s+|\s+et\s+)\s*", re.IGNORECASE)
# Names that begin with و, where "أحمد منصور ووليد" must not be read as "... and ليد".
WAW_NAMES = {
    "وليد", "وايل", "وفاء", "وسام", "وداد", "وجدي", "وهيب", "ولاء", "وحيد", "وديع", "وصفي",
    "وضاح", "وعد", "وجيه", "وهبه", "ورده", "وصال", "وفيق", "وجدان", "والي", "وهاد",
}  # fmt: skip
URL = re.compile(r"https?://|www\.|\.(?:com|net|org)\b|@", re.IGNORECASE)
AGENCIES = {
    compact_form(name)
    for name in (
        "رويترز", "أ ف ب", "أ.ف.ب", "فرانس برس", "وكالة فرانس برس", "أسوشيتد برس", "أ ب",
        "د ب أ", "الأناضول", "وكالة الأناضول", "سبوتنيك", "شينخوا", "وام", "واس", "قنا", "كونا",
        "بنا", "سانا", "ومع", "وكالات", "وكالة الأنباء", "الوكالات", "إرنا", "تاس", "إفي",
        "Reuters", "AFP", "AP", "Associated Press", "dpa", "Anadolu", "Anadolu Agency", "Xinhua",
        "Agencies", "Agence France-Presse", "EFE", "TASS", "Sputnik", "WAM", "SPA", "QNA", "KUNA",
    )
}  # fmt: skip
# Not names: the CMS's placeholder users and editorial-desk labels.
NOT_NAMES = {
    compact_form(name)
    for name in (
        "admin", "administrator", "editor", "editors", "staff", "webmaster", "author", "user",
        "المحرر", "التحرير", "فريق التحرير", "هيئة التحرير", "أسرة التحرير", "محرر الموقع",
        "المحرر الرقمي", "الكاتب", "Editorial Team", "Editorial Staff", "Staff Writer", "La Rédaction",
        "Rédaction", "News Desk", "Newsroom", "غير معروف", "unknown",
    )
}  # fmt: skip
# Words no personal name contains ("على" is not here: folded, it is the name علي): a value with
# one is a sentence a selector caught.
FUNCTION_WORDS = {"في", "من", "الي", "عن", "ان", "قال", "وقال", "هذا", "هذه", "التي", "الذي"}
MAX_NAME_WORDS = 6
MAX_NAME_CHARS = 60


def _split_waw(value: str) -> list[str]:
    """Split "أحمد منصور وسارة الخطيب" at the attached و when both sides are full names."""
    tokens = value.split()
    for i in range(2, len(tokens) - 1):
        token = tokens[i]
        if token.startswith("و") and len(token) > 2 and matching_form(token) not in WAW_NAMES:
            left, right = tokens[:i], [token[1:], *tokens[i + 1 :]]
            if len(left) >= 2 and len(right) >= 2:
                return [" ".join(left), *_split_waw(" ".join(right))]
    return [value]


def _name(value: str) -> str:
    # Bylines carry no meaningful diacritics; without them the byline words match as written.
    value = DIACRITICS.sub("", value).strip(" .:-–—|()[]\"'«»")
    while True:
        stripped = PREFIX.sub("", value, count=1)
        if stripped == value:
            break
        value = stripped
    value = ROLE.sub("", value)
    return value.strip(" .:-–—|()[]\"'«»")


def clean_authors(values: Iterable[str], names: set[str] = frozenset()) -> list[str]:
    """Person names from raw byline values, in order, without duplicates (see the module docstring).

    `names` are the site's compact names (`titles.site_names`); a byline that is the site is dropped.
    """
    people: list[str] = []
    agencies: list[str] = []
    seen: set[str] = set()
    for raw in values:
        if not isinstance(raw, str):
            continue
        text = storage_line(raw)
        if not text or (URL.search(text) and " " not in text.strip()):
            continue
        text = DATELINE_DASH.sub("", _name(text)) if " - " in text else _name(text)
        for index, part in enumerate(SPLIT.split(text)):
            first = part.split()[0] if part.split() else ""
            if index and first.startswith("و") and matching_form(first) not in WAW_NAMES:
                part = part[1:]  # "أحمد، وعلي حسن": the conjunction, not the name
            for piece in _split_waw(part):
                name = _name(piece)
                key = compact_form(name)
                if not key or key in seen or URL.search(name):
                    continue
                if (
                    len(name) > MAX_NAME_CHARS
                    or len(name.split()) > MAX_NAME_WORDS
                    or FUNCTION_WORDS.intersection(matching_form(name).split())
                ):
                    continue  # a sentence caught by a selector, not a byline
                if key in NOT_NAMES or _is_site_name(name, names):
                    continue
                seen.add(key)
                (agencies if key in AGENCIES else people).append(name)
    return people or agencies
