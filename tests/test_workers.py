"""Page analysis (the pure function the spider hands to worker processes) and the worker pool."""

from __future__ import annotations

import asyncio
import os
import random
import sys
from zoneinfo import ZoneInfo

from scrapy.utils.test import get_crawler

from crawler.extract.pages import BINARY, PAGE_ERROR, analyze_page
from crawler.runtime.workers import Workers
from tests.data.news_site import news_sites

UTC = ZoneInfo("UTC")


def site():
    wire = news_sites(200)[0]
    wire.base_url = "http://127.0.0.1:8000"
    return wire


def analyze(html: str, url: str, **options):
    defaults = {"listed": False, "pattern": None, "selectors": {}, "tz": UTC, "follow": True}
    return analyze_page(html.encode(), url, "utf-8", **(defaults | options))


def test_an_article_page_gives_its_article_and_its_links():
    wire = site()
    page = analyze(wire.article(7), wire.url(7))
    assert page.verdict.is_article and page.error is None
    assert page.article.url == wire.url(7)
    assert page.article.title == wire.headline(7)
    # The extractor's body still carries the site's own lines: the clean stage learns them.
    assert all(p in page.article.body for p in wire.paragraphs(7))
    assert wire.url(8) in page.links and wire.base_url + "/politics/" in page.links
    assert page.feeds == [] and page.pages == []
    assert analyze(wire.article(7), wire.url(7), follow=False).links == []


def test_a_listing_gives_its_pagination_and_no_article():
    wire = site()
    page = analyze(wire.listing("politics", 1), wire.base_url + "/politics/")
    assert not page.verdict.is_article and page.article is None
    assert page.pages == [wire.base_url + "/politics/page/2/"]
    assert wire.url(0) in page.links


def test_garbage_is_a_page_without_article_or_links():
    garbage = "".join(chr(c) for c in range(1, 0x2FF)) * 20 + "<p><a href"
    page = analyze(garbage, "http://127.0.0.1:8000/a.html")
    assert not page.verdict.is_article and page.article is None and page.error is None
    assert page.links == []


def die_in_a_worker(parent: int) -> str:
    """Kills the worker process it runs in; returns where it ran otherwise."""
    if os.getpid() != parent:
        os._exit(1)
    return "crawl process"


def worker_pid() -> int:
    return os.getpid()


def test_workers_run_elsewhere_and_survive_a_dead_worker():
    crawler = get_crawler(settings_dict={"CPU_WORKERS": 1})
    workers = Workers.of(crawler)

    async def scenario():
        elsewhere = await workers.run(worker_pid)
        # A worker killed mid-call (out of memory, say): the calls are done here, and the pool is
        # replaced once, however many calls were waiting on it.
        here = await asyncio.gather(
            workers.run(die_in_a_worker, os.getpid()), workers.run(die_in_a_worker, os.getpid())
        )
        again = await workers.run(worker_pid)
        return elsewhere, here, again

    try:
        elsewhere, here, again = asyncio.run(scenario())
    finally:
        workers.close()
    assert elsewhere != os.getpid() and again != os.getpid() and again != elsewhere
    assert here == ["crawl process", "crawl process"]
    assert crawler.stats.get_value("akhbar/workers/broken") == 1


def loaded(module: str) -> bool:
    return module in sys.modules


def test_started_workers_have_imported_what_they_were_asked_to():
    # `colorsys`: imported by nothing of akhbar or of this test module (a worker imports the
    # module of the function it runs).
    def scenario(start: bool) -> bool:
        workers = Workers.of(get_crawler(settings_dict={"CPU_WORKERS": 1}))
        try:
            if start:
                workers.start("colorsys")
                assert workers.pool is not None
            return asyncio.run(workers.run(loaded, "colorsys"))
        finally:
            workers.close()

    assert scenario(start=True) and not scenario(start=False)


def test_no_workers_means_this_process():
    workers = Workers.of(get_crawler(settings_dict={"CPU_WORKERS": 0}))
    workers.start("colorsys")
    assert workers.pool is None
    assert asyncio.run(workers.run(worker_pid)) == os.getpid()


def test_bytes_that_are_not_text_are_no_page_and_legacy_arabic_is_text():
    noise = random.Random(7).randbytes(5000)
    page = analyze_page(noise, "http://x.example/a.html", "utf-8", listed=True, pattern=None,
                        selectors={}, tz=UTC, follow=True)  # fmt: skip
    assert page.verdict.reason == BINARY and page.links == []
    legacy = ("<html><body><p>" + "خبر عاجل من العاصمة " * 50 + "</p></body></html>").encode(
        "cp1256"
    )
    page = analyze_page(legacy, "http://x.example/b.html", "cp1256", listed=False, pattern=None,
                        selectors={}, tz=UTC, follow=True)  # fmt: skip
    assert page.verdict.reason != BINARY


def test_a_page_that_breaks_the_analysis_comes_back_as_an_error(monkeypatch):
    import crawler.extract.pages as pages

    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(pages, "extract_metadata", explode)
    page = analyze("<html><body><p>نص</p></body></html>", "http://x.example/c.html")
    assert page.verdict.reason == PAGE_ERROR and "RecursionError" in page.error
