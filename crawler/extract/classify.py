"""Whether a page is an article at all: its URL, its structured metadata and the shape of its
text decide (`classify_page`), before any main-text extraction. Plain functions over page text;
the spider's page analysis (`pages.py`) calls them, then `article.py` for the fields.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from lxml import etree
from parsel import Selector

from crawler.extract.blocks import Block, densest_block
from crawler.extract.metadata import PageMeta
from crawler.extract.selectors import UrlPattern
from crawler.extract.urls import canonical_url, is_page_variant, url_key

# Paths of pages that list articles rather than being one: followed, never stored.
LISTING_PATH = re.compile(
    r"/(?:tags?|author|authors|writers?|category|categories|section|sections|topics?|search|"
    r"page|archive|latest|feed|rss)(?:/|$)"
    # A video or gallery index; /video/880 is one video, with its text summary maybe a story.
    r"|/(?:video|videos|gallery|galleries|photos)/?(?:$|\?)"
    # Legacy scripts: section.asp?id=3, archive.php, search.aspx?q=
    r"|/(?:tags?|author|category|categories|section|sections|archive|search)\.(?:aspx?|php|jsp|cfm)\b"
    r"|[?&](?:s|q|page)=",
    re.IGNORECASE,
)
# Paths of a site's front page (after the trailing slash is dropped, lower case): the root, an
# index file, a language root.
HOME_PATHS = frozenset(
    {"", "/index", "/index.html", "/index.htm", "/index.php", "/index.asp", "/index.aspx",
     "/default.asp", "/default.aspx", "/home", "/ar", "/ar/index.html", "/arabic"}
)  # fmt: skip
# /2026/11/15/, /2026-11-15-, /20261115-: the date in a path is a strong hint of an article.
DATE_PATH = re.compile(
    r"/(?:19|20)\d{2}(?:/|-)?(?:0?[1-9]|1[0-2])(?:/|-)?(?:0?[1-9]|[12]\d|3[01])\b"
)

MIN_PARAGRAPH_CHARS = 60
DENSE_TEXT_CHARS = 600
DENSE_PARAGRAPHS = 3
# The densest text block of a story without metadata (a legacy table cell, a Blogger post, a
# short news item under a heavy menu): this much running text in this many stretches, and few
# links among it (a listing's block has a link for every teaser).
BLOCK_TEXT_CHARS = 400
BLOCK_SEGMENTS = 3
BLOCK_LINK_SHARE = 0.2
TEASER_LINK_SHARE = 0.15


@dataclass
class TextStats:
    """Cheap shape of a page's text, measured before any main-text extraction."""

    paragraphs: int
    paragraph_chars: int
    link_chars: int
    text_chars: int
    root: etree._Element | None = field(default=None, repr=False)

    @cached_property
    def block(self) -> Block:
        """The densest text container (see blocks.py): measured only when metadata, the URL and
        the paragraph count leave the question open."""
        return densest_block(self.root) if self.root is not None else Block()

    @property
    def link_density(self) -> float:
        """Share of visible text that sits inside links (high on listing pages)."""
        return self.link_chars / self.text_chars if self.text_chars else 1.0


@dataclass
class Verdict:
    """Whether a page is an article, and the evidence that decided it."""

    is_article: bool
    reason: str


# Compiled once; run on the lxml tree itself, not through parsel's per-node selectors.
_VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"
)
_LINK_TEXT = etree.XPath("//body//a//text()")
_PARAGRAPHS = etree.XPath("//body//p[not(ancestor::nav or ancestor::footer or ancestor::header)]")
_PARAGRAPH_TEXT = etree.XPath(".//text()[not(ancestor::a)]")


def text_stats(sel: Selector) -> TextStats:
    """Measure paragraphs and link text of the page body, ignoring scripts, styles and navigation."""
    root = sel.root
    if not isinstance(root, etree._Element) or not root.xpath("//body"):
        return TextStats(0, 0, 0, 0)
    text_chars = sum(len(t.strip()) for t in _VISIBLE_TEXT(root))
    link_chars = sum(len(t.strip()) for t in _LINK_TEXT(root))
    paragraphs = 0
    paragraph_chars = 0
    for p in _PARAGRAPHS(root):
        text = " ".join(t.strip() for t in _PARAGRAPH_TEXT(p)).strip()
        if len(text) >= MIN_PARAGRAPH_CHARS:
            paragraphs += 1
            paragraph_chars += len(text)
    return TextStats(paragraphs, paragraph_chars, link_chars, text_chars, root)


def classify_page(
    url: str,
    meta: PageMeta,
    stats: TextStats,
    article_url_pattern: UrlPattern | None = None,
    listed_as_article: bool = False,
) -> Verdict:
    """Decide whether a page is an article (stored) or a home/section/tag/author/search page (followed).

    The registry's `article_url_pattern`, when given, is authoritative: a URL that does not match it
    is never an article. Otherwise structured metadata decides, then URL shape and text density.
    """
    dense = stats.paragraphs >= DENSE_PARAGRAPHS and stats.paragraph_chars >= DENSE_TEXT_CHARS
    if article_url_pattern is not None:
        if not article_url_pattern.search(url):
            return Verdict(False, "url_pattern_mismatch")
        return Verdict(True, "url_pattern")
    if is_page_variant(url):
        # The print or send-to-friend page of an article: the article itself is stored.
        return Verdict(False, "page_variant")
    if _is_home(url):
        # A site's front page carries the JSON-LD of its lead stories, or its own NewsArticle
        # template: never an article.
        return Verdict(False, "home_page")
    own = _jsonld_is_this_page(url, meta)
    if own is False:
        # Article nodes about other pages (the teasers of a section page, a "latest" block).
        return Verdict(False, "jsonld_other_pages")
    listing_types = {"collectionpage", "itemlist", "searchresultspage", "profilepage"}
    if meta.jsonld_types & listing_types and not own:
        return Verdict(False, "jsonld_listing")
    if meta.is_article_jsonld:
        return Verdict(True, "jsonld")
    if meta.og_type == "article":
        return Verdict(True, "og_type")
    if LISTING_PATH.search(url):
        return Verdict(False, "listing_url")
    low_links = stats.link_density < 0.5
    block = stats.block
    some_text = stats.paragraphs >= 1 or block.segments >= 2
    if DATE_PATH.search(url) and some_text and low_links:
        return Verdict(True, "date_url")
    if listed_as_article and some_text and (low_links or _story_block(block)):
        return Verdict(True, "listed_in_feed_or_sitemap")
    if dense and low_links and not _teaser_list(block):
        return Verdict(True, "text_density")
    if _story_block(block):
        return Verdict(True, "text_block")
    return Verdict(False, "not_article")


def _teaser_list(block: Block) -> bool:
    """The densest block is a list of teasers: about a link for every summary, and a real share of
    its text in those links (a story's inline links are few and short)."""
    return block.links >= 0.8 * block.segments and block.link_share >= TEASER_LINK_SHARE


def _story_block(block: Block) -> bool:
    """A block of running text with few links: a story, whatever the layout around it."""
    return (
        block.chars >= BLOCK_TEXT_CHARS
        and block.segments >= BLOCK_SEGMENTS
        and block.link_share < BLOCK_LINK_SHARE
        and block.links <= block.segments // 2
    )


def _is_home(url: str) -> bool:
    """The site's root (`/`, `/index.html`, `/ar/`, `/?lang=ar`...): a front page. Not `/?p=123`
    or `/index.php?id=7`: query-string articles live there. Runs for every page: a plain split
    first, the canonical form (tracking parameters dropped) only for a front page's path."""
    try:
        raw_path = re.sub("/+", "/", unquote(urlsplit(url).path))
        if raw_path.rstrip("/").lower() not in HOME_PATHS:
            return False
        parts = urlsplit(canonical_url(url))
    except ValueError:
        return False
    names = {name.lower() for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
    return parts.path.rstrip("/").lower() in HOME_PATHS and names <= {"lang", "hl", "locale"}


def _jsonld_is_this_page(url: str, meta: PageMeta) -> bool | None:
    """Whether the JSON-LD article nodes describe this page: True when one names this URL (or
    the page's canonical URL), False when they name only other pages, None when they name none
    (most sites leave `url` out: the node then speaks for the page it is on)."""
    if not meta.article_urls:
        return None
    own = set()
    for candidate in (url, meta.canonical):
        if candidate:
            with contextlib.suppress(ValueError):
                own.add(url_key(urljoin(url, candidate)))
    for named in meta.article_urls:
        with contextlib.suppress(ValueError):
            if url_key(urljoin(url, named)) in own:
                return True
    return False
