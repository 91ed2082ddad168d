"""MongoDB sink: each article handed to the crawl's article writer, and one `crawl_runs` record per
run.

The writing itself (bounded queue, batches, retries, the unsaved file) is the storage layer's:
`crawler/store/articles.py`. This stage makes documents storable and records the run.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime
from typing import Any

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError

from crawler.runtime.stats import FLAG_HELP, site_counts, site_flag
from crawler.store import DatabaseUnavailable, Store
from crawler.store.articles import ArticleWriter, with_derived
from crawler.store.schema import redact_uri, safe_key, sanitize

logger = logging.getLogger(__name__)

RUN_RECORD_ORDER = 900  # the last closing step: it reports what the others did


class MongoPipeline:
    """Last stage: stores articles in MongoDB and records the run in `crawl_runs`."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = Store.of(crawler)
        self.writer: ArticleWriter | None = None
        self.job = crawler.settings.get("AKHBAR_JOB") or None
        self.started_at = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler) -> MongoPipeline:
        return cls(crawler)

    @property
    def run_id(self) -> str:
        return self.store.run_id

    async def open_spider(self) -> None:
        try:
            self.writer = await self.store.open_articles()
            await self.store.record_run_start(self._run_start_document())
        except (PyMongoError, DatabaseUnavailable) as exc:
            logger.error("Crawl not started, %s", exc)
            raise DatabaseUnavailable(str(exc)) from None
        self.store.on_close(RUN_RECORD_ORDER, self._record_run_end)
        logger.info(
            "Storing articles in %s/%s (run %s)",
            redact_uri(self.store.uri),
            self.store.database,
            self.run_id,
        )

    async def close_spider(self) -> None:
        if self.writer is not None:
            await self.writer.close()

    async def process_item(self, item: Any) -> Any:
        doc = ItemAdapter(item).asdict()
        cleaned = sanitize(doc)
        if cleaned.changes:
            self.stats.inc_value("akhbar/mongo/sanitized_values", cleaned.changes)
        await self.writer.put(with_derived(cleaned.value))
        return item

    async def _record_run_end(self, reason: str) -> None:
        try:
            await self.store.record_run_end(self._run_end_document(reason))
        except PyMongoError as exc:
            logger.error("Could not record the crawl run %s: %s", self.run_id, exc)

    # -- crawl_runs -----------------------------------------------------------------------------

    def _run_start_document(self) -> dict[str, Any]:
        spider = self.crawler.spider
        return {
            "spider": spider.name,
            "sites": [s.name for s in getattr(spider, "sites", [])],
            "started_at": self.started_at,
            "status": "running",
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "job": self.job,
        }

    def _run_end_document(self, reason: str) -> dict[str, Any]:
        stats = self.stats.get_stats()
        finished = datetime.now(UTC)

        def group(prefix: str) -> dict[str, int]:
            return {safe_key(k[len(prefix) :]): v for k, v in stats.items() if k.startswith(prefix)}

        drops = group("akhbar/drop/")
        fetch_errors = group("akhbar/fetch_error/")
        counts = {
            "pages": stats.get("akhbar/pages/fetched", 0),
            "articles_found": stats.get("akhbar/pages/article", 0),
            "items_scraped": stats.get("item_scraped_count", 0),
            "stored_new": stats.get("akhbar/stored/new", 0),
            "stored_updated": stats.get("akhbar/stored/updated", 0),
            "duplicates": stats.get("akhbar/duplicates", 0),
            "dropped": sum(drops.values()),
            "unsaved": stats.get("akhbar/mongo/unsaved", 0),
            "errors": sum(fetch_errors.values()) + stats.get("log_count/ERROR", 0),
        }
        flags = {}
        spider = self.crawler.spider
        # A distributed worker sees only its share of each site: no verdict on the site from it.
        for site in [] if getattr(spider, "distributed", False) else getattr(spider, "sites", []):
            flag = site_flag(site_counts(stats, site.name))
            if flag:
                flags[safe_key(site.name)] = flag
                log = logger.info if flag == "nothing_new" else logger.warning
                log("Site %s flagged: %s (%s)", site.name, flag, FLAG_HELP[flag])
        return {
            "finished_at": finished,
            "duration_s": round((finished - self.started_at).total_seconds(), 3),
            "status": reason,
            "counts": counts,
            "flags": flags,
            "drops": drops,
            "fetch_errors": fetch_errors,
            "stats": sanitize(
                {k: v for k, v in stats.items() if not isinstance(v, datetime)}
            ).value,
        }
