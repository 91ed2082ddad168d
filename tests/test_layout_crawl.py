"""End to end: a legacy ASP table site and an app-shell site, each crawled with a registry entry
that gives only its name and base URL (and `render_js` for the app shell), read back from the
database: every article stored once, with the fields a reader sees."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from crawler.devtools.sampleserver import SampleSite
from tests.data.layout_sites import app_shell_pages, legacy_pages
from tests.golden import body_f1


def stats_of(db) -> dict:
    run = db.crawl_runs.find_one(sort=[("started_at", -1)])
    return run["stats"] if run else {}


def check_article(doc: dict, page) -> None:
    expected = page.expected()
    assert doc["title"] == expected["title"]
    assert body_f1(expected["body"], doc["body"]) >= 0.98, doc["body"]
    assert doc["authors"] == expected["authors"]
    assert doc["published_at"] == datetime.fromisoformat(expected["published_at"])
    assert doc.get("section") == expected["section"]
    for line in expected["boilerplate"]:
        assert line not in doc["body"]


def test_legacy_table_site(crawl, db, tmp_path):
    with SampleSite(tmp_path, {}) as site:
        routes, articles = legacy_pages()
        site.routes.update(routes)
        entry = {"name": "alrai", "base_url": f"{site.base_url}/", "timezone": "Asia/Amman",
                 "max_age": 0}  # fmt: skip
        result = crawl({"sites": [entry]})
        assert result.returncode == 0, result.log[-3000:]
        requested = site.paths()

    docs = {d["url"][len(site.base_url) :]: d for d in db.articles.find()}
    assert set(docs) == set(articles), result.log[-3000:]
    for path, page in articles.items():
        doc = docs[path]
        check_article(doc, page)
        assert doc["fetched_with"] == "http"
    # The print and send-to-friend forms were never fetched; the listings were not stored.
    assert not [p for p in requested if p.startswith(("/print.asp", "/sendfriend.asp"))]
    assert any(p.startswith("/section.asp") for p in requested)
    assert db.articles.count_documents({}) == len(articles)


@pytest.mark.skipif(not shutil.which("chromium"), reason="Chromium is installed by `make test`")
def test_app_shell_site(crawl, db, tmp_path):
    with SampleSite(tmp_path, {}) as site:
        routes, articles = app_shell_pages(site.base_url)
        site.routes.update(routes)
        entry = {"name": "alaan", "base_url": f"{site.base_url}/", "render_js": True,
                 "timezone": "Asia/Dubai", "max_age": 0}  # fmt: skip
        result = crawl({"sites": [entry]}, "-s", "BROWSER_RENDER_TIMEOUT_MS=6000")
        assert result.returncode == 0, result.log[-3000:]

    docs = {d["url"][len(site.base_url) :]: d for d in db.articles.find()}
    assert set(docs) == set(articles), result.log[-3000:]
    for path, page in articles.items():
        doc = docs[path]
        check_article(doc, page)
        assert doc["fetched_with"] == "browser"
        assert "جاري التحميل" not in doc["body"]
    # Each shell (the home too) was fetched over HTTP, found to be a shell and rendered once.
    site_stats = {
        k.split("/site/alaan/", 1)[1]: v for k, v in stats_of(db).items() if "/site/alaan/" in k
    }
    assert site_stats["browser/app_shell"] == len(articles) + 1
    assert "drop/render_failed/timeout" not in site_stats
