"""HTML -> article fields, once `classify.py` has judged the page an article.

The chain is: structured metadata (JSON-LD, OpenGraph, meta) -> the site's registry selectors ->
generic main-text extraction (trafilatura). Plain functions over page text; the spider only calls them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from urllib.parse import urljoin

import trafilatura
from lxml import etree
from parsel import Selector, SelectorList

from crawler.extract.metadata import PageMeta, extract_metadata
from crawler.extract.selectors import is_xpath
from crawler.extract.urls import canonical_url, same_site, url_host
from crawler.extract.visible import (
    breadcrumb_section,
    byline_elements,
    headline,
    outside_story,
    story_times,
    surroundings,
    trail_section,
)
from crawler.text.dates import check_date, parse_date

# Elements inside an article body that are not part of the story.
NOT_CONTENT = (
    "self::script or self::style or self::form or self::aside or self::nav or self::figcaption"
    " or self::button or contains(@class, 'share') or contains(@class, 'social')"
    " or contains(@class, 'related') or contains(@class, 'sharedaddy') or contains(@class, 'comments')"
    " or contains(@class, 'comment-')"
    " or contains(@class, 'newsletter') or contains(@class, 'advert')"
)


@dataclass
class ExtractedArticle:
    """The fields extraction can read off an article page (later pipeline stages add the rest)."""

    url: str
    alternate_urls: list[str]
    domain: str
    title: str | None
    description: str | None
    body: str
    authors: list[str]
    published_at: datetime | None
    modified_at: datetime | None
    section: str | None
    tags: list[str]
    image_url: str | None
    word_count: int
    site_name: str | None = None
    invalid_dates: list[tuple[str, str]] = field(default_factory=list)  # (raw value, reason)


def _select(sel: Selector, expression: str) -> SelectorList:
    return sel.xpath(expression) if is_xpath(expression) else sel.css(expression)


def _node_text(node: Selector) -> str:
    if isinstance(node.root, str):
        return node.root.strip()
    return " ".join(t.strip() for t in node.xpath(".//text()").getall() if t.strip())


def _selected_text(sel: Selector, expression: str | None) -> str | None:
    if not expression:
        return None
    for node in _select(sel, expression):
        text = _node_text(node)
        if text:
            return text
    return None


def _selected_body(sel: Selector, expression: str) -> str:
    """Body text under a registry selector: one paragraph per block element.

    Share boxes, related-article lists, forms and captions nested in the body element are skipped.
    """
    paragraphs: list[str] = []
    block = "self::p or self::h2 or self::h3 or self::h4 or self::li or self::blockquote"
    for node in _select(sel, expression):
        # Innermost blocks only, so a <p> inside a <blockquote> is read once.
        blocks = node.xpath(
            f".//*[{block}][not(descendant::*[{block}])][not(ancestor-or-self::*[{NOT_CONTENT}])]"
        )
        if not blocks:
            blocks = [node]
        for element in blocks:
            text = " ".join(_node_text(element).split())
            if text:
                paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _selected_date(sel: Selector, expression: str | None) -> str | None:
    if not expression:
        return None
    for node in _select(sel, expression):
        if isinstance(node.root, str):
            return node.root.strip() or None
        for attr in ("@datetime", "@content"):
            value = node.xpath(attr).get()
            if value:
                return value
        text = _node_text(node)
        if text:
            return text
    return None


# Under this many characters, trafilatura's fast pass is tried again with its fallback extractors.
FAST_TEXT_MIN_CHARS = 500


def main_text(html: str, url: str) -> str:
    """Generic main-text extraction with trafilatura; paragraphs separated by a blank line.

    Its fast pass first (no comparison with the readability and jusText fallbacks: 40% of its
    time on a 70 KB page, and the same scores on every golden and clean-bench page); the full
    sequence only when the fast pass finds little, where the fallbacks can still rescue a page.
    """
    text = _trafilatura(html, url, fast=True)
    if len(text) < FAST_TEXT_MIN_CHARS:
        text = _trafilatura(html, url, fast=False) or text
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _trafilatura(html: str, url: str, *, fast: bool) -> str:
    return (
        trafilatura.extract(
            html,
            url=url,
            output_format="txt",
            include_comments=False,
            include_tables=False,
            include_images=False,
            deduplicate=False,
            with_metadata=False,
            fast=fast,
        )
        or ""
    )


def _paragraphs_from_plain(text: str) -> str:
    parts = re.split(r"\n\s*\n|\r\n|\n", text)
    return "\n\n".join(" ".join(p.split()) for p in parts if p.strip())


TITLE_WITHIN = 3  # the first paragraphs, where an extractor leaves the headline


def _without_leading_title(body: str, title: str | None) -> str:
    """Main-text extractors keep the headline as the first line (or among the first few, after
    a live blog's first entry); the body should not repeat it.
    A body that is the headline alone is no body (the page is then dropped as `empty_body`)."""
    if not title or not body:
        return body
    wanted = " ".join(title.split())
    paragraphs = body.split("\n\n")
    head = [p for p in paragraphs[:TITLE_WITHIN] if p != wanted]
    return "\n\n".join(head + paragraphs[TITLE_WITHIN:])


# A link whose text, spaces (no-break ones too) collapsed, is $text.
_LINK_WITH_TEXT = etree.XPath(
    "boolean(//a[@href][normalize-space(translate(., '\u00a0\u2009\u202f', '   ')) = $text])"
)


def _without_link_lines(body: str, sel: Selector) -> str:
    """The main-text extractor's paragraphs, less those that are the whole text of a link: on a
    page whose story is missing, it returns the related-stories list, headline by headline."""
    if not body or not isinstance(sel.root, etree._Element):
        return body
    # One search per paragraph in libxml2, rather than the text of each of the page's hundreds
    # of links read into Python.
    kept = [
        p for p in body.split("\n\n") if not _LINK_WITH_TEXT(sel.root, text=" ".join(p.split()))
    ]
    return "\n\n".join(kept)


def _is_url(value: str) -> bool:
    return value.strip().lower().startswith(("http://", "https://", "www."))


def _without_lines(body: str, lines: list[str]) -> str:
    """The body less its paragraphs that are one of `lines` (a byline opening the text, a date
    line) or carry no word at all (the "|" between a legacy menu's links)."""
    if not body:
        return body
    # Body paragraphs have their whitespace normalized already (one space between words).
    drop = {" ".join(line.split()) for line in lines}
    kept = [p for p in body.split("\n\n") if p not in drop and any(c.isalnum() for c in p)]
    return "\n\n".join(kept)


HEADLINE_WITHIN = 15  # paragraphs of chrome a main-text extractor may take in before the headline
CHROME_CHARS = 80  # and how long each of them may be


def _after_headline(body: str, headline_text: str | None) -> str:
    """The body from after the headline, when the extractor began with page chrome (a legacy
    table's menu, a "latest news" cell with its dates) and then the headline itself."""
    if not body or not headline_text:
        return body
    wanted = " ".join(headline_text.split())
    paragraphs = body.split("\n\n")
    for index, paragraph in enumerate(paragraphs[:HEADLINE_WITHIN]):
        if paragraph == wanted:
            if index and any(len(p) > CHROME_CHARS for p in paragraphs[:index]):
                return body  # real text before it: the headline is quoted, not the page's top
            return "\n\n".join(paragraphs[index + 1 :])
    return body


_LEADS = etree.XPath(
    "//body//*[@class][contains(@class, 'lead') or contains(@class, 'standfirst') or"
    " contains(@class, 'excerpt') or contains(@class, 'intro') or contains(@class, 'dek') or"
    " contains(@class, 'subtitle') or contains(@class, 'sub-title') or"
    " contains(@class, 'subhead') or contains(@class, 'deck') or contains(@class, 'strapline') or"
    " contains(@class, 'sapo') or contains(@class, 'chapeau') or"
    " contains(@class, 'summary')][not(ancestor::aside or ancestor::nav or ancestor::footer"
    " or ancestor::li)]"
)
LEAD_CHARS = (40, 700)


def _with_lead(body: str, root: etree._Element) -> str:
    """The body with its lead (standfirst) paragraph first, when the extractor left it out: many
    themes set it in its own block above the story."""
    if not body:
        return body
    have = body.replace("\n\n", " ")  # paragraphs are whitespace-normalized already
    for element in _LEADS(root):
        if element.xpath("ancestor::*[contains(@class, 'related') or contains(@class, 'teaser')]"):
            continue
        text = " ".join(element.xpath("string()").split())
        if not LEAD_CHARS[0] <= len(text) <= LEAD_CHARS[1] or element.xpath(".//a"):
            continue
        if text in have:
            return body  # the extractor kept it (or it is the body itself)
        return f"{text}\n\n{body}"
    return body


_MICRODATA_DATES = etree.XPath(
    "//*[@itemprop = 'datePublished'][not(self::meta)]/@content"
    " | //*[@itemprop = 'datePublished'][not(self::meta)]/@datetime"
    " | //*[@itemprop = 'datePublished'][not(self::meta)]/@title"
    " | //abbr[contains(concat(' ', @class, ' '), ' published ')]/@title"
    # RDFa (Drupal 7 and kin): <span property="dc:date dc:created" content="...">.
    " | //*[contains(@property, 'dc:created') or contains(@property, 'dc:date') or"
    " contains(@property, 'datePublished')][not(self::meta)]/@content"
)


def _microdata_dates(root: etree._Element) -> list[str]:
    """Publication dates given as microdata or microformats (Blogger's `abbr.published`)."""
    return [str(v) for v in _MICRODATA_DATES(root)]


def _unique(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        value = " ".join(value.split())
        if value and value not in out:
            out.append(value)
    return out


def _first_date(
    candidates: Iterable[str],
    tz: tzinfo,
    invalid: list[tuple[str, str]],
    visible: frozenset[str] = frozenset(),
) -> datetime | None:
    """The first valid date of `candidates`; the invalid ones before it go to `invalid`. Only
    the `visible` ones (read off the page's text) may be relative ("منذ ساعتين"): in a
    machine-readable field such words are invalid."""
    for raw in candidates:
        parsed, problem = check_date(raw, tz, relative=raw in visible)
        if parsed:
            return parsed
        if problem != "missing":
            invalid.append((raw, problem or "unparseable"))
    return None


def resolve_url(fetched_url: str, meta: PageMeta) -> tuple[str, list[str]]:
    """The article's canonical URL, and the fetched URL when it differs (an alternate).

    The page's own `rel=canonical` (then `og:url`) wins when it points into the same site;
    a canonical on a foreign host is ignored, since a page cannot claim another site's URL.
    """
    fetched = canonical_url(fetched_url)
    for candidate in (meta.canonical, meta.og_url):
        if not candidate:
            continue
        absolute = urljoin(fetched_url, candidate.strip())
        if absolute.startswith(("http://", "https://")) and same_site(absolute, fetched_url):
            try:
                chosen = canonical_url(absolute)
            except ValueError:
                continue  # a malformed canonical link is no better than none
            return chosen, ([fetched] if fetched != chosen else [])
    return fetched, []


def extract_article(
    html: str,
    url: str,
    *,
    sel: Selector | None = None,
    meta: PageMeta | None = None,
    selectors: dict[str, str] | None = None,
    tz: tzinfo = UTC,
) -> ExtractedArticle:
    """Read the article fields off a page (already judged to be an article).

    `sel` and `meta` may be passed when the caller already parsed the page, to avoid doing it twice.
    """
    sel = sel if sel is not None else Selector(text=html)
    meta = meta if meta is not None else extract_metadata(sel)
    selectors = selectors or {}
    invalid: list[tuple[str, str]] = []

    canonical, alternates = resolve_url(url, meta)
    root = sel.root if isinstance(sel.root, etree._Element) else None
    outside = outside_story(root) if root is not None else set()
    title = meta.title or _selected_text(sel, selectors.get("title"))
    if title:
        anchor = headline(root, title, outside) if root is not None else None
    else:
        # No declared headline: the heading the page shows that its <title> names ("الرأي نيوز ::
        # headline" shows the headline in a legacy <b>; a blog's <h1> is the blog's name and
        # its post title an <h3>), else the first <h1>, else the <title> itself.
        page_title = _selected_text(sel, "//title")
        anchor = headline(root, page_title, outside) if root is not None else None
        shown = " ".join(anchor.xpath("string()").split()) if anchor is not None else ""
        if shown and page_title and shown in " ".join(page_title.split()):
            title = shown
        else:
            title = _selected_text(sel, "//h1") or page_title
    body = _selected_body(sel, selectors["body"]) if selectors.get("body") else ""
    if not body:
        body = _without_link_lines(main_text(html, url), sel)
    if not body and meta.article_body:
        # JS-built pages often carry the whole text in JSON-LD only.
        body = _paragraphs_from_plain(meta.article_body)
    body = _without_leading_title(body, title)

    near = surroundings(anchor, outside)

    # Dates in order of trust: the page's metadata (JSON-LD, article:published_time, Dublin
    # Core and other <meta> names, microdata), the site's date selector, a <time> of the story
    # (not of a sidebar or a related list), then the visible date lines near the headline.
    selected_date = _selected_date(sel, selectors.get("date"))

    def date_candidates() -> Iterator[str]:
        # Read lazily: most pages stop at their metadata.
        yield from meta.published
        if root is not None:
            yield from _microdata_dates(root)
        if selected_date:
            yield selected_date
        if root is not None:
            yield from story_times(root, outside)[:2]
        yield from near.published + near.dates

    visible = frozenset([selected_date, *near.published, *near.dates]) - {None}
    published = _first_date(date_candidates(), tz, invalid, visible)
    modified = _first_date(meta.modified + near.updated, tz, invalid, frozenset(near.updated))
    if published is None and not invalid:
        # Only a page whose declared dates are all valid gets htmldate's reading: htmldate reads
        # the same metadata, and made 2024-02-01 of a `2024-02-30T25:61:00`. An invalid date
        # leaves the field empty (and counted) rather than guessed.
        published = _htmldate_fallback(html, tz, root)

    # Authors: metadata, the site's selector, rel=author links, the story's byline elements,
    # then a line under the headline that starts with a byline word (بقلم، كتب، إعداد، حوار...).
    # A profile URL in article:author names nobody readable: the page's byline may.
    authors = [a for a in meta.authors if not _is_url(a)]
    if not authors and selectors.get("author"):
        authors = [_node_text(n) for n in _select(sel, selectors["author"])]
    if not authors:
        authors = sel.xpath('//a[@rel="author"]//text()').getall()
    if not authors and root is not None:
        authors = byline_elements(root, outside)
    if not authors:
        authors = near.bylines[:1]
    # Lines that are not the story: bylines and date lines under the headline, the page chrome
    # a main-text extractor took in before the headline.
    shown_title = " ".join(anchor.xpath("string()").split()) if anchor is not None else title
    body = _after_headline(body, shown_title)
    body = _without_lines(body, near.bylines + near.published + near.updated + near.dates)
    if root is not None:
        body = _with_lead(body, root)

    section = (
        meta.section
        or _selected_text(sel, selectors.get("section"))
        or trail_section(meta.breadcrumbs, title)
        or (breadcrumb_section(root, title) if root is not None else None)
    )
    tags = meta.tags or sel.xpath('//a[@rel="tag"]//text()').getall()
    image_url = urljoin(url, meta.image_url) if meta.image_url else None

    return ExtractedArticle(
        url=canonical,
        alternate_urls=alternates,
        domain=url_host(canonical),
        title=" ".join(title.split()) if title else None,
        description=" ".join(meta.description.split()) if meta.description else None,
        body=body,
        authors=_unique(authors),
        published_at=published,
        modified_at=modified,
        section=" ".join(section.split()) if section else None,
        tags=_unique(tags),
        image_url=image_url,
        word_count=len(body.split()),
        site_name=meta.site_name,
        invalid_dates=invalid,
    )


def _drop_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _htmldate_fallback(
    html: str, tz: tzinfo, root: etree._Element | None = None
) -> datetime | None:
    """Last resort for the publication date: htmldate's reading of the page (day precision),
    without the page's sidebars, related lists and comments (whose dates are other pages')."""
    from htmldate import find_date

    page: str | etree._Element = html
    if root is not None:
        page = copy.deepcopy(root)
        for element in outside_story(page):
            _drop_keeping_tail(element)
    try:
        found = find_date(page, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    except (ValueError, TypeError):
        return None
    return parse_date(found, tz, free_text=False) if found else None
