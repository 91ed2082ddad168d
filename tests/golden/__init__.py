"""The golden extraction corpus (`pages/`, written by `build.py`) and how extractions are scored
against it: by the tests (akhbar alone, page by page) and by `make bench` (akhbar, trafilatura and
newspaper4k side by side, `bench/golden_bench.py`).

Each page's JSON gives what a reader sees: title, body paragraphs, authors, publication time,
section, and the strings of the page that are not the story (captions, bylines, date lines,
disclaimers) and must not be left in the body.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from scrapy.http import HtmlResponse

PAGES = Path(__file__).parent / "pages"
DATE_TOLERANCE = timedelta(minutes=1)


@dataclass
class Case:
    """One golden page: its bytes as served and what extraction should give."""

    name: str
    body: bytes
    expected: dict

    @property
    def url(self) -> str:
        return self.expected["url"]

    @property
    def family(self) -> str:
        return self.expected["family"]

    def text(self) -> str:
        """The page decoded as a browser (and Scrapy) would: by its declared charset."""
        return HtmlResponse(url=self.url, body=self.body).text


@dataclass
class Extraction:
    """What one extractor read off one page; None where it gives nothing."""

    is_article: bool
    title: str | None
    body: str
    authors: list[str]
    published_at: datetime | None
    section: str | None


def cases() -> list[Case]:
    """Every golden page, in file order."""
    out = []
    for path in sorted(PAGES.glob("*.html")):
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        out.append(Case(path.stem, path.read_bytes(), expected))
    return out


_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640]")  # harakat, superscript alef, tatweel


def tokens(text: str) -> list[str]:
    """Words for comparison: NFKC, diacritics and tatweel off, punctuation ignored."""
    text = _MARKS.sub("", unicodedata.normalize("NFKC", text or ""))
    return re.findall(r"\w+", text.lower())


def body_f1(expected: list[str], got: str) -> float:
    """Bag-of-words F1 between the expected paragraphs and an extracted body."""
    want, have = Counter(tokens(" ".join(expected))), Counter(tokens(got))
    common = sum((want & have).values())
    if not common:
        return 0.0
    precision, recall = common / sum(have.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def leftovers(expected: dict, got: str) -> list[str]:
    """The page's non-story strings (captions, bylines, disclaimers...) still in the body."""
    body = " ".join(tokens(got))
    paragraphs = {" ".join(tokens(p)) for p in got.split("\n\n")}
    out = []
    for line in expected["boilerplate"]:
        words = " ".join(tokens(line))
        # A short line ("-- وام --") is left over only as a paragraph of its own: its words may
        # be part of the story too (the dateline "(أبوظبي - وام)").
        if words in paragraphs or (len(words) >= 12 and f" {words} " in f" {body} "):
            out.append(line)
    return out


def same_people(expected: list[str], got: list[str]) -> bool:
    return sorted(" ".join(tokens(a)) for a in expected) == sorted(" ".join(tokens(a)) for a in got)


def date_ok(expected: dict, got: datetime | None) -> bool:
    want = datetime.fromisoformat(expected["published_at"])
    return got is not None and got.tzinfo is not None and abs(got - want) <= DATE_TOLERANCE


def day_ok(expected: dict, got: datetime | None) -> bool:
    """The right calendar day where the site is (for extractors that give no time of day)."""
    want = datetime.fromisoformat(expected["published_at"])
    if got is None or got.tzinfo is None:
        return False
    return got.astimezone(want.tzinfo).date() == want.date()


def same_text(expected: str | None, got: str | None) -> bool:
    return tokens(expected or "") == tokens(got or "")


def akhbar(case: Case) -> Extraction:
    """akhbar on the page as a crawl sees it: a registry entry with the site's name and base URL
    only, the page analysed as the spider does, then the clean stage's cleaning."""
    from crawler.extract.pages import analyze_page
    from crawler.text.cleaning import clean_article
    from crawler.text.titles import site_names

    expected = case.expected
    response = HtmlResponse(url=case.url, body=case.body)
    page = analyze_page(
        case.body,
        case.url,
        response.encoding,
        listed=False,
        pattern=None,
        selectors={},
        tz=ZoneInfo(expected["timezone"]),
        follow=False,
    )
    article = page.article
    if not page.verdict.is_article or article is None:
        return Extraction(False, None, "", [], None, None)
    # What the clean stage knows of a site: the registry's name, the page's own site name, the
    # domain (not the display name the JSON gives: the registry entry has none).
    names = site_names(expected["site"], article.site_name, article.domain)
    clean = clean_article(
        title=article.title,
        body=article.body,
        authors=article.authors,
        section=article.section,
        published_at=article.published_at,
        names=names,
    )
    return Extraction(
        True, clean.title, clean.body, clean.authors, article.published_at, clean.section
    )


def trafilatura_extraction(case: Case) -> Extraction:
    """trafilatura's own reading of the page (text and metadata), as its README shows."""
    import trafilatura

    document = trafilatura.bare_extraction(
        case.text(), url=case.url, with_metadata=True, include_comments=False,
        include_tables=False,
    )  # fmt: skip
    if document is None:
        return Extraction(False, None, "", [], None, None)
    authors = [a.strip() for a in (document.author or "").split(";") if a.strip()]
    published = None
    if document.date:
        published = datetime.fromisoformat(document.date).replace(
            tzinfo=ZoneInfo(case.expected["timezone"])
        )
    section = (document.categories or [None])[0]
    return Extraction(True, document.title, document.text or "", authors, published, section)


def newspaper_extraction(case: Case) -> Extraction:
    """newspaper4k's reading of the page given as HTML (no network), Arabic language set."""
    import newspaper

    article = newspaper.Article(case.url, language="ar", fetch_images=False)
    article.download(input_html=case.text())
    article.parse()
    published = article.publish_date
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=ZoneInfo(case.expected["timezone"]))
    section = article.meta_data.get("article", {}).get("section") if article.meta_data else None
    return Extraction(
        True, article.title, article.text or "", list(article.authors), published, section
    )
