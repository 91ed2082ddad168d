"""What one HTML page holds: article or listing, the article's fields, the links to follow.

A pure function of the page's bytes and the site's extraction settings, so the crawl can run it
in a worker process (`crawler.workers`) while its own process fetches, cleans and stores.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor

from crawler.discovery import feed_links, pagination_links
from crawler.extract.article import (
    ExtractedArticle,
    Verdict,
    classify_page,
    extract_article,
    text_stats,
)
from crawler.extract.metadata import extract_metadata


@dataclass
class PageAnalysis:
    """A page's verdict, its article (or the error that prevented it) and its links."""

    verdict: Verdict
    article: ExtractedArticle | None = None
    error: str | None = None  # the extraction's traceback, when it failed
    feeds: list[str] = field(default_factory=list)  # feed links of a listing
    pages: list[str] = field(default_factory=list)  # pagination links of a listing
    links: list[str] = field(default_factory=list)  # in-page links to follow (no nofollow)


@lru_cache(maxsize=1)
def _link_extractor() -> LinkExtractor:
    # Scrapy's own extension filter tries each of its ~90 extensions on every link (a tenth of a
    # page's analysis); `_ignored_file` asks one set instead, with the same list.
    return LinkExtractor(unique=True, canonicalize=False, deny_extensions=())


def _ignored_file(url: str) -> bool:
    """True when the URL's path ends in one of Scrapy's `IGNORED_EXTENSIONS` (images, archives,
    documents...), as the link extractor's default `deny_extensions` would say."""
    name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    suffixes = name.split(".")[1:]
    return any(".".join(suffixes[i:]) in IGNORED for i in range(len(suffixes)))


IGNORED = frozenset(IGNORED_EXTENSIONS)


def analyze_page(
    body: bytes,
    url: str,
    encoding: str,
    *,
    listed: bool,
    pattern: re.Pattern | None,
    selectors: dict[str, str],
    tz: tzinfo,
    follow: bool,
) -> PageAnalysis:
    """Classify the page at `url`, extract its article, and list the links a crawl would follow.

    Untrusted HTML never raises out of here: a failed extraction comes back as `error`.
    """
    response = HtmlResponse(url=url, body=body, encoding=encoding)
    sel = response.selector
    meta = extract_metadata(sel)
    verdict = classify_page(url, meta, text_stats(sel), pattern, listed)
    analysis = PageAnalysis(verdict)
    if verdict.is_article:
        try:
            analysis.article = extract_article(
                response.text, url, sel=sel, meta=meta, selectors=selectors, tz=tz
            )
        except Exception:
            analysis.error = traceback.format_exc()
    else:
        analysis.feeds = feed_links(sel, url)
        analysis.pages = pagination_links(sel, url)
    if follow:
        analysis.links = [
            link.url
            for link in _link_extractor().extract_links(response)
            if not link.nofollow and not _ignored_file(link.url)
        ]
    return analysis
