"""The matching normal form of Arabic text: for comparing, searching and scoring, never for storing.

Diacritics and tatweel removed, alef/yeh/teh-marbuta variants folded, Arabic-Indic and Persian
digits made ASCII, punctuation and quotes unified, Latin lower-cased, whitespace collapsed.
"""

from __future__ import annotations

import re
import unicodedata

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
        "‘": "'",
        "’": "'",
        "،": ",",
        "؛": ";",
        "؟": "?",
        "٪": "%",
        "–": "-",
        "—": "-",
    }
)
SPACES = re.compile(r"\s+")
# Arabic letters (base block and supplements) for token extraction.
WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]+")


def matching_form(text: str) -> str:
    """`text` in the matching normal form (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)  # presentation forms -> letters
    text = DIACRITICS.sub("", text).translate(FOLD).lower()
    return SPACES.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """The word tokens of text already in the matching form."""
    return WORD.findall(text)
