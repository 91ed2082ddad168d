"""Finding article URLs: robots.txt sitemap lines, sitemaps and sitemap indexes, RSS/Atom/RDF feeds,
feed links in HTML, pagination links.

Plain functions over bytes and parsed pages; the spider decides what to request.
"""

from __future__ import annotations

import gzip
import io
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector

from crawler.text.dates import parse_date

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
)
NEXT_LABELS = (
    "التالي",
    "الصفحة التالية",
    "التالية",
    "المزيد",
    "next",
    "suivant",
    "›",
    "»",
    "older",
)
# Not `p=`: WordPress uses ?p=123 for a post, not a page.
PAGE_PARAM = re.compile(r"(?:[?&](?:page|pg)=(\d+)|/page/(\d+)/?$)", re.IGNORECASE)


class NotXmlError(ValueError):
    """The document is neither a sitemap nor a feed."""


@dataclass(frozen=True)
class Entry:
    """One URL found in a sitemap or a feed, with what the document said about it."""

    url: str
    date: datetime | None = None
    title: str | None = None
    is_news: bool = False


@dataclass(frozen=True)
class XmlDocument:
    """A parsed sitemap or feed: its kind, its entries, and (for sitemap indexes) child sitemaps."""

    kind: str  # "sitemapindex", "urlset", "rss", "atom", "rdf"
    entries: list[Entry]
    sitemaps: list[Entry]


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(elem: etree._Element, *names: str) -> str | None:
    for child in elem.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def maybe_gunzip(body: bytes, max_size: int) -> bytes:
    """Decompress a gzipped sitemap, refusing to inflate past `max_size` bytes."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
        data = stream.read(max_size + 1)
    if len(data) > max_size:
        raise NotXmlError(f"gzipped document inflates past {max_size} bytes")
    return data


def parse_xml_document(body: bytes, base_url: str, max_size: int = 50 * 1024 * 1024) -> XmlDocument:
    """Parse a sitemap (index, urlset, news sitemap) or an RSS/Atom/RDF feed.

    Raises `NotXmlError` for anything else (an HTML error page served at a sitemap URL is common).
    """
    body = maybe_gunzip(body, max_size)
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(body.strip(), parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise NotXmlError(f"not XML: {exc}") from exc
    if root is None:
        raise NotXmlError("empty document")
    kind = _local(root.tag)
    entries: list[Entry] = []
    sitemaps: list[Entry] = []
    if kind in ("sitemapindex", "urlset"):
        for elem in root:
            name = _local(elem.tag)
            loc = _child_text(elem, "loc")
            if not loc:
                continue
            url = urljoin(base_url, loc)
            news_date = _child_text(elem, "publication_date")
            raw_date = news_date or _child_text(elem, "lastmod")
            entry = Entry(
                url=url,
                date=parse_date(raw_date, free_text=False) if raw_date else None,
                title=_child_text(elem, "title"),
                is_news=news_date is not None,
            )
            (sitemaps if name == "sitemap" else entries).append(entry)
    elif kind in ("rss", "rdf", "feed"):
        kind = {"feed": "atom"}.get(kind, kind)
        for elem in root.iter():
            if _local(elem.tag) not in ("item", "entry"):
                continue
            link = None
            for child in elem:
                if _local(child.tag) != "link":
                    continue
                href = child.get("href")
                rel = child.get("rel", "alternate")
                if href and rel == "alternate":
                    link = href
                    break
                if child.text and child.text.strip():
                    link = child.text.strip()
                    break
            link = link or _child_text(elem, "guid", "id")
            if not link or not link.startswith(("http://", "https://", "/")):
                continue
            raw_date = _child_text(elem, "pubdate", "published", "updated", "date", "issued")
            entries.append(
                Entry(
                    url=urljoin(base_url, link),
                    date=parse_date(raw_date, free_text=False) if raw_date else None,
                    title=_child_text(elem, "title"),
                    is_news=True,
                )
            )
    else:
        raise NotXmlError(f"root element <{kind}> is neither a sitemap nor a feed")
    return XmlDocument(kind=kind, entries=entries, sitemaps=sitemaps)


def sitemaps_from_robots(text: str, base_url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt, as absolute URLs."""
    found: list[str] = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            url = urljoin(base_url, value.strip())
            if url not in found:
                found.append(url)
    return found


def feed_links(sel: Selector, base_url: str) -> list[str]:
    """Feeds a page announces with `<link rel="alternate" type="application/rss+xml">` and kin."""
    found: list[str] = []
    for link in sel.xpath(
        '//link[contains(concat(" ", normalize-space(@rel), " "), " alternate ")]'
    ):
        kind = (link.attrib.get("type") or "").lower()
        href = link.attrib.get("href")
        if href and kind in FEED_TYPES:
            url = urljoin(base_url, href.strip())
            if url not in found:
                found.append(url)
    return found


def pagination_links(sel: Selector, base_url: str) -> list[str]:
    """Links to the next page of a listing: `rel=next`, "التالي"/"next" labels, `?page=N+1`."""
    found: list[str] = []

    def add(href: str | None) -> None:
        if href and not href.startswith(("#", "javascript:", "mailto:")):
            url = urljoin(base_url, href.strip())
            if url not in found and url != base_url:
                found.append(url)

    for href in sel.xpath('//link[@rel="next"]/@href | //a[@rel="next"]/@href').getall():
        add(href)
    for anchor in sel.xpath("//a[@href]"):
        label = " ".join(anchor.xpath(".//text() | @title | @aria-label").getall()).strip().lower()
        if label and any(label == n or label.startswith(n + " ") for n in NEXT_LABELS):
            add(anchor.attrib["href"])
    current = page_number(base_url)
    listing = PAGE_PARAM.sub("", base_url)
    for href in sel.xpath("//a/@href").getall():
        url = urljoin(base_url, href.strip())
        if page_number(url) == current + 1 and PAGE_PARAM.sub("", url) == listing:
            add(url)
    return found


def page_number(url: str) -> int:
    """The listing page number in `url` (`?page=3`, `/page/3/`); 1 when the URL carries none."""
    match = PAGE_PARAM.search(url)
    if not match:
        return 1
    return int(match.group(1) or match.group(2))
