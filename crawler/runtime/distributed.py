"""Distributed crawling on Redis (scrapy-redis): the shared queue and dupefilter, and `akhbar enqueue`.

With `REDIS_URL` set, every crawler process (a "worker") takes its requests from one Redis queue
and checks them against one Redis dupefilter, so any number of workers on any number of machines
share one crawl. Workers start empty and wait; `akhbar enqueue` pushes the start requests of the
chosen sites (robots.txt, feeds, sitemaps, base URL) and starts a new round: the dupefilter of the
previous round is cleared, so listings are read again while stored articles are still skipped
(the incremental check against MongoDB). Without `REDIS_URL` nothing changes.
"""

from __future__ import annotations

import os

SCHEDULER = "scrapy_redis.scheduler.Scheduler"
DUPEFILTER = "scrapy_redis.dupefilter.RFPDupeFilter"
QUEUE = "scrapy_redis.queue.PriorityQueue"
QUEUE_KEY = "%(spider)s:requests"
DUPEFILTER_KEY = "%(spider)s:dupefilter"


def use_redis(settings) -> bool:
    """Switch a crawler's settings to the shared Redis scheduler when REDIS_URL is set."""
    if not settings.get("REDIS_URL"):
        return False
    for name, value in (
        ("SCHEDULER", SCHEDULER),
        ("DUPEFILTER_CLASS", DUPEFILTER),
        ("SCHEDULER_QUEUE_CLASS", QUEUE),
        ("SCHEDULER_QUEUE_KEY", QUEUE_KEY),
        ("SCHEDULER_DUPEFILTER_KEY", DUPEFILTER_KEY),
        ("SCHEDULER_PERSIST", True),  # a worker that stops leaves the queue to the others
    ):
        settings.set(name, value, priority="spider")
    return True


def enqueue_sites(registry: str | None, names: list[str]) -> dict[str, int]:
    """Push the start requests of the registry's sites (or of `names`) to the shared queue.

    Returns the number of requests queued per site. Raises RuntimeError without REDIS_URL.
    """
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import Crawler
    from scrapy.utils.project import get_project_settings
    from scrapy_redis import connection
    from scrapy_redis.queue import PriorityQueue

    from crawler.spiders.news import NewsSpider

    settings = get_project_settings()
    if not settings.get("REDIS_URL"):
        raise RuntimeError("REDIS_URL is not set: there is no shared queue to push to")
    crawler = Crawler(NewsSpider, settings)
    spider = NewsSpider.from_crawler(crawler, sites=registry, site=",".join(names) or None)
    server = connection.from_settings(settings)
    server.delete(DUPEFILTER_KEY % {"spider": spider.name})  # a new round
    queue = PriorityQueue(server, spider, QUEUE_KEY)
    pushed: dict[str, int] = {}
    for site in spider.sites:
        for request in spider.site_start_requests(site):
            queue.push(request)
            pushed[site.name] = pushed.get(site.name, 0) + 1
    return pushed
