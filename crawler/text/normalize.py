"""The two normal forms of Arabic text: one for storing, one for matching.

`storage_form` is conservative: the text still reads as the site wrote it (presentation forms
become standard letters, tatweel and invisible controls go, spaces and blank lines are tidied).
`matching_form` is aggressive and never stored as a body: diacritics and tatweel removed,
alef/yeh/teh-marbuta variants folded, Arabic-Indic and Persian digits made ASCII, punctuation and
quotes unified, Latin lower-cased, whitespace collapsed. Dedupe, boilerplate detection, topic
scoring and search all compare text in the matching form.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

# Tashkeel (U+064B-U+065F), superscript alef (U+0670), Quranic marks (U+06D6-U+06ED), tatweel.
DIACRITICS = re.compile(r"[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ة": "ه",
        "ک": "ك",
        "ؤ": "و",
        "ئ": "ي",
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "‹": "'",
        "›": "'",
        "‘": "'",
        "’": "'",
        "‚": "'",
        "′": "'",
        "`": "'",
        "،": ",",
        "؛": ";",
        "؟": "?",
        "٪": "%",
        "٫": ".",
        "٬": ",",
        "۔": ".",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
    }
)
SPACES = re.compile(r"\s+")
# Arabic letters (base block and supplements) for token extraction.
WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]+")

# Storage form.
# Arabic presentation forms A and B: glyph variants a font should choose, not the text's letters.
PRESENTATION_FORMS = re.compile(r"[\ufb50-\ufdff\ufe70-\ufefe]")
# Invisible characters that carry no meaning in news text: bidi marks, embeddings and isolates,
# zero-width space and joiner, word joiner, BOM, soft hyphen, Arabic letter mark. ZWNJ is handled
# apart, since Persian and Urdu spell words with it.
INVISIBLE = re.compile(
    r"[\u00ad\u061c\u180e\u200b\u200d-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
ZWNJ = "\u200c"
ARABIC_SCRIPT_LETTER = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f]")
# Every other control character but the line breaks and tabs handled below.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
ODD_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
LINE_BREAKS = re.compile(r"\r\n|[\r\u0085\u2028\u2029\v\f]")


def _letters(presentation: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", presentation.group(0))


def _zwnj(text: str) -> str:
    """Keep ZWNJ only between two Arabic-script letters, where Persian and Urdu need it."""
    if ZWNJ not in text:
        return text
    out = []
    for i, char in enumerate(text):
        if char == ZWNJ:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if not (ARABIC_SCRIPT_LETTER.match(before) and ARABIC_SCRIPT_LETTER.match(after)):
                continue
        out.append(char)
    return "".join(out)


def _storage_chars(text: str) -> str:
    text = PRESENTATION_FORMS.sub(_letters, text)
    text = INVISIBLE.sub("", text.replace("\u0640", ""))
    text = CONTROLS.sub("", _zwnj(text))
    return ODD_SPACES.sub(" ", LINE_BREAKS.sub("\n", text))


def storage_line(text: str) -> str:
    """One line of text (a title, an author, a paragraph) in the storage form, on one line."""
    text = html.unescape(text) if "&" in text else text
    return " ".join(_storage_chars(text).split())


def storage_paragraphs(text: str) -> list[str]:
    """The non-empty paragraphs of `text` in the storage form (any line break ends a paragraph)."""
    # Entities are decoded once, here: "&amp;lt;" stays "&lt;".
    text = html.unescape(text) if "&" in text else text
    paragraphs = []
    for line in _storage_chars(text).split("\n"):
        cleaned = " ".join(line.split())
        if cleaned:
            paragraphs.append(cleaned)
    return paragraphs


def storage_form(text: str) -> str:
    """`text` as stored: the storage form of each paragraph, paragraphs separated by a blank line."""
    return "\n\n".join(storage_paragraphs(text))


def matching_form(text: str) -> str:
    """`text` in the matching normal form (see the module docstring).

    Memoized: an article's body is folded by dedupe, topic and the search field one after another,
    and a site's repeated lines and an article's words come back again and again (folding was a
    seventh of the crawl process's time). Short texts keep many entries, long ones a few, so the
    memory stays under about 12 MiB.
    """
    return (_line_form if len(text) <= LINE_CHARS else _text_form)(text)


LINE_CHARS = 300


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # presentation forms -> letters
    text = INVISIBLE.sub("", text).replace(ZWNJ, "")
    text = DIACRITICS.sub("", text).translate(FOLD).lower()
    return SPACES.sub(" ", text).strip()


_line_form = lru_cache(maxsize=8192)(_fold)
_text_form = lru_cache(maxsize=64)(_fold)


def compact_form(text: str) -> str:
    """The matching form without spaces or punctuation: "الجزيرة.نت" and "الجزيره نت" agree."""
    return "".join(words(matching_form(text)))


def words(text: str) -> list[str]:
    """The word tokens of text already in the matching form."""
    return WORD.findall(text)
