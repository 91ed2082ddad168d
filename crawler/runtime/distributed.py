"""Distributed crawling on Redis (scrapy-redis), as a Scrapy add-on.

With `REDIS_URL` set, every crawler process (a "worker") takes its requests from one Redis queue
and checks them against one Redis dupefilter, so any number of workers on any number of machines
share one crawl. Workers start empty and wait; `akhbar enqueue` pushes the start requests of the
chosen sites (robots.txt, feeds, sitemaps, base URL) and starts a new round: the dupefilter of the
previous round is cleared, so listings are read again while stored articles are still skipped
(the incremental check against MongoDB). Without `REDIS_URL` nothing changes.

`Distributed` (in `ADDONS`) switches the scheduler and adds `IdleWait`, the extension that keeps a
worker waiting for work; the spider knows nothing of Redis.
"""

from __future__ import annotations

import time

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

SCHEDULER = "scrapy_redis.scheduler.Scheduler"
DUPEFILTER = "scrapy_redis.dupefilter.RFPDupeFilter"
QUEUE = "scrapy_redis.queue.PriorityQueue"
QUEUE_KEY = "%(spider)s:requests"
DUPEFILTER_KEY = "%(spider)s:dupefilter"


def is_distributed(settings) -> bool:
    return bool(settings.get("REDIS_URL"))


class Distributed:
    """Add-on: the shared Redis scheduler and dupefilter when `REDIS_URL` is set."""

    def update_settings(self, settings) -> None:
        if not is_distributed(settings):
            return
        for name, value in (
            ("SCHEDULER", SCHEDULER),
            ("DUPEFILTER_CLASS", DUPEFILTER),
            ("SCHEDULER_QUEUE_CLASS", QUEUE),
            ("SCHEDULER_QUEUE_KEY", QUEUE_KEY),
            ("SCHEDULER_DUPEFILTER_KEY", DUPEFILTER_KEY),
            ("SCHEDULER_PERSIST", True),  # a worker that stops leaves the queue to the others
        ):
            settings.set(name, value, priority="addon")
        settings["EXTENSIONS"][f"{__name__}.IdleWait"] = 600  # as Scrapy's add-on docs do


class IdleWait:
    """A distributed worker waits for more work until nothing happened for
    `DISTRIBUTED_IDLE_CLOSE` seconds (0: forever, as a service)."""

    def __init__(self, idle_close: float) -> None:
        self.idle_close = idle_close
        self.last_activity = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler) -> IdleWait:
        if not is_distributed(crawler.settings):
            raise NotConfigured
        extension = cls(crawler.settings.getfloat("DISTRIBUTED_IDLE_CLOSE"))
        for signal in (
            signals.request_scheduled,
            signals.response_received,
            signals.item_scraped,
            signals.item_dropped,
        ):
            crawler.signals.connect(extension.active, signal=signal)
        crawler.signals.connect(extension.idle, signal=signals.spider_idle)
        return extension

    def active(self, *args, **kwargs) -> None:
        self.last_activity = time.monotonic()

    def idle(self, spider) -> None:
        if self.idle_close <= 0 or time.monotonic() - self.last_activity < self.idle_close:
            raise DontCloseSpider
