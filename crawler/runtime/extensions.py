"""Crawl progress in the log: one line per interval with pages, articles stored, drops and rate.

Operators tail the log of a long crawl; Scrapy's own LogStats line says nothing about articles.
"""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger(__name__)


class Progress:
    """Logs `Progress: ...` every `PROGRESS_INTERVAL` seconds (0 turns it off)."""

    def __init__(self, stats, interval: float) -> None:
        self.stats = stats
        self.interval = interval
        self.loop: task.LoopingCall | None = None
        self.started = time.monotonic()
        self.last_pages = 0

    @classmethod
    def from_crawler(cls, crawler) -> Progress:
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler.stats, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.log)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.log()

    def line(self) -> str:
        """The progress line for the stats as they are now."""
        stats = self.stats.get_stats()
        pages = stats.get("akhbar/pages/fetched", 0)
        rate = (pages - self.last_pages) * 60 / self.interval
        self.last_pages = pages
        drops = {
            key.removeprefix("akhbar/drop/"): value
            for key, value in stats.items()
            if key.startswith("akhbar/drop/")
        }
        errors = sum(v for k, v in stats.items() if k.startswith("akhbar/fetch_error/"))
        drop_text = ", ".join(f"{k} {v}" for k, v in sorted(drops.items())) or "none"
        return (
            f"Progress after {time.monotonic() - self.started:.0f}s: {pages} pages "
            f"({rate:.0f}/min), {stats.get('akhbar/pages/article', 0)} articles, "
            f"{stats.get('akhbar/stored/new', 0)} stored new, "
            f"{stats.get('akhbar/stored/updated', 0)} updated, "
            f"{stats.get('akhbar/incremental/skipped_stored', 0)} known skipped, "
            f"drops: {drop_text}, fetch errors {errors}"
        )

    def log(self) -> None:
        logger.info(self.line())
