"""`akhbar check-sites` against local sites that imitate what it must report."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from crawler.commands.check_sites import judge
from crawler.devtools.demo import PROJECT_ROOT, SAMPLE_ROOT, crawl_env
from crawler.devtools.sampleserver import Reply, SampleSite
from tests.conftest import write_registry

CHALLENGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<noscript>Enable JavaScript and cookies to continue</noscript>"
    b"<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script></body></html>"
)
PARAGRAPH = "<p>" + "فقرة من خبر حقيقي كانت تظهر هنا قبل أن يغير الموقع قالب صفحاته. " * 3 + "</p>"


def shell_article(path: str) -> Reply:
    # The layout changed: the text now lives somewhere our extraction does not find it.
    return Reply(
        body=(
            "<html><head><meta property='og:type' content='article'>"
            f"<title>خبر {path}</title></head><body><div id='app'></div></body></html>"
        ).encode()
    )


def check(tmp_path, registry: dict) -> tuple[int, dict[str, dict]]:
    path = write_registry(tmp_path, registry)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "crawler.commands",
            "check-sites",
            "--sites",
            str(path),
            "--json",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "DOWNLOAD_DELAY=0",
        ],
        cwd=PROJECT_ROOT,
        env=crawl_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.stdout.strip().startswith("["), done.stderr[-3000:]
    return done.returncode, {r["site"]: r for r in json.loads(done.stdout)}


@pytest.mark.integration
def test_check_sites_reports_each_case(tmp_path):
    forbidden = {
        "/": Reply(status=403, body=b"<html><body>Access denied</body></html>"),
        "/robots.txt": Reply(status=403, body=b""),
    }
    challenge = {
        "/": Reply(body=CHALLENGE),
        "/robots.txt": Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"),
    }
    empty_feed = {
        "/": Reply(body=b"<html><body><p>Welcome</p></body></html>"),
        "/feed.xml": Reply(
            body=b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title></channel></rss>",
            content_type="application/rss+xml",
        ),
    }
    layout = {
        "/": Reply(
            body=b"<html><body>"
            + b"".join(b"<a href='/story/%d.html'>s</a>" % i for i in range(3))
            + b"</body></html>"
        )
    }
    layout |= {f"/story/{i}.html": shell_article for i in range(3)}
    sites = {
        "forbidden": SampleSite(tmp_path / "a", routes=forbidden),
        "challenge": SampleSite(tmp_path / "b", routes=challenge),
        "empty_feed": SampleSite(tmp_path / "c", routes=empty_feed),
        "layout": SampleSite(tmp_path / "d", routes=layout),
        "healthy": SampleSite(SAMPLE_ROOT / "akhbar_alyawm"),
    }
    for server in sites.values():
        server.start()
    try:
        entries = [
            {"name": name, "base_url": f"{server.base_url}/"} for name, server in sites.items()
        ]
        entries[2]["feeds"] = [f"{sites['empty_feed'].base_url}/feed.xml"]
        code, reports = check(tmp_path, {"sites": entries})
    finally:
        for server in sites.values():
            server.stop()

    assert code == 1, "not every site is healthy"
    assert reports["healthy"]["verdict"] == "ok"
    assert reports["healthy"]["articles_extracted"] >= 2 and reports["healthy"]["listed_items"] >= 2
    assert reports["healthy"]["reachable"] and reports["healthy"]["robots_allows"]
    assert reports["forbidden"]["verdict"] == "bot_wall" and "403" in reports["forbidden"]["reason"]
    assert (
        reports["challenge"]["verdict"] == "bot_wall"
        and "challenge" in reports["challenge"]["reason"]
    )
    assert reports["empty_feed"]["verdict"] == "empty_feed"
    assert reports["layout"]["verdict"] == "layout_changed"
    assert reports["layout"]["article_pages"] == 3 and reports["layout"]["articles_extracted"] == 0
    assert reports["healthy"]["browser_needed"] == "no"
    # Nothing of a check goes to the database: no Mongo pipeline runs (MONGO_URI is not even set).


def test_judge_unreachable_and_robots():
    assert judge("x", {"fetch_error/DownloadConnectionRefusedError": 3}).verdict == "unreachable"
    disallowed = judge("x", {"responses": 2, "robots/disallows_base_url": 1})
    assert disallowed.verdict == "robots_disallow" and not disallowed.robots_allows


@pytest.mark.integration
def test_invalid_registry_is_one_clear_line(tmp_path):
    path = write_registry(tmp_path, {"sites": [{"name": "x", "base_url": "ftp://x/"}]})
    done = subprocess.run(
        [sys.executable, "-m", "crawler.commands", "check-sites", "--sites", str(path)],
        cwd=PROJECT_ROOT,
        env=crawl_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"akhbar check-sites: registry {path}: site 'x', field 'base_url': not an http(s) URL: 'ftp://x/'"
    )
