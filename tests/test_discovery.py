"""Discovery: sitemaps, feeds, robots.txt sitemap lines, feed links and pagination."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest
from parsel import Selector

from crawler.devtools.demo import SAMPLE_ROOT
from crawler.extract.discovery import (
    NotXmlError,
    feed_links,
    page_number,
    pagination_links,
    parse_xml_document,
    sitemaps_from_robots,
)

BASE = "https://news.example"


def sample(path: str) -> bytes:
    return (SAMPLE_ROOT / path).read_bytes().replace(b"{{BASE}}", BASE.encode())


def test_sitemap_index():
    doc = parse_xml_document(sample("akhbar_alyawm/sitemap_index.xml"), BASE)
    assert doc.kind == "sitemapindex"
    assert [s.url for s in doc.sitemaps] == [
        f"{BASE}/sitemap-news.xml",
        f"{BASE}/sitemap-pages.xml",
    ]
    assert doc.entries == []


def test_news_sitemap_reads_publication_date_and_title():
    doc = parse_xml_document(sample("akhbar_alyawm/sitemap-news.xml"), BASE)
    assert doc.kind == "urlset"
    first = doc.entries[0]
    assert first.url == f"{BASE}/news/2026/11/18/central-bank-rates.html"
    assert first.date == datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
    assert first.title == "البنك المركزي يثبت أسعار الفائدة للمرة الثالثة على التوالي"
    assert first.is_news


def test_gzipped_sitemap_and_size_limit():
    body = gzip.compress(sample("akhbar_alyawm/sitemap-news.xml"))
    assert len(parse_xml_document(body, BASE).entries) == 2
    with pytest.raises(NotXmlError, match="inflates past"):
        parse_xml_document(
            gzip.compress(b"<urlset>" + b" " * 10_000 + b"</urlset>"), BASE, max_size=1000
        )


def test_rss_feed():
    doc = parse_xml_document(sample("sada_wp/feed/index.xml"), BASE)
    assert doc.kind == "rss"
    assert [e.url for e in doc.entries] == [
        f"{BASE}/2026/11/19/gaza-truce-talks/",
        f"{BASE}/2026/11/17/water-crisis-basra/?utm_source=rss&utm_medium=rss&utm_campaign=water",
    ]
    assert doc.entries[0].date == datetime(2026, 11, 19, 14, 20, tzinfo=UTC)


def test_atom_feed():
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>أخبار</title>
      <entry><title>خبر</title><link rel="alternate" href="{BASE}/a/1"/><link rel="enclosure" href="{BASE}/x.jpg"/>
        <id>tag:news.example,2026:1</id><published>2026-11-20T10:00:00+03:00</published></entry>
      <entry><title>بلا رابط</title><id>urn:uuid:1</id></entry>
    </feed>""".encode()
    doc = parse_xml_document(atom, BASE)
    assert doc.kind == "atom"
    assert [(e.url, e.date) for e in doc.entries] == [
        (f"{BASE}/a/1", datetime(2026, 11, 20, 7, 0, tzinfo=UTC))
    ]


@pytest.mark.parametrize(
    "body", [b"", b"<html><body>Not found</body></html>", b"\x89PNG\r\n", b"{}"]
)
def test_not_a_sitemap_or_feed(body):
    with pytest.raises(NotXmlError):
        parse_xml_document(body, BASE)


def test_xml_entities_are_not_expanded():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>
    <urlset><url><loc>https://news.example/&b;</loc></url></urlset>"""
    doc = parse_xml_document(bomb, BASE)
    assert all("aaaaaaaaaa" not in e.url for e in doc.entries)


def test_robots_sitemap_lines():
    text = sample("akhbar_alyawm/robots.txt").decode() + "\nsitemap: /other.xml\nSitemap:\n"
    assert sitemaps_from_robots(text, f"{BASE}/robots.txt") == [
        f"{BASE}/sitemap_index.xml",
        f"{BASE}/other.xml",
    ]


def test_feed_links_skip_non_feeds():
    sel = Selector(text=sample("sada_wp/index.html").decode())
    assert feed_links(sel, f"{BASE}/") == [f"{BASE}/feed/", f"{BASE}/comments/feed/"]


def test_pagination_links():
    page1 = Selector(text=sample("akhbar_alyawm/section/politics/index.html").decode())
    assert pagination_links(page1, f"{BASE}/section/politics/") == [
        f"{BASE}/section/politics/?page=2"
    ]
    page2 = Selector(text=sample("akhbar_alyawm/section/politics/index@page=2.html").decode())
    assert pagination_links(page2, f"{BASE}/section/politics/?page=2") == [
        f"{BASE}/section/politics/?page=3"
    ]
    wp = Selector(text=sample("sada_wp/category/economy/index.html").decode())
    assert pagination_links(wp, f"{BASE}/category/economy/") == [f"{BASE}/category/economy/page/2/"]
    other_listing = Selector(text='<a href="/tag/x?page=2">2</a>')
    assert pagination_links(other_listing, f"{BASE}/section/a/") == []
    assert page_number(f"{BASE}/a/page/7/") == 7 and page_number(f"{BASE}/a?page=3") == 3
    assert page_number(f"{BASE}/a") == 1


def test_an_out_of_range_lastmod_costs_only_its_own_entry():
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{BASE}/news/1</loc><lastmod>2026-11-20T10:00:00+03:00</lastmod></url>
  <url><loc>{BASE}/news/2</loc><lastmod>0001-01-01T00:00:00+14:00</lastmod></url>
  <url><loc>{BASE}/news/3</loc><lastmod>9999-12-31T23:59:59-12:00</lastmod></url>
  <url><loc>{BASE}/news/4</loc><lastmod>2026-11-21</lastmod></url>
</urlset>""".encode()
    doc = parse_xml_document(body, BASE)
    assert [e.url for e in doc.entries] == [f"{BASE}/news/{n}" for n in (1, 2, 3, 4)]
    assert [e.date for e in doc.entries] == [
        datetime(2026, 11, 20, 7, 0, tzinfo=UTC),
        None,
        None,
        datetime(2026, 11, 21, tzinfo=UTC),
    ]
