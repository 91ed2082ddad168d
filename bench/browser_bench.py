"""Benchmark: article pages per second fetched statically vs rendered in Chromium, with and
without resource blocking. Prints figures; asserts nothing. Run with `make bench`.

The local site serves 40 article pages, each with 6 images (60 KB, 30 ms latency each) and a web
font, like a real news page; the text is in the HTML, so every mode extracts the same articles.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from crawler.devtools.demo import PROJECT_ROOT, crawl_env
from crawler.devtools.sampleserver import Reply, SampleSite

ARTICLES = 40
PARAGRAPH = (
    "<p>" + "نص الخبر في فقرة طويلة بما يكفي لتعد فقرة حقيقية من متن المقال المنشور. " * 3 + "</p>"
)


def slow_asset(content_type: str, size: int):
    def reply(path: str) -> Reply:
        time.sleep(0.03)
        return Reply(body=b"\0" * size, content_type=content_type)

    return reply


def article(index: int) -> Reply:
    images = "".join(f"<img src='/img/{index}-{i}.jpg'>" for i in range(6))
    html = (
        "<html><head><meta charset='utf-8'><meta property='og:type' content='article'>"
        f"<title>خبر رقم {index}</title>"
        "<style>@font-face{font-family:x;src:url('/font.woff2')} body{font-family:x}</style>"
        f"</head><body><article><h1>خبر رقم {index}</h1>{images}{PARAGRAPH * 5}</article></body></html>"
    )
    return Reply(body=html.encode())


def routes() -> dict:
    table = {
        "/": Reply(
            body=(
                "<html><body>"
                + "".join(f"<a href='/a/{i}.html'>{i}</a>" for i in range(ARTICLES))
                + "</body></html>"
            ).encode()
        ),
        "/robots.txt": Reply(status=404),
        "/font.woff2": slow_asset("font/woff2", 30_000),
    }
    table |= {f"/a/{i}.html": article(i) for i in range(ARTICLES)}
    table |= {
        f"/img/{i}-{j}.jpg": slow_asset("image/jpeg", 60_000)
        for i in range(ARTICLES)
        for j in range(6)
    }
    return table


def crawl(site: SampleSite, render: bool, block: bool) -> tuple[float, int]:
    entry = {"name": "bench", "base_url": f"{site.base_url}/"}
    if render:
        entry |= {"render_js": True, "article_url_pattern": "/a/"}
    with tempfile.TemporaryDirectory() as tmp:
        registry = Path(tmp) / "sites.yaml"
        registry.write_text(yaml.safe_dump({"sites": [entry]}), encoding="utf-8")
        settings = {
            "AUTOTHROTTLE_ENABLED": "False",
            "DOWNLOAD_DELAY": "0",
            "LOG_LEVEL": "INFO",
            "ITEM_PIPELINES": '{"pipelines.validate.ValidatePipeline": 100}',
            "PLAYWRIGHT_ABORT_REQUEST": "crawler.runtime.browser.abort_request" if block else "",
        }
        command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={registry}"]
        for name, value in settings.items():
            command += ["-s", f"{name}={value}"]
        done = subprocess.run(
            command, cwd=PROJECT_ROOT, env=crawl_env(), capture_output=True, text=True
        )
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", done.stderr).group(1))
    items = int(re.search(r"'item_scraped_count': (\d+)", done.stderr).group(1))
    return elapsed, items


def main() -> None:
    for label, render, block in (
        ("static HTTP", False, True),
        ("rendered, images/fonts/trackers blocked", True, True),
        ("rendered, nothing blocked", True, False),
    ):
        with SampleSite(Path(tempfile.mkdtemp()), routes=routes()) as site:
            elapsed, items = crawl(site, render, block)
            assets = sum(p.startswith(("/img/", "/font")) for p in site.paths())
        print(
            f"{label:<42} {items} articles in {elapsed:5.2f} s = {items / elapsed:5.1f} pages/s, {assets} image/font requests"
        )


if __name__ == "__main__":
    main()
