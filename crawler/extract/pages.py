"""What one HTML page holds: article or listing, the article's fields, the links to follow.

A pure function of the page's bytes and the site's extraction settings, so the crawl can run it
in a worker process (`crawler.runtime.workers`) while its own process fetches, cleans and stores.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from datetime import tzinfo
from urllib.parse import urljoin, urlsplit

from lxml import etree
from scrapy.http import HtmlResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.utils.misc import rel_has_nofollow
from scrapy.utils.response import get_base_url
from w3lib.html import strip_html5_whitespace
from w3lib.url import safe_url_string

from crawler.extract.article import ExtractedArticle, extract_article
from crawler.extract.botwall import looks_like_bot_wall
from crawler.extract.classify import TextStats, Verdict, classify_page, text_stats
from crawler.extract.discovery import feed_links, pagination_links
from crawler.extract.metadata import extract_metadata
from crawler.extract.selectors import UrlPattern

BOT_WALL = "bot_wall"  # the verdict's reason on a challenge page
BINARY = "binary"  # bytes that are not text, whatever the server called them
PAGE_ERROR = "page_error"  # a page that could not be read at all (the error says why)
TOO_DEEP = "too_deep"  # elements nested deeper than the HTML parsers behind extraction read

# libxml2 stops at 256 levels outside its "huge" mode, which the body extractors use: text nested
# deeper is not seen. No real page comes near (news pages nest 20-60 deep); a page that does, and
# whose body came out empty for it, is dropped as `too_deep` rather than rendered and dropped as
# too short. One XPath step per level: a walk of the tree in C, run only for such pages.
MAX_DEPTH = 250
_DEEPER_THAN_MAX = etree.XPath("boolean(/" + "/".join(["*"] * (MAX_DEPTH + 1)) + ")")
SHORT_BODY_WORDS = 50  # a body this short gets the depth check


def looks_binary(body: bytes) -> bool:
    """True when the page's opening is not text: NUL bytes, or many control characters (an image,
    an archive or random bytes served as text/html). UTF-8 and legacy single-byte Arabic pages
    have neither."""
    head = body[:4096]
    if not head:
        return False
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))
    return b"\x00" in head or controls > len(head) // 100


CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 12, 13))  # not tab or line breaks


# An app shell: a page whose static HTML is a skeleton (a root element for a script to fill, a
# loading label, a <noscript> plea) with almost no text of its own.
SHELL_ROOTS = etree.XPath(
    "//body//*[@id = 'root' or @id = 'app' or @id = '__next' or @id = '__nuxt' or"
    " @id = 'app-root' or @id = 'main-app' or @data-reactroot or @ng-version or @ng-app or"
    " self::app-root]"
)
SCRIPTS = etree.XPath("//script[@src] | //script[@type = 'module']")
LOADING = re.compile(
    r"جار[ٍي]? التحميل|يتم التحميل|جار[ٍي]? تحميل|loading|chargement|enable javascript|"
    r"تفعيل جافا ?سكريبت|يرجى تفعيل",
    re.IGNORECASE,
)
SHELL_TEXT_CHARS = 400  # visible text of a shell, menus included


def looks_like_app_shell(root: object, stats: TextStats) -> bool:
    """True for a skeleton page: little visible text, scripts, and a script-filled root element
    or a loading label. Such a page on a `render_js` site is rendered before it is judged."""
    if not isinstance(root, etree._Element) or stats.text_chars > SHELL_TEXT_CHARS:
        return False
    if not SCRIPTS(root):
        return False
    if SHELL_ROOTS(root):
        return True
    text = " ".join(root.xpath("//body//text()[not(ancestor::script or ancestor::style)]"))
    return bool(LOADING.search(text))


@dataclass
class PageAnalysis:
    """A page's verdict, its article (or the error that prevented it) and its links."""

    verdict: Verdict
    article: ExtractedArticle | None = None
    error: str | None = None  # the extraction's traceback, when it failed
    feeds: list[str] = field(default_factory=list)  # feed links of a listing
    pages: list[str] = field(default_factory=list)  # pagination links of a listing
    links: list[str] = field(default_factory=list)  # in-page links to follow (no nofollow)
    pattern_timeouts: int = 0  # searches of the site's article_url_pattern that gave up
    app_shell: bool = False  # a skeleton whose text a script builds: render before judging


# Links a crawl follows: what Scrapy's `LinkExtractor(unique=True)` gives, read straight off the
# lxml tree. The extractor walks every element and attribute in Python, joins each URL twice,
# collects each link's text and tries ~90 extensions one by one: a quarter of a page's analysis,
# measured. Here one XPath finds the links and Scrapy's own helpers (`get_base_url`,
# `strip_html5_whitespace`, `safe_url_string`, `rel_has_nofollow`) do the rest.
_LINKS = etree.XPath("//a[@href] | //area[@href]")
SCHEMES = ("http://", "https://", "file://", "ftp://")  # what the extractor accepts
IGNORED = frozenset(IGNORED_EXTENSIONS)


def followed_links(response: HtmlResponse) -> list[str]:
    """The page's links to follow, in page order, once each: no `rel=nofollow`, no file types
    Scrapy ignores (images, archives, documents...)."""
    root = response.selector.root
    if not isinstance(root, etree._Element):
        return []
    base_url = get_base_url(response)
    follow: dict[str, bool] = {}
    for node in _LINKS(root):
        try:
            url = urljoin(base_url, strip_html5_whitespace(node.get("href")))
            url = safe_url_string(url, encoding=response.encoding)
        except ValueError:
            continue  # a bogus link
        if url not in follow:
            follow[url] = not rel_has_nofollow(node.get("rel"))
    return [
        url
        for url, allowed in follow.items()
        if allowed and url.lower().startswith(SCHEMES) and not _ignored_file(url)
    ]


def _ignored_file(url: str) -> bool:
    """True when the URL's path ends in one of Scrapy's `IGNORED_EXTENSIONS`, as the link
    extractor's default `deny_extensions` says."""
    name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    suffixes = name.split(".")[1:]
    return any(".".join(suffixes[i:]) in IGNORED for i in range(len(suffixes)))


def analyze_page(
    body: bytes,
    url: str,
    encoding: str,
    *,
    listed: bool,
    pattern: UrlPattern | None,
    selectors: dict[str, str],
    tz: tzinfo,
    follow: bool,
    status: int = 200,
) -> PageAnalysis:
    """Classify the page at `url`, extract its article, and list the links a crawl would follow.
    A bot wall's challenge page (answered with `status`) is recognised first and read no further.

    Untrusted HTML never raises out of here: a failed extraction comes back as `error`, a page
    that cannot be read at all as the verdict `PAGE_ERROR` with its `error`, and bytes that are
    not text as the verdict `BINARY`.
    """
    if looks_binary(body):
        return PageAnalysis(Verdict(False, BINARY))
    timeouts = pattern.timeouts if pattern is not None else 0
    try:
        analysis = _analyze(body, url, encoding, listed, pattern, selectors, tz, follow, status)
    except (Exception, RecursionError):  # a page nested tens of thousands deep, say
        analysis = PageAnalysis(Verdict(False, PAGE_ERROR), error=traceback.format_exc(limit=5))
    if pattern is not None:
        analysis.pattern_timeouts = pattern.timeouts - timeouts
    return analysis


def _analyze(
    body: bytes,
    url: str,
    encoding: str,
    listed: bool,
    pattern: UrlPattern | None,
    selectors: dict[str, str],
    tz: tzinfo,
    follow: bool,
    status: int,
) -> PageAnalysis:
    response = HtmlResponse(url=url, body=body, encoding=encoding)
    if looks_like_bot_wall(status, response.text):
        return PageAnalysis(Verdict(False, BOT_WALL))
    sel = response.selector
    meta = extract_metadata(sel)
    stats = text_stats(sel)
    verdict = classify_page(url, meta, stats, pattern, listed)
    analysis = PageAnalysis(verdict)
    if verdict.is_article:
        try:
            analysis.article = extract_article(
                response.text, url, sel=sel, meta=meta, selectors=selectors, tz=tz
            )
        except Exception:
            analysis.error = traceback.format_exc()
        article = analysis.article
        short = article is None or len((article.body or "").split()) < SHORT_BODY_WORDS
        if short and isinstance(sel.root, etree._Element) and _DEEPER_THAN_MAX(sel.root):
            return PageAnalysis(Verdict(False, TOO_DEEP))
    else:
        analysis.feeds = feed_links(sel, url)
        analysis.pages = pagination_links(sel, url)
        analysis.app_shell = looks_like_app_shell(sel.root, stats)
    if follow:
        analysis.links = followed_links(response)
    return analysis
