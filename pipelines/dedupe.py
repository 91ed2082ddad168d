"""Dedupe stage: `content_hash`, `story_id` and `duplicate_of`, and one document per article.

The same article under another URL of its site (exact or near copy) becomes an alternate URL of
the stored article; the same story on another site shares `story_id` and points at the story's
first article (`duplicate_of`), or is dropped in `DEDUPE_MODE=drop`. The decisions are made by
the storage layer's dedupe window (`crawler/store/dedupe.py`): in memory, committed in batches to
a log in MongoDB that orders the decisions of every worker, so they hold across runs and across
crawler processes writing at once.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError

from crawler.stats import count
from crawler.store import DatabaseUnavailable, Store
from crawler.store.dedupe import DedupeLog
from crawler.store.schema import redact_uri
from crawler.text.fingerprint import fingerprint, story_id_for

logger = logging.getLogger(__name__)


class DedupePipeline:
    """Fifth stage: exact and near-duplicate detection across sites, runs and workers."""

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self.mode = settings.get("DEDUPE_MODE").strip().lower()
        if self.mode not in ("link", "drop"):
            raise ValueError(f"DEDUPE_MODE must be 'link' or 'drop', not {self.mode!r}")
        self.store = Store.of(crawler)
        self.state: DedupeLog | None = None
        self._loading: asyncio.Task | None = None

    @classmethod
    def from_crawler(cls, crawler) -> DedupePipeline:
        return cls(crawler)

    async def open_spider(self) -> None:
        # The window loads while the first pages are fetched and extracted (100,000 articles take
        # seconds on FerretDB); the first article to reach this stage waits for it.
        self._loading = asyncio.ensure_future(self._load())

    async def _load(self) -> DedupeLog | None:
        try:
            self.state = await self.store.dedupe()
        except (PyMongoError, DatabaseUnavailable) as exc:
            # The sink fails the run when the database is down; here each article is its own story.
            logger.error("Dedupe off for this run (%s): %s", redact_uri(self.store.uri), exc)
        return self.state

    async def close_spider(self) -> None:
        if self._loading is not None:
            await self._loading
        if self.state is not None:
            await self.state.flush()
            self.stats.set_value("akhbar/dedupe/log_conflicts", self.state.conflicts)

    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url, site = adapter["url"], adapter.get("site") or ""
        found = fingerprint(adapter.get("body") or "")
        adapter["content_hash"] = found.content_hash
        try:
            state = self.state or await self._loading
            if state is None:
                raise DatabaseUnavailable("no dedupe state")
            decision = await state.decide(url, site, found)
        except (PyMongoError, DatabaseUnavailable, RuntimeError) as exc:
            # Never lose the article: stored as the first of its own story, the error counted.
            count(self.stats, "dedupe/error", site=site)
            logger.error("Dedupe failed for %s: %s", url, exc)
            decision = {"story_id": story_id_for(url), "first": url}
        adapter["story_id"] = decision["story_id"]
        first = decision["first"]
        adapter["duplicate_of"] = None if first == url else first
        alias = decision.get("alias_of")
        if alias and alias != url:
            count(self.stats, "duplicates/same_site", site=site)
            count(self.stats, "duplicates", site=site)
            # In drop mode only a story's first article is stored: a copy of a dropped copy
            # goes to the first one too.
            self._merge_into(adapter, first if self.mode == "drop" else alias)
        elif first != url:
            count(self.stats, "duplicates/syndicated", site=site)
            count(self.stats, "duplicates", site=site)
            if self.mode == "drop":
                count(self.stats, "drop/duplicate", site=site)
                self._merge_into(adapter, first)
        return item

    @staticmethod
    def _merge_into(adapter: ItemAdapter, target: str) -> None:
        """Make the item an alternate copy of the stored article `target`: the sink adds its URLs
        to that article's `alternate_urls` and changes nothing else of it."""
        url = adapter["url"]
        fetched = adapter.get("fetched_url") or url
        alternates = [url, *(adapter.get("alternate_urls") or [])]
        adapter["url"] = target
        adapter["alternate_urls"] = [u for u in dict.fromkeys(alternates) if u != target]
        # Read off another URL than the stored article's: the sink only fills a missing document.
        adapter["fetched_url"] = fetched if fetched != target else url
        adapter["duplicate_of"] = None
