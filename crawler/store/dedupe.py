"""Dedupe state: recent articles in memory, and one shared log in MongoDB that orders every
worker's decisions.

The per-article hot path asks no database question. At start the window of recent articles
(`DEDUPE_WINDOW_DAYS`, at most `DEDUPE_WINDOW_MAX_ARTICLES`) is read once into a `DedupeIndex`:
signatures in one numpy array, LSH band keys in a sorted array searched with `searchsorted`.
Decisions are made in memory and committed in batches to an append-only log:

- `dedupe_log`: one document per committed batch: the articles' url, site, content hash,
  signature and decision (story, first article, same-site alias). Written first, under a fresh
  `_id`; a document no claim points to is ignored.
- `dedupe_seq`: one tiny document per log position (`_id` = the zero-padded position), naming the
  `dedupe_log` document. Claiming a position is an insert of a new `_id`, atomic on every server.

A worker that has read positions 0..n-1 decides its batch against everything it knows and claims
position n. If the insert succeeds, no other worker committed in between, so the decisions were
made with full knowledge: there is exactly one first article per story, whatever the number of
workers. If position n is taken, the worker reads that entry (a read by `_id`, the rare path),
forgets its own provisional decisions, and decides the batch again. Alone, a worker spends two
inserts per batch; nobody ever waits for anybody.

Costs on FerretDB 1.24 (SQLite), which scans a table for any read, even by `_id`: the claims stay
tiny so a missed claim is cheap to look up, and the log is read in full only at start (100,000
articles: about 70 MB, a few seconds). On MongoDB every read is an index probe.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, DuplicateKeyError, PyMongoError

from crawler.store.dedupe_index import Article, Block, DedupeIndex
from crawler.text.fingerprint import (
    Fingerprint,
    signature_bytes,
    signature_from_bytes,
)

logger = logging.getLogger(__name__)

LOG = "dedupe_log"
SEQ = "dedupe_seq"
# Before the log (schema 2): one document per URL and one per decision. Read, never written.
LEGACY_DOCS = "dedupe_docs"
LEGACY_DECISIONS = "dedupe_decisions"
MAX_CONFLICTS = 100  # positions taken by other workers in a row before a batch gives up


def seq_id(position: int) -> str:
    """The `_id` of a log position: a string, which FerretDB looks up without decoding documents."""
    return f"{position:012d}"


class DedupeLog:
    """The dedupe state of one database: the in-memory window and the shared log behind it.

    `decide` is called once per article; articles are gathered into batches of `batch_size` (or
    whatever arrived within `batch_seconds`) and decided and committed together.
    """

    def __init__(
        self,
        db: AsyncDatabase,
        threshold: float,
        *,
        batch_size: int = 50,
        batch_seconds: float = 0.5,
        window_days: float = 90.0,
        window_max: int = 300_000,
        run_id: str | None = None,
        outage_seconds: float = 120.0,
    ) -> None:
        self.db = db
        self.index = DedupeIndex(threshold)
        self.batch_size = max(1, batch_size)
        self.batch_seconds = batch_seconds
        self.window_days = window_days
        self.window_max = window_max
        self.run_id = run_id or uuid.uuid4().hex
        self.next_position = 0
        self.conflicts = 0  # positions another worker took first (for stats and tests)
        self.outage_seconds = outage_seconds
        self.stopping = lambda: False  # the crawl was asked to stop (set by the store)
        self._pending: list[tuple[Article, asyncio.Future]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._commit_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()
        self._load_lock = asyncio.Lock()
        self._loaded = False

    # -- start-up -------------------------------------------------------------------------------

    async def load(self) -> None:
        """Read the window of decided articles and the log's length (once)."""
        async with self._load_lock:
            if self._loaded:
                return
            legacy = await self._legacy_records()
            claims = {doc["_id"]: doc["entry"] async for doc in self.db[SEQ].find({})}
            positions = sorted(int(p) for p in claims)
            self.next_position = positions[-1] + 1 if positions else 0
            wanted = {entry: int(p) for p, entry in claims.items()}
            cutoff = datetime.now(UTC) - timedelta(days=self.window_days)
            # Each entry is made compact as it arrives, so the raw documents never pile up.
            blocks = [(-1, Block.from_records(legacy))] if legacy else []
            async for doc in self.db[LOG].find({}):
                position, at = wanted.get(doc["_id"]), doc.get("at")
                if position is not None and (at is None or at >= cutoff):
                    blocks.append((position, Block.from_records(doc["articles"])))
            blocks.sort(key=lambda b: b[0])
            room = self.window_max  # the newest articles, in decision order
            kept = []
            for _, block in reversed(blocks):
                if room <= 0:
                    break
                kept.append(block if len(block.urls) <= room else block.tail(room))
                room -= len(kept[-1].urls)
            if kept:
                self.index.add_block(Block.concat(kept[::-1]))
            self._loaded = True
        logger.info(
            "Dedupe window: %d articles in memory (%.0f MB of arrays), log at position %d",
            len(self.index),
            self.index.nbytes / 2**20,
            self.next_position,
        )

    async def _legacy_records(self) -> list[dict[str, Any]]:
        """Articles decided before the log existed, in their original order."""
        names = set(await self.db.list_collection_names())
        if LEGACY_DOCS not in names:
            return []
        decisions = {d["_id"]: d async for d in self.db[LEGACY_DECISIONS].find({})}
        docs = [d async for d in self.db[LEGACY_DOCS].find({}) if d["_id"] in decisions]
        docs.sort(key=lambda d: d.get("order") or ObjectId("0" * 24))
        return [
            {"url": d["_id"], "site": d["site"], "hash": d["hash"], "sig": d["sig"]}
            | {k: decisions[d["_id"]].get(k) for k in ("story_id", "first", "alias_of")}
            for d in docs
        ]

    # -- deciding -------------------------------------------------------------------------------

    async def decide(self, url: str, site: str, found: Fingerprint) -> dict[str, Any]:
        """The decision for the article at canonical `url` (see `DedupeIndex.decide`), made once per
        URL: a URL decided before, by this run or any other worker, gets the same decision."""
        if not self._loaded:
            await self.load()
        future = asyncio.get_running_loop().create_future()
        self._pending.append((Article(url, site, found), future))
        if len(self._pending) >= self.batch_size:
            self._start_commit()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(
                self.batch_seconds, self._start_commit
            )
        return await future

    async def flush(self) -> None:
        """Commit whatever is waiting now, and wait for commits in progress."""
        await self._commit_pending()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _start_commit(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        task = asyncio.ensure_future(self._commit_pending())
        self._tasks.add(task)  # the loop keeps only a weak reference
        task.add_done_callback(self._tasks.discard)

    async def _commit_pending(self) -> None:
        async with self._commit_lock:
            batch, self._pending = self._pending, []
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not batch:
                return
            try:
                decisions = await self._commit_through_outage([article for article, _ in batch])
            except (PyMongoError, RuntimeError) as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                return
            for (_, future), decision in zip(batch, decisions, strict=True):
                if not future.done():
                    future.set_result(decision)

    async def _commit_through_outage(self, batch: list[Article]) -> list[dict[str, Any]]:
        """`_commit`, tried again while the server is unreachable, for `outage_seconds` at most
        and not past a stop: the articles wait for their decisions (the crawl slows down)
        instead of being stored without dedupe state."""
        outage_ends = time.monotonic() + self.outage_seconds
        delay = 0.5
        while True:
            try:
                return await self._commit(batch)
            except ConnectionFailure as exc:
                if self.stopping() or time.monotonic() >= outage_ends:
                    raise
                logger.warning("Dedupe log unreachable, trying again in %.0f s: %s",
                               delay, str(exc)[:200])  # fmt: skip
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def _commit(self, batch: list[Article]) -> list[dict[str, Any]]:
        """Decide a batch and claim the next log position for it; on a lost claim, read what the
        other worker committed there and decide again."""
        for _ in range(MAX_CONFLICTS):
            mark = len(self.index)
            decisions, records = [], []
            for article in batch:
                known = self.index.decision_of(article.url)
                if known is not None:
                    decisions.append(known)
                    continue
                decision = self.index.decide(article)
                self.index.add(article.url, article.site, article.found, decision)
                decisions.append({"_id": article.url, **decision})
                records.append(self._record(article, decision))
            if not records:
                return decisions
            entry = uuid.uuid4().hex
            try:
                await self.db[LOG].insert_one(
                    {"_id": entry, "run": self.run_id, "at": datetime.now(UTC), "articles": records}
                )
                await self.db[SEQ].insert_one({"_id": seq_id(self.next_position), "entry": entry})
            except DuplicateKeyError:
                self.index.truncate(mark)
                self.conflicts += 1
                await self._catch_up()
                continue
            except PyMongoError:
                self.index.truncate(mark)
                raise
            self.next_position += 1
            self.index.compact()
            return decisions
        raise RuntimeError(f"dedupe log: {MAX_CONFLICTS} positions in a row taken by others")

    async def _catch_up(self) -> None:
        """Read the log positions other workers committed since this worker last looked."""
        while True:
            claim = await self.db[SEQ].find_one({"_id": seq_id(self.next_position)})
            if claim is None:
                return
            entry = await self.db[LOG].find_one({"_id": claim["entry"]})
            for record in (entry or {}).get("articles", []):
                if self.index.decision_of(record["url"]) is None:
                    found = Fingerprint(record["hash"], signature_from_bytes(record["sig"]))
                    self.index.add(record["url"], record["site"], found, record)
            self.next_position += 1

    @staticmethod
    def _record(article: Article, decision: dict[str, Any]) -> dict[str, Any]:
        record = {
            "url": article.url,
            "site": article.site,
            "hash": article.found.content_hash,
            "sig": signature_bytes(article.found.signature),
            "story_id": decision["story_id"],
            "first": decision["first"],
        }
        for optional in ("alias_of", "similarity"):
            if decision.get(optional) is not None:
                record[optional] = decision[optional]
        return record
