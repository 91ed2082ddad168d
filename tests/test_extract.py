"""Extraction and page classification, on real-shaped Arabic pages (no crawler needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from crawler.devtools.demo import SAMPLE_ROOT
from crawler.extract.article import extract_article, resolve_url
from crawler.extract.classify import classify_page, text_stats
from crawler.extract.metadata import extract_metadata
from crawler.extract.urls import same_site

BASE = "https://news.example"
PARAGRAPH = (
    "<p>هذه فقرة طويلة من نص الخبر تتجاوز ستين حرفاً بكثير حتى تعد فقرة حقيقية في متن المقال.</p>"
)


def page(path: str) -> str:
    return (SAMPLE_ROOT / path).read_text(encoding="utf-8").replace("{{BASE}}", BASE)


def analyse(html: str, url: str, pattern=None, listed=False):
    sel = Selector(text=html)
    return classify_page(url, extract_metadata(sel), text_stats(sel), pattern, listed)


def test_jsonld_with_trailing_comma_is_read():
    meta = extract_metadata(
        Selector(text=page("akhbar_alyawm/news/2026/11/20/arab-ministers-reconstruction.html"))
    )
    assert meta.is_article_jsonld
    assert meta.authors == ["أحمد منصور", "سارة الخطيب"]
    assert meta.tags == ["الجامعة العربية", "إعادة الإعمار", "القاهرة"]
    assert meta.image_url == f"{BASE}/images/ministers.jpg"


def test_jsonld_graph_and_breadcrumbs():
    meta = extract_metadata(
        Selector(text=page("akhbar_alyawm/news/2026/11/18/central-bank-rates.html"))
    )
    assert meta.is_article_jsonld and meta.section == "اقتصاد"
    assert meta.breadcrumbs == ["الرئيسية", "اقتصاد"]
    assert meta.tags == ["الفائدة", "التضخم"]


def test_listing_itemlist_of_articles_is_not_an_article():
    html = """<html><head><script type="application/ld+json">{"@type": "ItemList", "itemListElement": [
      {"@type": "NewsArticle", "headline": "أ"}, {"@type": "NewsArticle", "headline": "ب"}]}</script></head>
      <body><a href="/a">أ</a><a href="/b">ب</a></body></html>"""
    verdict = analyse(html, f"{BASE}/latest")
    assert not verdict.is_article


def test_classification_of_sample_pages():
    cases = {
        "akhbar_alyawm/index.html": (f"{BASE}/", False),
        "akhbar_alyawm/section/politics/index.html": (f"{BASE}/section/politics/", False),
        "akhbar_alyawm/tag/gaza/index.html": (f"{BASE}/tag/gaza/", False),
        "akhbar_alyawm/author/ahmad/index.html": (f"{BASE}/author/ahmad/", False),
        "akhbar_alyawm/news/sharjah-book-fair.html": (f"{BASE}/news/sharjah-book-fair.html", True),
        "sada_wp/category/economy/index.html": (f"{BASE}/category/economy/", False),
        "sada_wp/2026/11/12/olive-harvest-exports/index.html": (
            f"{BASE}/2026/11/12/olive-harvest-exports/",
            True,
        ),
    }
    for path, (url, expected) in cases.items():
        assert analyse(page(path), url).is_article is expected, path


def test_density_and_date_url_without_metadata():
    body = "<html><body><h1>عنوان</h1>" + PARAGRAPH * 8 + "</body></html>"
    assert analyse(body, f"{BASE}/story-12345").reason == "text_density"
    short = "<html><body><h1>عنوان</h1>" + PARAGRAPH + "</body></html>"
    assert analyse(short, f"{BASE}/story-12345").is_article is False
    assert analyse(short, f"{BASE}/2026/11/20/story").reason == "date_url"
    assert analyse(short, f"{BASE}/story-12345", listed=True).reason == "listed_in_feed_or_sitemap"


def test_wordpress_post_ids_are_not_listings():
    body = "<html><body><h1>عنوان</h1>" + PARAGRAPH * 8 + "</body></html>"
    assert analyse(body, f"{BASE}/?p=123").is_article
    assert not analyse(body, f"{BASE}/?s=غزة").is_article


def test_registry_pattern_is_authoritative():
    import re

    pattern = re.compile(r"/story/\d+")
    og = page("akhbar_alyawm/news/sharjah-book-fair.html")
    assert (
        analyse(og, f"{BASE}/news/sharjah-book-fair.html", pattern).reason == "url_pattern_mismatch"
    )
    assert analyse("<html><body></body></html>", f"{BASE}/story/99", pattern).is_article


def test_windows_1256_page_decodes_through_scrapy():
    raw = (SAMPLE_ROOT / "sada_wp/old/tripoli-heritage.html").read_bytes()
    response = HtmlResponse(
        url=f"{BASE}/old/tripoli-heritage.html", body=raw, headers={"Content-Type": "text/html"}
    )
    assert response.encoding == "cp1256"
    article = extract_article(response.text, response.url, tz=ZoneInfo("Asia/Beirut"))
    assert article.title == "ترميم أسواق طرابلس القديمة يعيد الحياة إلى قلب المدينة"
    assert article.published_at == datetime(2026, 11, 15, 7, 30, tzinfo=UTC)
    assert article.body.count("\n\n") == 3


def test_selector_body_skips_share_boxes_and_comments():
    html = page("sada_wp/2026/11/19/gaza-truce-talks/index.html")
    article = extract_article(
        html, f"{BASE}/2026/11/19/gaza-truce-talks/", selectors={"body": "div.entry-content"}
    )
    assert article.body.startswith("انطلقت في العاصمة القطرية الدوحة")
    for noise in ("شاركها", "فيسبوك", "اترك تعليقاً", "Exit mobile version"):
        assert noise not in article.body
    xpath = extract_article(html, f"{BASE}/x/", selectors={"body": "//div[@class='entry-content']"})
    assert xpath.body == article.body


def test_selectors_fill_what_metadata_lacks():
    html = (
        "<html><head><title>عنوان الصفحة | الموقع</title></head><body>"
        "<h2 class='headline'>العنوان الحقيقي للخبر</h2><span class='when'>12 نونبر 2026</span>"
        "<div class='writer'>بقلم كريم</div><div class='txt'><p>الأولى.</p><blockquote><p>الثانية.</p></blockquote>"
        "<ul><li>الثالثة.</li></ul><div class='share-tools'><p>شارك</p></div></div></body></html>"
    )
    article = extract_article(
        html,
        f"{BASE}/a",
        selectors={"title": "h2.headline", "date": ".when", "author": ".writer", "body": "div.txt"},
        tz=ZoneInfo("Africa/Casablanca"),
    )
    assert article.title == "العنوان الحقيقي للخبر"
    assert article.published_at == datetime(2026, 11, 11, 23, 0, tzinfo=UTC)
    assert article.authors == ["بقلم كريم"]
    assert article.body == "الأولى.\n\nالثانية.\n\nالثالثة."


def test_jsonld_article_body_is_the_last_resort():
    html = """<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "خبر",
      "articleBody": "الفقرة الأولى من الخبر.\\nالفقرة الثانية من الخبر."}</script></head>
      <body><div id="app"></div></body></html>"""
    article = extract_article(html, f"{BASE}/a")
    assert article.body == "الفقرة الأولى من الخبر.\n\nالفقرة الثانية من الخبر."


def test_canonical_url_resolution():
    html = page("akhbar_alyawm/amp/news/2026/11/20/arab-ministers-reconstruction.html")
    meta = extract_metadata(Selector(text=html))
    url, alternates = resolve_url(
        f"{BASE}/amp/news/2026/11/20/arab-ministers-reconstruction.html", meta
    )
    assert url == f"{BASE}/news/2026/11/20/arab-ministers-reconstruction.html"
    assert alternates == [f"{BASE}/amp/news/2026/11/20/arab-ministers-reconstruction.html"]
    # A canonical pointing to another site is not believed.
    foreign = extract_metadata(
        Selector(text='<link rel="canonical" href="https://other.example/x">')
    )
    assert resolve_url(f"{BASE}/a?utm_source=x", foreign) == (f"{BASE}/a", [])
    assert same_site("https://m.example.com/a", "https://www.example.com/b")
    assert not same_site("https://example.com/a", "https://example.org/a")


def test_garbage_input_does_not_raise():
    for html in ("", "\x00\x01\x02", "<html><body><p>" * 1000, "<<<>>>", "نص بلا وسوم"):
        article = extract_article(html or " ", f"{BASE}/a")
        assert isinstance(article.body, str)


@pytest.mark.parametrize(
    "meta",
    [
        '<meta property="article:modified_time" content="2024-02-30T25:61:00">',
        '<meta property="article:published_time" content="0001-01-01T00:00:00+14:00">',
    ],
)
def test_an_invalid_declared_date_is_left_empty_not_guessed(meta):
    body = "".join(
        f"<p>{'فقرة من نص الخبر الطويل بما يكفي ليعد فقرة حقيقية ' * 3}{i}</p>" for i in range(4)
    )
    html = f"<html><head>{meta}<title>عنوان</title></head><body><article>{body}</article></body></html>"
    article = extract_article(html, f"{BASE}/news/2024/02/x.html")
    assert article.published_at is None
    assert [reason for _, reason in article.invalid_dates] == ["unparseable"]


def _jsonld_page(*nodes: dict, canonical: str | None = None) -> str:
    import json

    scripts = "".join(
        f'<script type="application/ld+json">{json.dumps(n, ensure_ascii=False)}</script>'
        for n in nodes
    )
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"<html><head>{scripts}{link}</head><body><h1>عنوان</h1>{PARAGRAPH * 8}</body></html>"


def test_front_and_section_pages_with_article_jsonld_are_not_articles():
    """Home, section and tag pages often carry NewsArticle JSON-LD (the lead story, a CMS
    template, the teasers): only a node about this very page makes it an article."""
    teaser = {"@type": "NewsArticle", "headline": "خبر", "datePublished": "2026-11-20"}
    # The front page: never an article, whatever it says about itself.
    assert analyse(_jsonld_page(teaser), f"{BASE}/").reason == "home_page"
    assert analyse(_jsonld_page(teaser), f"{BASE}/index.php?utm_source=x").reason == "home_page"
    assert analyse(_jsonld_page(teaser), f"{BASE}/ar/").reason == "home_page"
    # A section page whose CollectionPage lists its stories as NewsArticle nodes.
    listing = {
        "@type": "CollectionPage",
        "mainEntity": [
            {**teaser, "url": f"{BASE}/economy/2026/11/20/a.html"},
            {**teaser, "url": f"{BASE}/economy/2026/11/20/b.html"},
        ],
    }
    assert analyse(_jsonld_page(listing), f"{BASE}/economy/").reason == "jsonld_other_pages"
    # A tag page with one "latest" article node about another page.
    latest = {**teaser, "mainEntityOfPage": f"{BASE}/news/2026/11/19/c.html"}
    assert not analyse(_jsonld_page(latest), f"{BASE}/hashtag/غزة").is_article
    # The article itself: its node names it (tracking parameters, a trailing slash or the
    # canonical URL of an AMP copy do not matter), or names no page at all.
    own = {**teaser, "url": f"{BASE}/news/2026/11/19/c/"}
    assert analyse(_jsonld_page(own), f"{BASE}/news/2026/11/19/c?utm_source=fb").reason == "jsonld"
    amp = {**teaser, "url": f"{BASE}/news/c.html"}
    page_html = _jsonld_page(amp, canonical=f"{BASE}/news/c.html")
    assert analyse(page_html, f"{BASE}/amp/news/c.html").reason == "jsonld"
    assert analyse(_jsonld_page(teaser), f"{BASE}/news/d.html").reason == "jsonld"
    # Query-string articles at the root are not front pages.
    assert analyse(_jsonld_page(teaser), f"{BASE}/index.php?id=1033").reason == "jsonld"


def test_a_page_without_its_story_has_no_body():
    """An article page whose story is missing: the headline alone, or the related-stories list
    the main-text extractor falls back to, is not a body (the validate stage then drops the page
    with a reason instead of storing headlines as text)."""
    head = (
        "<html><head><meta property='og:type' content='article'><title>خبر بلا متن</title></head>"
    )
    only_title = head + "<body><h1>خبر بلا متن</h1><div class='story'></div></body></html>"
    assert extract_article(only_title, f"{BASE}/news/1.html").body == ""
    related = "".join(
        f"<li><a href='/n/{i}'>عنوان خبر آخر رقم {i} عن موضوع مختلف تماما في المنطقة</a></li>"
        for i in range(8)
    )
    page_html = (
        head
        + f"<body><h1>خبر بلا متن</h1><div class='related'><ul>{related}</ul></div></body></html>"
    )
    assert "عنوان خبر آخر" not in extract_article(page_html, f"{BASE}/news/2.html").body
    # A story whose paragraphs hold links keeps them: only a paragraph that is all link goes.
    story = "".join(
        f"<p>قال <a href='/p/{i}'>المتحدث</a> إن المحادثات ستستأنف الأسبوع المقبل في العاصمة بحضور الوفود {i}.</p>"
        for i in range(5)
    )
    full = head + f"<body><h1>خبر</h1><article>{story}</article></body></html>"
    assert extract_article(full, f"{BASE}/news/3.html").body.count("المحادثات") == 5


def test_words_in_a_machine_readable_date_are_invalid_not_relative():
    """JSON-LD `datePublished: "yesterday at noon"` is not a date (it was stored as yesterday's
    midnight); the same words in the page's visible date line are read relative to the crawl."""
    import json

    node = {"@type": "NewsArticle", "headline": "خبر", "datePublished": "yesterday at noon"}
    html = (
        f'<html><head><script type="application/ld+json">{json.dumps(node)}</script></head>'
        f"<body><h1>خبر</h1><span class='date'>منذ ساعتين</span>{PARAGRAPH * 5}</body></html>"
    )
    article = extract_article(html, f"{BASE}/news/1.html")
    assert article.invalid_dates == [("yesterday at noon", "relative")]
    # The date then comes from the next source: the visible line under the headline (read
    # relative to the crawl), found by itself or named by the site's selector.
    for selectors in ({}, {"date": ".date"}):
        visible = extract_article(html, f"{BASE}/news/1.html", selectors=selectors)
        assert visible.published_at is not None  # two hours before now, not yesterday's midnight
        assert 1 * 3600 < (datetime.now(UTC) - visible.published_at).total_seconds() < 3 * 3600
    # Without that line, no date: an invalid one is never replaced by a guess.
    bare = html.replace("<span class='date'>منذ ساعتين</span>", "")
    assert extract_article(bare, f"{BASE}/news/1.html").published_at is None
