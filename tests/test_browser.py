"""Browser rendering end to end: a local single-page-app news site, rendered with Debian's Chromium
through scrapy-playwright, read back from the database."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.devtools.demo import PROJECT_ROOT, SAMPLE_ROOT, crawl_command, crawl_env
from crawler.devtools.sampleserver import SampleSite
from tests.conftest import write_registry

pytestmark = pytest.mark.skipif(
    not shutil.which("chromium"), reason="Chromium is installed by `make test` (Debian package)"
)

EXPECTED = {
    "/article/1.html": (
        "قمة المناخ في شرم الشيخ تتفق على صندوق للخسائر والأضرار",
        datetime(2026, 11, 21, 16, 30, tzinfo=UTC),
    ),
    "/article/2.html": (
        "افتتاح الخط الأول من مترو الرياض أمام الركاب",
        datetime(2026, 11, 19, 4, 0, tzinfo=UTC),
    ),
    # Built from a JSON fetch to the same server.
    "/article/3.html": (
        "موسم حصاد التمور في الأحساء يسجل إنتاجاً قياسياً",
        datetime(2026, 11, 17, 6, 15, tzinfo=UTC),
    ),
}


def chromium_processes() -> set[int]:
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"chrom" in cmdline and b"--disable-component-update" in cmdline:
                pids.add(int(entry.name))
    return pids


def stored(db, site):
    return {d["url"][len(site.base_url) :]: d for d in db.articles.find()}


@pytest.mark.parametrize("render_js", [True, False])
def test_single_page_app_articles_are_rendered(crawl, db, render_js):
    before = chromium_processes()
    with SampleSite(SAMPLE_ROOT / "spa_news") as site:
        entry = {
            "name": "spa",
            "base_url": f"{site.base_url}/",
            "render_js": render_js,
            "max_age": 0,  # the sample feed's dates are frozen in the past
        }
        if render_js:
            entry["feeds"] = [f"{site.base_url}/feed.xml"]
        result = crawl({"sites": [entry]}, "-s", "BROWSER_RENDER_TIMEOUT_MS=4000")
        assert result.returncode == 0, result.log[-3000:]
        paths = site.paths()

    docs = stored(db, site)
    assert set(docs) == {*EXPECTED, "/static/plain.html"}
    for path, (title, published) in EXPECTED.items():
        doc = docs[path]
        assert doc["title"] == title
        assert doc["published_at"] == published
        assert doc["fetched_with"] == "browser"
        assert doc["body"].count("\n\n") == 2 and "جار التحميل" not in doc["body"]
    # The static article of the same crawl is not rendered.
    assert docs["/static/plain.html"]["fetched_with"] == "http"
    assert paths.count("/static/plain.html") == 1
    assert "/api/3.json" in paths, "the page's own JSON fetch went to the local server"

    run = db.crawl_runs.find_one()
    # The browser was started once, for the first page that needed it (not at the engine's start).
    assert run["stats"]["akhbar/browser/started"] == 1
    site_stats = {
        k.split("/site/spa/", 1)[1]: v for k, v in run["stats"].items() if "/site/spa/" in k
    }
    if render_js:
        # Only reachable through the feed: rendered straight away, the shell never fetched over HTTP.
        assert paths.count("/article/1.html") == 1
        assert "browser/fallback" not in site_stats
    else:
        # Not declared: each shell is fetched, found empty, and rendered once (counted per site).
        assert paths.count("/article/1.html") == 2
        assert site_stats["browser/fallback"] == 4
    # Article 4 never renders (its JSON is missing): a counted drop, and the crawl went on.
    assert sum(v for k, v in run["drops"].items() if k.startswith("render_failed")) == 1
    assert run["status"] == "finished"
    assert chromium_processes() <= before, "no Chromium process outlives the crawl"


def test_ctrl_c_during_rendering_leaves_no_browser_behind(mongo_uri, db, tmp_path):
    before = chromium_processes()
    with SampleSite(SAMPLE_ROOT / "spa_news") as site:
        registry = write_registry(
            tmp_path, {"sites": [{"name": "spa", "base_url": f"{site.base_url}/"}]}
        )
        command = crawl_command("-a", f"sites={registry}", mongo_uri=mongo_uri, database=db.name)
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=crawl_env(), stderr=subprocess.PIPE, text=True
        )
        try:
            deadline = time.monotonic() + 60
            while "/app.js" not in site.paths() and time.monotonic() < deadline:
                time.sleep(0.05)  # until a browser is rendering a page
            assert chromium_processes() - before, "a browser is running"
            process.send_signal(signal.SIGINT)
            log = process.communicate(timeout=60)[1]
        finally:
            process.kill()
    assert process.returncode == 0, log[-2000:]
    assert db.crawl_runs.find_one()["status"] == "shutdown"
    deadline = time.monotonic() + 10
    while chromium_processes() - before and time.monotonic() < deadline:
        time.sleep(0.1)  # the browser's children exit just after the crawler
    assert not chromium_processes() - before
