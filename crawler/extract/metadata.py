"""Structured metadata of a page: JSON-LD, OpenGraph, `article:*` and plain `<meta>` tags, canonical link.

This is the first and most trusted source of article fields; selectors and main-text extraction
only fill what it leaves empty.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from parsel import Selector

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "liveblogposting",
        "report",
    }
)
# A trailing comma or a raw control character is the usual way a CMS breaks its JSON-LD.
TRAILING_COMMA = re.compile(r",\s*([}\]])")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class PageMeta:
    """What a page says about itself in machine-readable form."""

    jsonld_types: set[str] = field(default_factory=set)
    is_article_jsonld: bool = False
    og_type: str | None = None
    canonical: str | None = None
    og_url: str | None = None
    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None
    article_body: str | None = None
    breadcrumbs: list[str] = field(default_factory=list)
    site_name: str | None = None  # og:site_name, JSON-LD publisher: what titles are suffixed with
    # The URLs the JSON-LD article nodes name as theirs (`url`, `mainEntityOfPage`): one node about
    # another page, or several about several, make a listing, not this page's article.
    article_urls: list[str] = field(default_factory=list)


def _load_jsonld(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    for candidate in (text, TRAILING_COMMA.sub(r"\1", CONTROL_CHARS.sub(" ", text))):
        try:
            return json.loads(candidate)
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
            continue
    return None


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for child in node:
            yield from _walk(child)
    elif isinstance(node, dict):
        yield node
        # Not itemListElement: a listing page's ItemList of NewsArticle teasers is not an article.
        for key in ("@graph", "mainEntity"):
            if key in node:
                yield from _walk(node[key])


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values if v}


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value") or value.get("url"))
    if isinstance(value, list):
        for item in value:
            found = _text(item)
            if found:
                return found
    return None


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    out = []
    for item in values:
        found = _text(item)
        if found:
            out.append(found)
    return out


def _split_keywords(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        for part in re.split(r"[,،;؛]", value):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def _image(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value.strip() if isinstance(value, str) and value.strip() else None


MetaIndex = dict[tuple[str, str], list[str]]


def _meta_index(sel: Selector) -> MetaIndex:
    """Every `<meta content>` of the page by (attribute, name), in page order: one walk over the
    page instead of one XPath search of the whole page per name asked."""
    index: MetaIndex = {}
    root = sel.root
    if not hasattr(root, "iter"):
        return index
    for node in root.iter("meta"):
        content = node.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop"):
            name = node.get(attr)
            if name is not None:
                # Names as sites spell them vary in case: DC.date, dc.date, DC.Date.
                index.setdefault((attr, name.strip().lower()), []).append(content)
    return index


def _first_meta(index: MetaIndex, *names: str) -> str | None:
    for name in map(str.lower, names):
        for attr in ("property", "name", "itemprop"):
            for value in index.get((attr, name), ())[:1]:
                if value.strip():
                    return value.strip()
    return None


def _all_meta(
    index: MetaIndex, *names: str, attrs: tuple[str, ...] = ("property", "name")
) -> list[str]:
    out: list[str] = []
    for name in map(str.lower, names):
        for attr in attrs:
            for value in index.get((attr, name), ()):
                if value.strip() and value.strip() not in out:
                    out.append(value.strip())
    return out


def _apply_jsonld(meta: PageMeta, node: dict[str, Any]) -> None:
    meta.is_article_jsonld = True
    meta.title = meta.title or _text(node.get("headline")) or _text(node.get("name"))
    meta.description = meta.description or _text(node.get("description"))
    if not meta.authors:
        meta.authors = _texts(node.get("author")) or _texts(node.get("creator"))
    meta.published += _texts(node.get("datePublished")) + _texts(node.get("dateCreated"))
    meta.modified += _texts(node.get("dateModified"))
    sections = _texts(node.get("articleSection"))
    meta.section = meta.section or (sections[0] if sections else None)
    meta.tags = meta.tags or _split_keywords(_texts(node.get("keywords")))
    meta.image_url = meta.image_url or _image(node.get("image")) or _image(node.get("thumbnailUrl"))
    meta.article_body = meta.article_body or _text(node.get("articleBody"))
    url = _text(node.get("url")) or _text(node.get("mainEntityOfPage"))
    meta.og_url = meta.og_url or url
    if url and url not in meta.article_urls:
        meta.article_urls.append(url)
    publisher = node.get("publisher")
    if isinstance(publisher, list):
        publisher = publisher[0] if publisher else None
    if isinstance(publisher, dict):
        meta.site_name = meta.site_name or _text(publisher.get("name"))


def extract_metadata(sel: Selector) -> PageMeta:
    """Collect the page's structured metadata; JSON-LD first, then OpenGraph and `<meta>` tags."""
    meta = PageMeta()
    for block in sel.xpath('//script[contains(@type, "ld+json")]/text()').getall():
        for node in _walk(_load_jsonld(block)):
            types = _types(node)
            meta.jsonld_types |= types
            if types & ARTICLE_TYPES:
                _apply_jsonld(meta, node)
            if "breadcrumblist" in types and not meta.breadcrumbs:
                meta.breadcrumbs = [
                    name
                    for item in node.get("itemListElement") or []
                    if isinstance(item, dict)
                    for name in [_text(item.get("name")) or _text(item.get("item"))]
                    if name
                ]

    metas = _meta_index(sel)
    meta.og_type = (_first_meta(metas, "og:type") or "").lower() or None
    meta.canonical = sel.xpath('//link[@rel="canonical"]/@href').get()
    meta.og_url = _first_meta(metas, "og:url") or meta.og_url
    meta.title = meta.title or _first_meta(metas, "og:title", "twitter:title")
    meta.description = meta.description or _first_meta(
        metas, "og:description", "description", "twitter:description"
    )
    if not meta.authors:
        meta.authors = _all_meta(metas, "author", "article:author", "dc.creator", "byl")
    meta.published += _all_meta(
        metas,
        "article:published_time",
        "datePublished",
        "pubdate",
        "publishdate",
        "date",
        "dc.date.issued",
        "dc.date.created",
        "dc.date",
        "dcterms.issued",
        "dcterms.created",
        "dcterms.date",
        "date_published",
        "publish-date",
        "publish_date",
        "parsely-pub-date",
        "sailthru.date",
    )
    # Microdata on a <meta>: <meta itemprop="datePublished" content="...">.
    meta.published += [
        value
        for value in _all_meta(metas, "datePublished", attrs=("itemprop",))
        if value not in meta.published
    ]
    meta.modified += _all_meta(
        metas, "article:modified_time", "og:updated_time", "dateModified", "dcterms.modified"
    )
    meta.section = meta.section or _first_meta(metas, "article:section", "section")
    meta.tags = meta.tags or _split_keywords(
        _all_meta(metas, "article:tag", "news_keywords", "keywords")
    )
    meta.image_url = meta.image_url or _first_meta(
        metas, "og:image", "og:image:url", "twitter:image"
    )
    meta.site_name = _first_meta(metas, "og:site_name", "application-name") or meta.site_name
    return meta
