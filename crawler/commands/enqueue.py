"""`akhbar enqueue`: push the start requests of sites to the shared Redis queue, for the
distributed workers (see `crawler.runtime.distributed`)."""

from __future__ import annotations

import argparse
import os
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sites", help="registry file (default: the built-in crawler/sites.yaml)")
    parser.add_argument("--site", action="append", default=[], help="only this site (repeatable)")


def enqueue_sites(registry: str | None, names: list[str]) -> dict[str, int]:
    """Push the start requests of the registry's sites (or of `names`) to the shared queue and
    start a new round (the previous round's dupefilter is cleared). The number of requests
    queued per site; RuntimeError without REDIS_URL."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import Crawler
    from scrapy.utils.project import get_project_settings
    from scrapy_redis import connection
    from scrapy_redis.queue import PriorityQueue

    from crawler.runtime.distributed import DUPEFILTER_KEY, QUEUE_KEY
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


def run(args: argparse.Namespace) -> int:
    from crawler.registry import RegistryError

    try:
        pushed = enqueue_sites(args.sites, args.site)
    except (RegistryError, RuntimeError) as exc:
        print(f"akhbar enqueue: {exc}", file=sys.stderr)
        return 2
    for site, count in pushed.items():
        print(f"{site}: {count} start requests queued")
    return 0
