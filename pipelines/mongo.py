"""MongoDB sink: articles written in unordered bulks keyed by their canonical URL, and one
`crawl_runs` record per run.

Writes are batched (`MONGO_BATCH_SIZE`, `MONGO_FLUSH_INTERVAL`), retried with back-off on transient
errors, and never lost: a batch the database keeps refusing is written to a JSONL file instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bson import json_util
from bson.errors import InvalidDocument
from itemadapter import ItemAdapter
from pymongo import AsyncMongoClient, InsertOne, UpdateOne
from pymongo.errors import BulkWriteError, PyMongoError
from scrapy import signals

from crawler.corpus import derived_fields
from crawler.db import (
    ARTICLES,
    CRAWL_RUNS,
    async_client,
    ensure_indexes,
    redact_uri,
    safe_key,
    sanitize,
)
from crawler.items import TRANSIENT_FIELDS
from crawler.stats import FLAG_HELP, count, site_counts, site_flag
from crawler.urls import canonical_url

logger = logging.getLogger(__name__)

DUPLICATE_KEY = 11000
# Updates go out in bulks of at most this many: FerretDB 1.24 (SQLite) stalls on an `update`
# command of about a hundred statements; MongoDB does not care.
UPDATE_CHUNK = 50
# Write errors worth another attempt. A duplicate key on an upsert means two writers raced to
# insert the same url: the retry finds the document and updates it.
RETRYABLE_CODES = {11000, 91, 189, 262, 6, 7, 89, 9001, 10107, 11600, 11602, 13435, 13436}


class DatabaseUnavailable(RuntimeError):
    """MongoDB could not be reached when the crawl started."""


def from_alternate_page(doc: dict[str, Any]) -> bool:
    """True when the document was read off another URL than its canonical one (AMP, print, mobile)."""
    fetched = doc.get("fetched_url")
    return bool(fetched) and canonical_url(fetched) != doc["url"]


def new_document(doc: dict[str, Any]) -> dict[str, Any]:
    """The document to insert for an article not stored yet: keyed by its canonical URL."""
    stored = {k: v for k, v in doc.items() if k not in TRANSIENT_FIELDS}
    stored.update(derived_fields(doc))
    stored["alternate_urls"] = [u for u in doc.get("alternate_urls") or [] if u != doc["url"]]
    return {"_id": doc["url"], **stored}


def article_updates(doc: dict[str, Any]) -> list[UpdateOne]:
    """The updates for an article already stored under its canonical `url`.

    Alternate URLs accumulate. The canonical page's fields replace what is stored only when its
    content changed (another `content_hash`): a re-fetch of an unchanged article writes nothing,
    and a changed one gets `crawled_at` and `modified_at` (the page's, else the crawl time). A copy
    read off an alternate URL only fills a document that does not exist yet, so an AMP page never
    overwrites the full article.
    """
    skip = {"alternate_urls", "_id", *TRANSIENT_FIELDS}
    fields = {k: v for k, v in doc.items() if k not in skip}
    fields.update(derived_fields(doc))
    alternates = [u for u in doc.get("alternate_urls") or [] if u != doc["url"]]
    # The canonical URL is also the document's _id: a natural key every server looks up directly.
    ops = []
    if alternates:
        ops.append(
            UpdateOne({"_id": doc["url"]}, {"$addToSet": {"alternate_urls": {"$each": alternates}}})
        )
    if from_alternate_page(doc):
        ops.append(UpdateOne({"_id": doc["url"]}, {"$setOnInsert": fields}, upsert=True))
    elif doc.get("content_hash"):
        fields["modified_at"] = fields.get("modified_at") or fields.get("crawled_at")
        ops.append(
            UpdateOne(
                {"_id": doc["url"], "content_hash": {"$ne": doc["content_hash"]}}, {"$set": fields}
            )
        )
    else:
        ops.append(UpdateOne({"_id": doc["url"]}, {"$set": fields}, upsert=True))
    return ops


def merge_pending(older: dict[str, Any], newer: dict[str, Any]) -> dict[str, Any]:
    """Two versions of one url waiting in the same batch: one document, alternates added up.

    The newer version wins, unless it was read off an alternate URL and the older one was not.
    """
    keep_older = from_alternate_page(newer) and not from_alternate_page(older)
    merged = {**newer, **older} if keep_older else {**older, **newer}
    alternates = list(older.get("alternate_urls") or [])
    alternates += [u for u in newer.get("alternate_urls") or [] if u not in alternates]
    merged["alternate_urls"] = alternates
    return merged


class MongoPipeline:
    """Last stage: stores articles in MongoDB and records the run in `crawl_runs`."""

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.uri = settings.get("MONGO_URI")
        self.database = settings.get("MONGO_DATABASE")
        self.batch_size = max(1, settings.getint("MONGO_BATCH_SIZE"))
        self.flush_interval = settings.getfloat("MONGO_FLUSH_INTERVAL")
        self.retries = max(1, settings.getint("MONGO_RETRIES"))
        self.backoff = settings.getfloat("MONGO_RETRY_BACKOFF")
        self.timeout_ms = settings.getint("MONGO_TIMEOUT_MS")
        self.unsaved_dir = Path(settings.get("MONGO_UNSAVED_DIR"))
        # The scheduler names the run it starts, so it can tell a run that never began.
        self.run_id = settings.get("AKHBAR_RUN_ID") or uuid.uuid4().hex
        self.job = settings.get("AKHBAR_JOB") or None
        self.pending: dict[str, dict[str, Any]] = {}
        self.client: AsyncMongoClient | None = None
        self.started_at = datetime.now(UTC)
        self._stop = asyncio.Event()
        self._flusher: asyncio.Task | None = None

    @classmethod
    def from_crawler(cls, crawler) -> MongoPipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    # -- lifecycle ------------------------------------------------------------------------------

    async def open_spider(self) -> None:
        self.client = async_client(self.uri, self.timeout_ms, "akhbar")
        try:
            await self.client.admin.command("ping")
            db = self.client[self.database]
            await ensure_indexes(db)
            await db[CRAWL_RUNS].insert_one(self._run_start_document())
        except PyMongoError as exc:
            await self.client.close()
            self.client = None
            message = f"cannot reach MongoDB at {redact_uri(self.uri)}: {exc}"
            logger.error("Crawl not started, %s", message)
            raise DatabaseUnavailable(message) from None
        logger.info(
            "Storing articles in %s/%s (run %s)", redact_uri(self.uri), self.database, self.run_id
        )
        self._flusher = asyncio.ensure_future(self._flush_periodically())

    async def close_spider(self) -> None:
        self._stop.set()
        if self._flusher is not None:
            # Let a flush in progress finish rather than cancel it halfway through a bulk write.
            await self._flusher
        await self.flush()

    async def spider_closed(self, spider, reason: str) -> None:
        if self.client is None:
            return
        try:
            await self.client[self.database][CRAWL_RUNS].update_one(
                {"_id": self.run_id}, {"$set": self._run_end_document(reason)}
            )
        except PyMongoError as exc:
            logger.error("Could not record the crawl run %s: %s", self.run_id, exc)
        finally:
            await self.client.close()
            self.client = None

    # -- items ----------------------------------------------------------------------------------

    async def process_item(self, item: Any) -> Any:
        doc = ItemAdapter(item).asdict()
        cleaned = sanitize(doc)
        if cleaned.changes:
            self.stats.inc_value("akhbar/mongo/sanitized_values", cleaned.changes)
        doc = cleaned.value
        url = doc["url"]
        self.pending[url] = merge_pending(self.pending[url], doc) if url in self.pending else doc
        if len(self.pending) >= self.batch_size:
            await self.flush()
        return item

    async def _flush_periodically(self) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=self.flush_interval)
            except TimeoutError:
                await self.flush()

    async def flush(self) -> None:
        """Write every pending article; retry transient failures; keep what still fails on disk."""
        if not self.pending or self.client is None:
            return
        batch = list(self.pending.values())
        self.pending = {}
        collection = self.client[self.database][ARTICLES]
        for attempt in range(1, self.retries + 1):
            try:
                batch = await self._write(collection, batch)
            except (PyMongoError, InvalidDocument) as exc:
                # Network trouble and failover heal with time; anything else still ends up on
                # disk after the last attempt rather than lost.
                logger.warning(
                    "MongoDB write of %d articles failed (attempt %d/%d): %s",
                    len(batch),
                    attempt,
                    self.retries,
                    exc,
                )
            if not batch:
                return
            if attempt < self.retries:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
        self.stats.inc_value("akhbar/mongo/unsaved", len(batch))
        self._save_unsaved(batch, f"still failing after {self.retries} attempts")

    async def _write(self, collection, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One attempt at a batch: insert it, then update the articles that already exist.

        Most articles of a crawl are new, and a plain insert is the cheapest write on every
        server (FerretDB scans the collection for each upsert that inserts). Returns the
        documents worth retrying; documents the server rejects for good go to the unsaved file.
        """
        try:
            await collection.bulk_write(
                [InsertOne(new_document(doc)) for doc in batch], ordered=False
            )
            errors: list[dict[str, Any]] = []
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
        failed = {e["index"] for e in errors}
        for index, doc in enumerate(batch):
            if index not in failed:
                count(self.stats, "stored/new", site=doc.get("site"))
        if not errors:
            return []
        existing = [batch[e["index"]] for e in errors if e.get("code") == DUPLICATE_KEY]
        for doc in existing:
            # Already stored (updated below when its content changed, else left alone).
            count(self.stats, "stored/existing", site=doc.get("site"))
        retry = self._split_errors(batch, [e for e in errors if e.get("code") != DUPLICATE_KEY])
        ops: list[tuple[dict[str, Any], UpdateOne]] = [
            (doc, op) for doc in existing for op in article_updates(doc)
        ]
        for start in range(0, len(ops), UPDATE_CHUNK):
            chunk = ops[start : start + UPDATE_CHUNK]
            try:
                result = await collection.bulk_write([op for _, op in chunk], ordered=False)
                self._count_updates(result.bulk_api_result)
            except BulkWriteError as exc:
                self._count_updates(exc.details)
                failed = self._split_errors(
                    [doc for doc, _ in chunk], exc.details.get("writeErrors", [])
                )
                retry += [doc for doc in failed if doc not in retry]
        return retry

    def _split_errors(
        self, batch: list[dict[str, Any]], errors: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The documents of failed writes worth retrying; the others are kept on disk."""
        retry, rejected = [], []
        for error in errors:
            doc = batch[error["index"]]
            if error.get("code") in RETRYABLE_CODES:
                retry.append(doc)
            else:
                logger.error("MongoDB refused %s: %s", doc.get("url"), error.get("errmsg"))
                rejected.append(doc)
        if rejected:
            self.stats.inc_value("akhbar/drop/db_rejected", len(rejected))
            self._save_unsaved(rejected, "rejected by the database")
        return retry

    def _count_updates(self, result: dict[str, Any]) -> None:
        # Modified, not matched: a re-fetched article whose content did not change is not an update.
        self.stats.inc_value("akhbar/stored/new", result.get("nUpserted", 0))
        self.stats.inc_value("akhbar/stored/updated", result.get("nModified", 0))

    def _save_unsaved(self, docs: list[dict[str, Any]], why: str) -> None:
        """Append documents MongoDB would not take to a JSONL file (mongoimport-ready)."""
        self.unsaved_dir.mkdir(parents=True, exist_ok=True)
        path = self.unsaved_dir / f"akhbar-unsaved-{self.run_id}.jsonl"
        with path.open("a", encoding="utf-8") as handle:
            for doc in docs:
                handle.write(json_util.dumps(doc, ensure_ascii=False, default=str) + "\n")
        logger.error("%d articles not stored (%s); kept in %s", len(docs), why, path)

    # -- crawl_runs -----------------------------------------------------------------------------

    def _run_start_document(self) -> dict[str, Any]:
        spider = self.crawler.spider
        return {
            "_id": self.run_id,
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
