"""Benchmark: per-page cost of classification and extraction, and MongoDB sink throughput.

Prints figures; it asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
from datetime import UTC, datetime

import scrapy
from parsel import Selector
from scrapy.utils.test import get_crawler

from bench.figures import median_p95
from crawler import settings as akhbar_settings
from crawler.devtools.demo import SAMPLE_ROOT
from crawler.extract.article import extract_article
from crawler.extract.classify import classify_page, text_stats
from crawler.extract.metadata import extract_metadata
from crawler.store.local import FerretDB
from pipelines.mongo import MongoPipeline

PAGES = [
    "akhbar_alyawm/news/2026/11/20/arab-ministers-reconstruction.html",
    "akhbar_alyawm/news/sharjah-book-fair.html",
    "akhbar_alyawm/section/politics/index.html",
    "sada_wp/2026/11/19/gaza-truce-talks/index.html",
]
ROUNDS = 200


def bench_extraction() -> None:
    base = "https://bench.example"
    html_pages = [
        ((SAMPLE_ROOT / p).read_bytes().replace(b"{{BASE}}", base.encode()).decode(), f"{base}/{p}")
        for p in PAGES
    ]
    # A long article: the sample article's body repeated to about 30 KB of text.
    long_html, long_url = html_pages[0]
    long_html = long_html.replace("</article>", "<p>" + "نص إضافي طويل " * 2000 + "</p></article>")
    html_pages.append((long_html, long_url))
    timings: dict[str, list[float]] = {"classify": [], "extract": []}
    for _ in range(ROUNDS):
        for html, url in html_pages:
            start = time.perf_counter()
            sel = Selector(text=html)
            meta = extract_metadata(sel)
            verdict = classify_page(url, meta, text_stats(sel))
            timings["classify"].append(time.perf_counter() - start)
            if verdict.is_article:
                start = time.perf_counter()
                extract_article(html, url, sel=sel, meta=meta)
                timings["extract"].append(time.perf_counter() - start)
    for name, values in timings.items():
        values_ms = sorted(v * 1000 for v in values)
        print(
            f"{name:<9} n={len(values_ms):>5}  median {median_p95(values_ms)[0]:6.2f} ms  "
            f"p95 {median_p95(values_ms)[1]:6.2f} ms"
        )
    per_page = statistics.mean(timings["classify"]) + statistics.mean(timings["extract"])
    print(f"article pages per second per core (parse+classify+extract): {1 / per_page:.0f}")


def bench_storage(documents: int = 1000) -> None:
    body = "عقد وزراء الخارجية العرب اجتماعاً طارئاً في مقر جامعة الدول العربية بالقاهرة. " * 40

    async def run(uri: str) -> float:
        """One crawl's worth of articles through the sink; seconds from first item to last write."""
        project = {k: v for k, v in vars(akhbar_settings).items() if k.isupper()}
        crawler = get_crawler(
            settings_dict={**project, "MONGO_URI": uri, "MONGO_DATABASE": "bench"}
        )
        crawler.spider = scrapy.Spider(name="news")
        pipeline = MongoPipeline.from_crawler(crawler)
        await pipeline.open_spider()
        start = time.perf_counter()
        for i in range(documents):
            await pipeline.process_item(
                {
                    "url": f"https://bench.example/{i}",
                    "alternate_urls": [],
                    "site": "bench",
                    "title": f"خبر {i}",
                    "body": body,
                    "crawled_at": datetime.now(UTC),
                    "fetched_url": f"https://bench.example/{i}",
                }
            )
        await pipeline.close_spider()
        elapsed = time.perf_counter() - start
        await pipeline.store.spider_closed(crawler.spider, "finished")
        return elapsed

    with FerretDB() as server:
        for label in ("new articles", "re-crawl of the same articles"):
            elapsed = asyncio.run(run(server.uri))
            print(
                f"mongo sink, {label}: {documents} docs (~{len(body.encode()) // 1024} KB bodies) "
                f"into FerretDB/SQLite in {elapsed:.2f} s = {documents / elapsed:.0f} docs/s"
            )


if __name__ == "__main__":
    bench_extraction()
    bench_storage()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the benchmark process: {rss:.0f} MB")
