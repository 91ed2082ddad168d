"""MongoDB sink: each article made storable and handed to the crawl's article writer.

The writing itself (bounded queue, batches, retries, the unsaved file) is the storage layer's:
`crawler/store/articles.py`; the run's `crawl_runs` record is an extension's
(`crawler.runtime.extensions.RunRecord`).
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError

from crawler.store import DatabaseUnavailable, Store
from crawler.store.articles import ArticleWriter
from crawler.store.documents import with_derived
from crawler.store.schema import redact_uri, sanitize

logger = logging.getLogger(__name__)


class MongoPipeline:
    """Last stage: stores articles in MongoDB."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = Store.of(crawler)
        self.writer: ArticleWriter | None = None

    @classmethod
    def from_crawler(cls, crawler) -> MongoPipeline:
        return cls(crawler)

    async def open_spider(self) -> None:
        try:
            self.writer = await self.store.open_articles()
        except (PyMongoError, DatabaseUnavailable) as exc:
            logger.error("Crawl not started, %s", exc)
            raise DatabaseUnavailable(str(exc)) from None
        logger.info(
            "Storing articles in %s/%s (run %s)",
            redact_uri(self.store.uri),
            self.store.database,
            self.store.run_id,
        )

    async def close_spider(self) -> None:
        if self.writer is not None:
            await self.writer.close()

    async def process_item(self, item: Any) -> Any:
        # A shallow copy is enough: sanitize rebuilds every dict and list it stores.
        cleaned = sanitize(dict(ItemAdapter(item)))
        if cleaned.changes:
            self.stats.inc_value("akhbar/mongo/sanitized_values", cleaned.changes)
        await self.writer.put(with_derived(cleaned.value))
        return item
