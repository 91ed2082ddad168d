"""The `articles` collection: a bounded queue of articles written in batches by one background task,
and the index of stored URLs that incremental runs skip.

Articles are keyed by their canonical URL (`_id` = `url`). The sink puts each article on the queue
and goes on; the writer takes up to `batch_size` at a time (or what came within `flush_interval`),
inserts the new ones in one unordered bulk and updates the ones already stored. When the database
is slower than the crawl the queue fills and `put` waits, which holds the crawl back (Scrapy stops
taking responses while items are in the pipelines) instead of piling articles up in memory.
Transient errors are retried with back-off. What still fails to go in (an outage longer than the
wait, a stop during one) is appended to this run's unsaved file, fsynced, and written again from
there as soon as a later batch goes through, or by the next run; what the database refuses for
good (a document it calls invalid) goes to a rejected file for an operator. Nothing is dropped.

Each written batch also appends one document to `article_urls` (url, site, date and alternate URLs
of every article it stored), so the next run learns the stored URLs by reading that small log
instead of the whole `articles` collection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bson import json_util
from bson.errors import InvalidDocument
from pymongo import InsertOne, ReplaceOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, ConnectionFailure, PyMongoError
from pymongo.results import BulkWriteResult

from crawler.stats import count
from crawler.store.documents import (
    article_updates,
    merge_pending,
    new_document,
    url_entry,
    with_derived,
)

logger = logging.getLogger(__name__)

URL_LOG = "article_urls"
DUPLICATE_KEY = 11000
# Updates go out in bulks of at most this many: FerretDB 1.24 (SQLite) stalls on an `update`
# command of about a hundred statements; MongoDB does not care.
UPDATE_CHUNK = 50
# Write errors worth another attempt. A duplicate key on an upsert means two writers raced to
# insert the same url: the retry finds the document and updates it.
RETRYABLE_CODES = {11000, 91, 189, 262, 6, 7, 89, 9001, 10107, 11600, 11602, 13435, 13436}
MAX_BACKOFF = 10.0  # seconds between attempts at most, however long an outage lasts
URL_LOG_CHUNK = 5000  # entries per `article_urls` document when the log is built from `articles`


async def bulk_write(collection: AsyncCollection, ops: list, *, ordered: bool) -> BulkWriteResult:
    """`collection.bulk_write`, with one server quirk smoothed over: FerretDB 1.24 answers an
    update or replace it refuses without `nModified`, which pymongo cannot read (KeyError, the
    write errors lost). The operations are then sent one at a time, and the ones refused raised
    as the BulkWriteError MongoDB would have given."""
    try:
        return await collection.bulk_write(ops, ordered=ordered)
    except KeyError:
        pass
    details: dict[str, Any] = {"writeErrors": [], "nModified": 0, "nUpserted": 0}
    for index, op in enumerate(ops):
        try:
            result = (await collection.bulk_write([op])).bulk_api_result
        except (KeyError, BulkWriteError) as exc:
            error = {"code": 2, "errmsg": "refused by the server"}
            if isinstance(exc, BulkWriteError):
                error = exc.details["writeErrors"][0]
            details["writeErrors"].append({**error, "index": index})
            if ordered:
                break
            continue
        details["nModified"] += result.get("nModified", 0)
        details["nUpserted"] += result.get("nUpserted", 0)
    if details["writeErrors"]:
        raise BulkWriteError(details)
    return BulkWriteResult(details, acknowledged=True)


def _log_load_error(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.debug("Reading the stored URLs failed: %s", task.exception())


@dataclass
class StoredArticle:
    """A stored article as incremental runs see it."""

    url: str
    site: str | None
    date: datetime | None
    alternate_urls: list[str]


class ArticleWriter:
    """Writes articles in batches from a bounded queue; see the module docstring."""

    def __init__(
        self,
        collection: AsyncCollection,
        url_log: AsyncCollection,
        stats,
        *,
        unsaved_path: Path,
        batch_size: int = 100,
        flush_interval: float = 5.0,
        queue_size: int = 1000,
        retries: int = 5,
        backoff: float = 0.5,
        close_timeout: float = 30.0,
        outage_seconds: float = 120.0,
    ) -> None:
        self.collection = collection
        self.url_log = url_log
        self.stats = stats
        self.unsaved_path = unsaved_path
        self.batch_size = max(1, batch_size)
        self.flush_interval = flush_interval
        self.retries = max(1, retries)
        self.backoff = backoff
        self.close_timeout = close_timeout
        self.outage_seconds = outage_seconds
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=max(1, queue_size))
        self.known: set[str] = set()  # canonical URLs stored, as far as this run knows
        self._writer: asyncio.Task | None = None
        self._loading: asyncio.Task | None = None  # the stored URLs, read once
        self._inflight: asyncio.Future | None = None  # the batch the writer is writing
        self._gathering: list[dict[str, Any]] = []  # the batch the writer is filling
        self._inflight_docs: list[dict[str, Any]] = []
        self.stopping: Callable[[], bool] = lambda: False  # the crawl was asked to stop
        self._changes: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}  # see rewrite
        self.rewritten_queued = 0  # articles `rewrite` changed before they were written
        self._write_lock = asyncio.Lock()
        self._closed = False
        # Where the unsaved file holds articles this run has not written yet (byte ranges, in the
        # order they were spooled): written again after the next batch that goes through.
        self._spooled: list[tuple[int, int]] = []
        self.rejected_path = unsaved_path.with_name(
            unsaved_path.name.replace("unsaved", "rejected", 1)
        )

    # -- stored URLs ----------------------------------------------------------------------------

    async def stored_articles(self, sites: list[str]) -> list[StoredArticle]:
        """The stored articles of `sites` (every site when empty), from the URL log read at start."""
        entries = await self._start_loading()
        wanted = set(sites)
        return [
            StoredArticle(e["u"], e.get("s"), e.get("d"), e.get("a") or [])
            for e in entries.values()
            if not wanted or e.get("s") in wanted
        ]

    def _start_loading(self) -> asyncio.Task:
        if self._loading is None:
            self._loading = asyncio.ensure_future(self._load_stored())
            # Whoever asks for the stored URLs gets the error; when nobody does (the run ended
            # first), it is logged here instead of as an exception "never retrieved" at exit.
            self._loading.add_done_callback(_log_load_error)
        return self._loading

    async def _load_stored(self) -> dict[str, dict[str, Any]]:
        """Read the URL log once; a database written before the log existed has it built once
        from `articles`."""
        entries: dict[str, dict[str, Any]] = {}
        async for doc in self.url_log.find({}):
            for entry in doc.get("entries") or []:
                known = entries.get(entry["u"])
                if known is not None:
                    entry = {**entry, "a": list(dict.fromkeys(known["a"] + entry["a"]))}
                entries[entry["u"]] = entry
        if not entries and await self.collection.find_one({}, {"_id": 1}) is not None:
            entries = await self._build_url_log()
        self.known.update(entries)
        return entries

    async def _build_url_log(self) -> dict[str, dict[str, Any]]:
        logger.info("Indexing the stored article URLs once (the URL log is new)")
        entries = {}
        projection = {"url": 1, "site": 1, "published_at": 1, "crawled_at": 1, "alternate_urls": 1}
        foreign = 0
        async for doc in self.collection.find({}, projection):
            # `_id` is the URL; a document imported by other means may have another `_id` (an
            # ObjectId) and its URL only in `url`: still known, never a reason to stop.
            url = doc["_id"] if isinstance(doc["_id"], str) else doc.get("url")
            if not isinstance(url, str) or not url:
                foreign += 1
                continue
            entry = url_entry({**doc, "url": url})
            entries[entry["u"]] = entry
        if foreign:
            logger.warning("%d stored articles have neither a URL _id nor a url; ignored", foreign)
        values = list(entries.values())
        for start in range(0, len(values), URL_LOG_CHUNK):
            await self._log_urls(values[start : start + URL_LOG_CHUNK])
        logger.info("Indexed %d stored article URLs", len(values))
        return entries

    async def _log_urls(self, entries: list[dict[str, Any]]) -> None:
        if entries:
            await self.url_log.insert_one(
                {"_id": uuid.uuid4().hex, "at": datetime.now(UTC), "entries": entries}
            )

    # -- the queue ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start reading the stored URLs (while the other stages load their state) and the
        background writer."""
        self._start_loading()
        if self._writer is None:
            self._writer = asyncio.ensure_future(self._write_forever())

    async def put(self, doc: dict[str, Any]) -> None:
        """Queue an article; waits while the queue is full (backpressure), except once the crawl
        is stopping: then an article that finds no room goes to the unsaved file, so a stop never
        waits on a database that fell behind."""
        if self._closed:
            self._spool([doc], "the store was already closed")
            return
        if not self.queue.full():
            self.queue.put_nowait(doc)
            return
        self.stats.inc_value("akhbar/mongo/queue_full_waits")
        while True:
            try:
                await asyncio.wait_for(self.queue.put(doc), timeout=1.0)
                return
            except TimeoutError:
                if self.stopping():
                    self._spool([doc], "the crawl was stopped while the database was behind")
                    return

    async def flush(self) -> None:
        """Write everything queued now (and wait for a batch in progress)."""
        while not self.queue.empty():
            await self._write_batch(self._take(self.batch_size))
        if self._inflight is not None:
            with contextlib.suppress(Exception):
                await self._inflight

    async def close(self) -> None:
        """Stop the writer and write what is left, for at most `close_timeout` seconds in all;
        what is not written by then goes to the unsaved file."""
        self._closed = True
        deadline = time.monotonic() + self.close_timeout
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None
        if self._inflight is not None and not self._inflight.done():
            # The batch being written is finished, not abandoned, unless the database hangs.
            try:
                await asyncio.wait_for(asyncio.shield(self._inflight), self._left(deadline))
            except TimeoutError:
                self._inflight.cancel()
                self._spool(self._inflight_docs, "its write did not finish before the stop")
        batches = [self._gathering] if self._gathering else []
        self._gathering = []
        while not self.queue.empty():
            batches.append(self._take(self.batch_size))
        for index, batch in enumerate(batches):
            try:
                await asyncio.wait_for(self._write_batch(batch), self._left(deadline))
            except TimeoutError:
                left = [doc for rest in batches[index:] for doc in rest]
                why = f"not written within {self.close_timeout:.0f}s of the stop"
                self._spool(left, why)
                return
        if self._spooled and self._left(deadline) > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._replay_spooled(), self._left(deadline))
        if not self._spooled and self.unsaved_path.exists():
            # Everything this run spooled is in the database now: nothing for the next run.
            self.unsaved_path.rename(
                self.unsaved_path.with_name(self.unsaved_path.name + ".replayed")
            )

    @staticmethod
    def _left(deadline: float) -> float:
        return max(0.0, deadline - time.monotonic())

    def _spool(self, docs: list[dict[str, Any]], why: str) -> None:
        if docs:
            self.stats.inc_value("akhbar/mongo/unsaved", len(docs))
            documents = [new_document(doc) for doc in docs]
            self._spooled.append(self._save_unsaved(documents, why, self.unsaved_path))

    def _take(self, n: int) -> list[dict[str, Any]]:
        batch = []
        while len(batch) < n and not self.queue.empty():
            batch.append(self.queue.get_nowait())
        return batch

    async def _write_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            # Kept on the instance while gathered: a writer stopped now leaves it to `close`.
            self._gathering = batch = [await self.queue.get()]
            deadline = loop.time() + self.flush_interval
            while len(batch) < self.batch_size:
                batch += self._take(self.batch_size - len(batch))
                remaining = deadline - loop.time()
                if len(batch) >= self.batch_size or remaining <= 0:
                    break
                try:
                    batch.append(await asyncio.wait_for(self.queue.get(), remaining))
                except TimeoutError:
                    break
            self._gathering = []
            # Shielded: stopping the writer lets the batch in progress finish.
            self._inflight_docs = batch
            self._inflight = asyncio.ensure_future(self._write_batch(batch))
            await asyncio.shield(self._inflight)

    # -- writing --------------------------------------------------------------------------------

    async def _write_batch(self, docs: list[dict[str, Any]]) -> None:
        """Write a batch; retry transient failures; keep what still fails on disk."""
        if not docs:
            return
        pending: dict[str, dict[str, Any]] = {}
        for doc in docs:
            if self._changes:
                self._apply_changes(doc)
            url = doc["url"]
            pending[url] = merge_pending(pending[url], doc) if url in pending else doc
        batch = list(pending.values())
        async with self._write_lock:
            # At least `retries` attempts; while the server is unreachable, for as long as
            # `outage_seconds` (a restart, a failover): the queue fills meanwhile and the crawl
            # waits, and nothing is lost. A stop ends the wait; what is left goes to disk.
            outage_ends = time.monotonic() + self.outage_seconds
            attempt = 0
            while True:
                attempt += 1
                unreachable = False
                try:
                    batch = await self._write(batch)
                except (PyMongoError, InvalidDocument) as exc:
                    unreachable = isinstance(exc, ConnectionFailure)
                    logger.warning(
                        "MongoDB write of %d articles failed (attempt %d): %s",
                        len(batch), attempt, str(exc)[:300],
                    )  # fmt: skip
                if not batch:
                    if attempt > 1:
                        self.stats.inc_value("akhbar/mongo/recovered_batches")
                    if self._spooled and not self._closed:
                        await self._replay_spooled()  # the server answers again
                    return
                waiting = unreachable and time.monotonic() < outage_ends
                if self.stopping() or self._closed or (attempt >= self.retries and not waiting):
                    break
                await asyncio.sleep(min(self.backoff * 2 ** (attempt - 1), MAX_BACKOFF))
            self._spool(batch, f"still failing after {attempt} attempts")

    async def _write(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One attempt at a batch: insert the new articles, update the ones already stored.

        A plain insert is the cheapest write on every server (FerretDB scans the collection for
        each upsert that inserts). Returns the documents worth retrying; documents the server
        rejects for good go to the unsaved file.
        """
        new = [doc for doc in batch if doc["url"] not in self.known]
        existing = [doc for doc in batch if doc["url"] in self.known]
        errors: list[dict[str, Any]] = []
        if new:
            try:
                await self.collection.bulk_write(
                    [InsertOne(new_document(doc)) for doc in new], ordered=False
                )
            except BulkWriteError as exc:
                errors = exc.details.get("writeErrors", [])
        failed = {e["index"] for e in errors}
        stored = [doc for index, doc in enumerate(new) if index not in failed]
        for doc in stored:
            count(self.stats, "stored/new", site=doc.get("site"))
            self.known.add(doc["url"])
        existing += [new[e["index"]] for e in errors if e.get("code") == DUPLICATE_KEY]
        for doc in existing:
            # Already stored (updated below when its content changed, else left alone).
            count(self.stats, "stored/existing", site=doc.get("site"))
        retry = self._split_errors(new, [e for e in errors if e.get("code") != DUPLICATE_KEY])
        ops: list[tuple[dict[str, Any], UpdateOne]] = [
            (doc, op) for doc in existing for op in article_updates(doc)
        ]
        for start in range(0, len(ops), UPDATE_CHUNK):
            chunk = ops[start : start + UPDATE_CHUNK]
            try:
                result = await bulk_write(self.collection, [op for _, op in chunk], ordered=False)
                self._count_updates(result.bulk_api_result)
            except BulkWriteError as exc:
                self._count_updates(exc.details)
                failed_docs = self._split_errors(
                    [doc for doc, _ in chunk], exc.details.get("writeErrors", [])
                )
                retry += [doc for doc in failed_docs if all(doc is not r for r in retry)]
        retrying = {id(doc) for doc in retry}
        written = [doc for doc in stored + existing if id(doc) not in retrying]
        self.known.update(doc["url"] for doc in written)
        await self._log_urls([url_entry(doc) for doc in written])
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
            documents = [new_document(doc) for doc in rejected]
            self._save_unsaved(documents, "rejected by the database", self.rejected_path)
        return retry

    def _count_updates(self, result: dict[str, Any]) -> None:
        # Modified, not matched: a re-fetched article whose content did not change is not an update.
        self.stats.inc_value("akhbar/stored/new", result.get("nUpserted", 0))
        self.stats.inc_value("akhbar/stored/updated", result.get("nModified", 0))

    def _save_unsaved(
        self, documents: list[dict[str, Any]], why: str, path: Path
    ) -> tuple[int, int]:
        """Append `documents` (each exactly as it would have been inserted: `_id` = url, the query
        fields, no crawl-internal fields; see `new_document`) to `path` as JSON lines, so that
        `mongoimport --mode=upsert` puts them where the crawl would have; on disk (fsynced)
        before the crawl goes on. Returns the byte range written."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as handle:
            start = handle.tell()
            for document in documents:
                line = json_util.dumps(document, ensure_ascii=False, default=str)
                handle.write(line.encode("utf-8") + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
            end = handle.tell()
        logger.error("%d articles not stored (%s); kept in %s", len(documents), why, path)
        return start, end

    async def _replay_spooled(self) -> None:
        """Write again what this run spooled, in order, replaced by `_id` (an article spooled
        twice ends as its last version). Stops at the first failure; the rest waits for the next
        batch that goes through, the stop, or the next run."""
        while self._spooled:
            start, end = self._spooled[0]
            with self.unsaved_path.open("rb") as handle:
                handle.seek(start)
                lines = handle.read(end - start).decode("utf-8").splitlines()
            docs = [json_util.loads(line) for line in lines if line.strip()]
            try:
                await self._replace(docs)
            except PyMongoError as exc:
                logger.warning("Spooled articles not written yet: %s", str(exc)[:300])
                return
            self._spooled.pop(0)
            self.stats.inc_value("akhbar/mongo/unsaved_replayed", len(docs))
            logger.info("%d spooled articles written after all", len(docs))

    async def _replace(self, docs: list[dict[str, Any]]) -> None:
        """Put `docs` (documents as inserted) in place by `_id`, in order, and log their URLs.
        A document the server refuses for good goes to the rejected file."""
        for begin in range(0, len(docs), self.batch_size):
            chunk = docs[begin : begin + self.batch_size]
            ops = [ReplaceOne({"_id": d["_id"]}, d, upsert=True) for d in chunk]
            try:
                await bulk_write(self.collection, ops, ordered=True)
                written = chunk
            except BulkWriteError as exc:
                # Ordered: what precedes the first error went in; a refused document is set
                # aside and the rest tried again.
                error = exc.details["writeErrors"][0]
                if error.get("code") in RETRYABLE_CODES:
                    raise
                index = error["index"]
                written = chunk[:index]
                self.stats.inc_value("akhbar/drop/db_rejected")
                logger.error("MongoDB refused %s: %s", chunk[index]["_id"], error.get("errmsg"))
                self._save_unsaved([chunk[index]], "rejected by the database", self.rejected_path)
                await self._replace(chunk[index + 1 :])
            self.known.update(d["url"] for d in written)
            await self._log_urls([url_entry(d) for d in written])

    # -- what earlier runs could not write -------------------------------------------------------

    async def replay_unsaved(self) -> int:
        """Write the unsaved files other runs left beside this run's (an outage longer than the
        wait, a stop during one): each document replaced by `_id` in file order (idempotent: a
        file replayed twice, or by two crawls at once, gives the same result), its URL logged,
        and the file renamed `*.replayed`. A file that still cannot be written stays for the
        next run. Returns how many articles were written."""
        written = 0
        for path in sorted(self.unsaved_path.parent.glob("akhbar-unsaved-*.jsonl")):
            if path == self.unsaved_path:
                continue
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
                docs = [json_util.loads(line) for line in lines if line.strip()]
            except (OSError, ValueError) as exc:
                logger.error("Unsaved file %s cannot be read, left as it is: %s", path, exc)
                continue
            docs = [d for d in docs if isinstance(d.get("_id"), str) and d.get("url")]
            try:
                await self._replace(docs)
            except PyMongoError as exc:
                logger.warning("Unsaved file %s not replayed yet: %s", path, str(exc)[:300])
                continue
            with contextlib.suppress(FileNotFoundError):  # another crawl replayed it as well
                path.rename(path.with_name(path.name + ".replayed"))
            written += len(docs)
            logger.info("Replayed %d articles from %s", len(docs), path)
        if written:
            self.stats.inc_value("akhbar/mongo/replayed", written)
        return written

    # -- stored articles, read again ------------------------------------------------------------

    def rewrite(self, urls: list[str], change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Apply `change` (document -> fields to set, or {}) to the articles at `urls`: in memory to
        those not written yet, as they are written; to those written already by
        `rewrite_stored` at the end of the run (a read and an update by `_id` each: a scan of the
        collection on FerretDB, so the fewer the better)."""
        for url in urls:
            self._changes[url] = change

    def _apply_changes(self, doc: dict[str, Any]) -> None:
        change = self._changes.pop(doc["url"], None)
        if change is not None:
            update = change(doc)
            if update:
                doc.update(update)
                with_derived(doc)  # the query fields follow the new title and body
                self.rewritten_queued += 1

    async def rewrite_stored(self) -> int:
        """Apply the changes whose articles were written before the change was known. Returns
        how many stored articles changed."""
        changes, self._changes = self._changes, {}
        changed = 0
        for url, change in changes.items():
            article = await self.collection.find_one({"_id": url})
            update = change(article) if article else {}
            if update:
                result = await self.collection.update_one({"_id": url}, {"$set": update})
                changed += result.modified_count
        return changed
