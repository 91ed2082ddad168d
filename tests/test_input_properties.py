"""Property tests for hostile input: page analysis on arbitrary bytes, URL canonicalization,
dates, and registry loading never raise anything but their documented errors, and keep their
invariants. Bounded for `make test`; `HYPOTHESIS_PROFILE=long` runs many more examples (see
docs/architecture.md, Developing)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import UTC
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract.pages import analyze_page
from crawler.extract.urls import canonical_url
from crawler.registry import RegistryError, load_registry, parse_registry
from crawler.text.dates import check_date

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Pieces of real pages, glued at random with arbitrary bytes.
HTML_PIECES = st.sampled_from(
    [
        b"<html>", b"<head>", b"<body>", b"</p>", b"<p>", b"<article>", b"<a href='/x?a=1'>",
        b"<a href='javascript:1'>", b"<base href='//evil'>", b'<meta charset="windows-1256">',
        b'<meta property="og:type" content="article">', b'<script type="application/ld+json">',
        b'{"@type":"NewsArticle","datePublished":"0001-01-01T00:00:00+14:00"}', b"[[[[[[[[",
        b"</script>", b"<title>", "خبر عاجل من العاصمة".encode(), "خبر".encode("cp1256"),
        b"<time datetime='9999-12-31T23:59:59-12:00'>", b"\x00", b"\xff\xfe", b"&#0;", b"<!--",
        # What the layout readers look at: headlines, bylines, date lines, tables, shells.
        b"<h1>", b"</h1>", b"<br>", b"<td class='text'>", b"<div id='app'>", b"<aside>",
        b"<div class='byline'>", b"<span itemprop='author'>", b"<div class='breadcrumb'><a href='/s'>",
        "بقلم: أحمد منصور".encode(), "تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً".encode(),
        "جاري التحميل".encode(), b"<p class='lead'>", b"<script src='/a.js'></script>",
    ]
)  # fmt: skip
PAGES = st.lists(st.one_of(st.binary(max_size=40), HTML_PIECES), max_size=40).map(b"".join)


@given(PAGES, st.sampled_from(["utf-8", "cp1256", "latin-1"]), st.booleans())
def test_page_analysis_never_raises(body, encoding, listed):
    page = analyze_page(
        body, "https://news.example/2026/11/20/x.html", encoding,
        listed=listed, pattern=None, selectors={}, tz=UTC, follow=True,
    )  # fmt: skip
    assert page.verdict.reason
    assert page.error is None, page.error  # extraction itself never failed on it
    assert all(link.startswith(("http://", "https://", "file://", "ftp://")) for link in page.links)
    if page.article is not None:
        assert page.article.url.startswith("https://")


URL_PARTS = st.sampled_from(
    ["https://", "http://", "HTTP://", "news.example", "WWW.News.Example:443", "/", "//", "?",
     "&", "#frag", "utm_source=x", "amp", "print=1", "%D8%AE", "خبر", " ", "\t", "@", ":", "[::1]",
     "..", "%", "%zz", "\x00", "\u200f"]
)  # fmt: skip
URLS = st.lists(st.one_of(URL_PARTS, st.text(max_size=8)), max_size=12).map("".join)


@given(URLS)
def test_canonical_urls_are_stable_or_refused(url):
    try:
        once = canonical_url(url)
    except ValueError:
        return  # a clear refusal, counted by the spider as discovery/bad_url
    assert canonical_url(once) == once


@given(st.one_of(st.text(max_size=60), st.none(), st.integers(), st.floats()))
def test_dates_never_raise(value):
    parsed, problem = check_date(value, UTC)
    assert (parsed is None) != (problem is None)
    if parsed is not None:
        assert parsed.tzinfo is not None


REGISTRY_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from(
    ["name", "base_url", "feeds", "sitemaps", "sections", "article_url_pattern", "render_js",
     "selectors", "topic_map", "timezone", "language", "concurrency", "delay", "max_age",
     "enabled", "note"]
)  # fmt: skip


@given(st.dictionaries(FIELDS, REGISTRY_VALUES, max_size=8))
def test_registry_entries_are_accepted_or_refused_with_a_registry_error(entry):
    entry = {"name": "x", "base_url": "https://x.example/", **entry}
    try:
        parse_registry({"sites": [entry]})
    except RegistryError as exc:
        assert len(str(exc)) < 600  # one readable line, whatever the value


@given(st.text(max_size=200))
def test_registry_files_of_any_text_load_or_are_refused_with_a_registry_error(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sites.yaml"
        path.write_text(text, encoding="utf-8")
        with contextlib.suppress(RegistryError):
            load_registry(path)
