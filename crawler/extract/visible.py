"""What a reader sees around the headline when the metadata is silent: date lines, bylines and
the breadcrumb trail.

Only the story's own surroundings are read: the lines after the headline (and a few before it),
never sidebars, "most read" or related lists, comment threads or the footer, whose dates and names
belong to other pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from crawler.text.bylines import LINE_OPENERS
from crawler.text.dates import (
    ARABIC_DIGITS,
    DAYS_BACK,
    HIJRI_MONTHS,
    MONTH_ALIASES,
    NUMBER_WORDS,
    UNITS,
    is_relative,
)
from crawler.text.normalize import matching_form

# Containers whose dates and names are about other pages or other people.
OUTSIDE_STORY = etree.XPath(
    "//aside | //nav | //footer | //form | //*[@class][contains(@class, 'sidebar')"
    " or contains(@class, 'related') or contains(@class, 'comment') or contains(@class, 'widget')"
    " or contains(@class, 'most-') or contains(@class, 'popular') or contains(@class, '-more')"
    " or contains(@class, 'teaser') or contains(@class, 'archive')]"
)
HEADLINES = etree.XPath("//body//h1")
FOLLOWING = etree.XPath("following::text()[normalize-space()][position() <= $n]")
PRECEDING = etree.XPath("preceding::text()[normalize-space()][position() <= $n]")
BODY_TEXT = etree.XPath(
    "(//body//text()[normalize-space()][not(ancestor::script or ancestor::style)])"
    "[position() <= $n]"
)
HEADLINE_SEARCH = 400  # text nodes searched for the headline: it is near the top
LINES_AFTER = 60  # text nodes read after the headline
LINES_BEFORE = 6  # and before it (a date or byline above the headline)
MAX_LINE_CHARS = 160

YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
PUBLISHED = re.compile(
    r"^(?:تم نشره|تم النشر|تاريخ النشر|نشر في|نشر بتاريخ|نشرت في|نشر|بتاريخ|published|posted|"
    r"publie)(?![\u0600-\u06FFa-z])"
)
UPDATED = re.compile(
    r"^(?:اخر تحديث|تم التحديث|تاريخ التحديث|محدث|تحديث|updated|last updated|modified|mis a jour)"
    r"(?![\u0600-\u06FFa-z])"
)
# Byline words a visible line starts with (the line is in the matching form, as are the words).
BYLINE = re.compile(r"^(?:" + "|".join(LINE_OPENERS) + r")\s*[:\-–—]?\s*(?=\S)")
MAX_BYLINE_WORDS = 8
# Words an unlabelled date line may hold besides numbers: month and weekday names, clock words.
DATE_WORDS = {
    *MONTH_ALIASES,
    *MONTH_ALIASES.values(),
    *HIJRI_MONTHS,
    *(matching_form(w) for w in (
        "يناير", "فبراير", "مارس", "أبريل", "إبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
        "أكتوبر", "نوفمبر", "ديسمبر", "الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء",
        "الخميس", "الجمعة", "السبت", "الساعة", "صباحا", "صباحاً", "مساء", "مساءً", "ص", "م",
        "ظهرا", "في", "يوم", "هـ", "ه", "الموافق", "بتوقيت", "غرينتش", "gmt", "am", "pm",
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "janvier", "fevrier", "avril", "mai", "juin",
        "juillet", "aout", "septembre", "octobre", "novembre", "decembre",
    )),
}  # fmt: skip
# Multi-word month names ("كانون الثاني") are checked word by word.
DATE_WORDS |= {part for name in list(DATE_WORDS) for part in name.split()}
MAX_OTHER_WORDS = 1  # a date line may carry one more word (a city, "القاهرة")
# What a relative date line ("منذ 3 ساعات", "أمس الساعة 10:30 م") is made of, and nothing else.
RELATIVE_WORDS = (
    DATE_WORDS
    | set(UNITS)
    | set(NUMBER_WORDS)
    | {part for phrase in DAYS_BACK for part in phrase.split()}
    | {"منذ", "قبل", "حوالي", "نحو", "ago", "il", "y", "a"}
)
BYLINE_CLASS = etree.XPath(
    "//body//*[contains(@class, 'byline') or contains(@class, 'author') or"
    " contains(@class, 'writer') or contains(@class, 'username') or @itemprop = 'author' or"
    " contains(@rel, 'author') or contains(@rel, 'creator')]"
)
# An author's biography, photo or description box: next to the byline, not it.
NOT_BYLINE = re.compile(
    r"bio|desc|about|avatar|photo|image|img|more|list|count|share|social|timestamp|date|time|label",
    re.IGNORECASE,
)
DIGIT = re.compile(r"\d")
BYLINE_NAME = etree.XPath(".//*[@itemprop = 'name' or contains(@class, 'fn')]")
BREADCRUMBS = etree.XPath(
    "//*[contains(@class, 'breadcrumb') or @id = 'breadcrumbs' or @id = 'breadcrumb']"
)
HOME_WORDS = {matching_form(w) for w in ("الرئيسية", "الصفحة الرئيسية", "home", "accueil")}


@dataclass
class Surroundings:
    """Lines read near the headline, in page order."""

    published: list[str] = field(default_factory=list)  # labelled publication lines
    dates: list[str] = field(default_factory=list)  # unlabelled date lines
    updated: list[str] = field(default_factory=list)  # labelled update lines
    bylines: list[str] = field(default_factory=list)  # lines that start with a byline word


def headline(
    root: etree._Element, title: str | None, outside: set[etree._Element] | None = None
) -> etree._Element | None:
    """The element that shows the headline: the `<h1>` with the title's text, else the element
    whose text is the title or a large part of it (a legacy `<b>`, a blog post's `<h3>`), else
    the first `<h1>`.
    `outside` is `outside_story(root)`, when the caller has it already."""
    outside = outside_story(root) if outside is None else outside
    h1s = [h for h in HEADLINES(root) if not _is_outside(h, outside)]
    wanted = " ".join((title or "").split())
    for h in h1s:
        text = " ".join(h.xpath("string()").split())
        if wanted and text and text in wanted and len(text) * 2 >= len(wanted):
            return h  # not a logo <h1> whose site name the title also carries
    if wanted:
        for node in BODY_TEXT(root, n=HEADLINE_SEARCH):
            text = " ".join(node.split())
            if len(text) >= 15 and text in wanted and len(text) * 2 >= len(wanted):
                parent = node.getparent()
                if parent is not None and not _is_outside(parent, outside):
                    return parent
    return h1s[0] if h1s else None


def surroundings(anchor: etree._Element | None, outside: set[etree._Element]) -> Surroundings:
    """Date lines and byline lines near the headline element `anchor` (see the module
    docstring); `outside` is `outside_story(root)`."""
    found = Surroundings()
    if anchor is None:
        return found
    nodes = list(FOLLOWING(anchor, n=LINES_AFTER)) + list(
        reversed(PRECEDING(anchor, n=LINES_BEFORE))
    )
    seen: set[etree._Element] = set()  # the elements themselves: they stay alive, ids do not
    for node in nodes:
        # The element holding the text: a tail ("<i class=icon></i> نشر في ...") belongs to the
        # element around the one it follows.
        parent = node.getparent()
        if parent is not None and getattr(node, "is_tail", False):
            parent = parent.getparent()
        if parent is None or parent in seen or _is_outside(parent, outside):
            continue
        if parent.tag in ("script", "style", "a", "title") or not isinstance(parent.tag, str):
            continue
        seen.add(parent)
        line = _short_text(parent) or (
            " ".join(node.split()) if len(node) <= 2 * MAX_LINE_CHARS else None
        )
        if not line or len(line) > MAX_LINE_CHARS:
            continue
        form = matching_form(line)
        if BYLINE.match(form) and len(line.split()) <= MAX_BYLINE_WORDS:
            found.bylines.append(line)
            continue
        label = UPDATED.match(form) or PUBLISHED.match(form)
        rest = form[label.end() :] if label else form
        if YEAR.search(line.translate(ARABIC_DIGITS)):
            if not is_date_line(rest):
                continue  # a sentence that mentions a year ("نشر الجيش بيانا عام 2024...")
        elif not (is_relative(rest) and _only_words(rest, RELATIVE_WORDS, 0)):
            continue  # no date at all, or a sentence with "أمس" in it, not "منذ 3 ساعات"
        if label and label.re is UPDATED:
            found.updated.append(line)
        elif label:
            found.published.append(line)
        else:
            found.dates.append(line)
    return found


TIMES = etree.XPath("//body//time[@datetime]")


def story_times(root: etree._Element, outside: set[etree._Element]) -> list[str]:
    """`<time datetime>` values of the story, not of sidebars, related lists or comments."""
    return [t.get("datetime") for t in TIMES(root) if not _is_outside(t, outside)]


def _short_text(element: etree._Element) -> str | None:
    """The element's text, whitespace normalized, or None once it runs past a line's length
    (the text node's parent may be the whole story)."""
    size = 0
    parts = []
    for piece in element.itertext():
        size += len(piece)
        if size > 2 * MAX_LINE_CHARS:
            return None
        parts.append(piece)
    line = " ".join("".join(parts).split())
    return line if len(line) <= MAX_LINE_CHARS else None


def is_date_line(form: str) -> bool:
    """Whether a line (in the matching form) is a date and nothing else: numbers, month and
    weekday names, clock words and at most one other word. A sentence with a year in it is not."""
    return _only_words(form, DATE_WORDS, MAX_OTHER_WORDS)


def _only_words(form: str, allowed: set[str], others: int) -> bool:
    """Whether `form` has at most `others` words outside `allowed` (numbers are not words)."""
    words = re.findall(r"[^\W\d_]+", form.translate(ARABIC_DIGITS))
    return sum(1 for w in words if w not in allowed) <= others


def byline_elements(root: etree._Element, outside: set[etree._Element]) -> list[str]:
    """Texts of the innermost byline/author elements of the story (not of comments or lists)."""
    candidates = [
        e
        for e in BYLINE_CLASS(root)
        if not _is_outside(e, outside) and not NOT_BYLINE.search(e.get("class") or "")
    ]
    out: list[str] = []
    for element in candidates:
        # The name inside a byline: marked as one (itemprop=name, hCard's fn), else the author
        # links ("الكاتب <a>فلان</a>"), else the element's whole text (a box around a bio is
        # too long and left out).
        parts = BYLINE_NAME(element) or [a for a in element.iter("a") if a.get("href")]
        texts = [" ".join(p.xpath("string()").split()) for p in parts] or [
            " ".join(element.xpath("string()").split())
        ]
        for text in texts:
            # A name has two words at least and no digits: not a label ("بواسطة"), a button
            # ("مشاركة") or a timestamp that a theme also calls "byline".
            words = text.split()
            if 2 <= len(words) <= MAX_BYLINE_WORDS and not DIGIT.search(text) and text not in out:
                out.append(text)
    return out


def breadcrumb_section(root: etree._Element, title: str | None) -> str | None:
    """The last step of the page's breadcrumb trail before the story: its section."""
    if not isinstance(root, etree._Element):
        return None
    wanted = matching_form(title or "")
    for trail in BREADCRUMBS(root):
        steps = [" ".join(a.xpath("string()").split()) for a in trail.iter("a")]
        steps = [s for s in steps if s and matching_form(s) not in HOME_WORDS]
        steps = [s for s in steps if matching_form(s) != wanted and len(s) <= 60]
        if steps:
            return steps[-1]
    return None


def trail_section(steps: list[str], title: str | None) -> str | None:
    """The section named by a JSON-LD BreadcrumbList: its last step that is not home or the story."""
    wanted = matching_form(title or "")
    for step in reversed(steps):
        form = matching_form(step)
        if step and form not in HOME_WORDS and form != wanted and not step.startswith("http"):
            return step
    return None


def outside_story(root: etree._Element) -> set[etree._Element]:
    """The page's sidebars, related and "most read" lists, comments, navigation and footer:
    computed once per page, passed to the readers here."""
    return set(OUTSIDE_STORY(root))


def _is_outside(element: etree._Element, outside: set[etree._Element]) -> bool:
    node = element
    while node is not None:
        if node in outside:
            return True
        node = node.getparent()
    return False
