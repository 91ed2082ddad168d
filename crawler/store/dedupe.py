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
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from crawler.text.fingerprint import (
    NUM_PERM,
    Fingerprint,
    band_matrix,
    estimated_jaccard,
    hash_key,
    signature_bytes,
    signature_from_bytes,
    story_id_for,
)

logger = logging.getLogger(__name__)

LOG = "dedupe_log"
SEQ = "dedupe_seq"
# Before the log (schema 2): one document per URL and one per decision. Read, never written.
LEGACY_DOCS = "dedupe_docs"
LEGACY_DECISIONS = "dedupe_decisions"
MAX_CONFLICTS = 100  # positions taken by other workers in a row before a batch gives up
DECISION_FIELDS = ("story_id", "first", "alias_of", "similarity")


def seq_id(position: int) -> str:
    """The `_id` of a log position: a string, which FerretDB looks up without decoding documents."""
    return f"{position:012d}"


@dataclass
class Article:
    """An article to decide: canonical URL, site and fingerprint."""

    url: str
    site: str
    found: Fingerprint


@dataclass
class Block:
    """Decided articles read from the log, in their order, as the index takes them."""

    urls: list[str]
    sites: list[str]
    hashes: np.ndarray  # `hash_key` of each content hash
    signatures: np.ndarray  # (n, NUM_PERM) uint32
    decisions: list[dict[str, Any] | None]

    @classmethod
    def from_records(cls, records: list[dict[str, Any]]) -> Block:
        """A block of log records (see `DedupeLog._record`)."""
        return cls(
            [r["url"] for r in records],
            [sys.intern(r["site"]) for r in records],
            np.array([hash_key(r["hash"]) for r in records], dtype=np.uint64),
            np.frombuffer(b"".join(r["sig"] for r in records), dtype="<u4").reshape(-1, NUM_PERM),
            [compact_decision(r["url"], r) for r in records],
        )

    @classmethod
    def concat(cls, blocks: list[Block]) -> Block:
        """One block of several, in order (the index sorts its keys once, not once per block)."""
        return cls(
            [u for b in blocks for u in b.urls],
            [s for b in blocks for s in b.sites],
            np.concatenate([b.hashes for b in blocks]),
            np.concatenate([b.signatures for b in blocks]),
            [d for b in blocks for d in b.decisions],
        )

    def tail(self, n: int) -> Block:
        """The last `n` articles of the block."""
        return Block(
            self.urls[-n:],
            self.sites[-n:],
            self.hashes[-n:],
            self.signatures[-n:],
            self.decisions[-n:],
        )


def compact_decision(url: str, decision: dict[str, Any]) -> dict[str, Any] | None:
    """None for the first article of its own story (most articles), else the decision's fields."""
    kept = {k: decision[k] for k in DECISION_FIELDS if decision.get(k) is not None}
    return None if kept == {"story_id": story_id_for(url), "first": url} else kept


class DedupeIndex:
    """Decided articles in memory: who they are, their signatures, and their LSH keys.

    About 1.3 KB per article: the URL, a pointer to the (interned) site, the content hash as one
    64-bit key, the signature (512 bytes), its 33 keys in a sorted numpy array (16 bytes each) and
    a decision only for articles that are not the first of their own story. Keys of articles
    added during the run go to a dict, merged into the array when it grows large.
    """

    MERGE_AT = 200_000  # dict keys before they are merged into the sorted array

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.urls: list[str] = []
        self.sites: list[str] = []
        self.decisions: list[dict[str, Any] | None] = []
        self.by_url: dict[str, int] = {}
        self.joined: dict[str, list[int]] = {}  # story -> members other than its first
        self.hashes = np.zeros(1024, dtype=np.uint64)
        self.signatures = np.zeros((1024, NUM_PERM), dtype=np.uint32)
        self.sorted_keys = np.zeros(0, dtype=np.uint64)
        self.sorted_owners = np.zeros(0, dtype=np.int64)
        self.recent_keys: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self.urls)

    def _decision(self, index: int) -> dict[str, Any]:
        compact = self.decisions[index]
        if compact is not None:
            return compact
        url = self.urls[index]
        return {"story_id": story_id_for(url), "first": url}

    def decision_of(self, url: str) -> dict[str, Any] | None:
        """The decision already made for a URL, if any."""
        index = self.by_url.get(url)
        return None if index is None else {"_id": url, **self._decision(index)}

    def decide(self, article: Article) -> dict[str, Any]:
        """The decision for an article not in the index: `story_id`, `first`, and `alias_of` (the
        stored article it is a same-site copy of) and `similarity` when it joins a story."""
        found = article.found
        digest = np.uint64(hash_key(found.content_hash))
        confirmed: dict[int, float] = {}
        for i in self._candidates(self.keys_of(found)):
            if self.hashes[i] == digest:
                similarity = 1.0
            else:
                similarity = estimated_jaccard(found.signature, self.signatures[i])
            if similarity >= self.threshold:
                confirmed[i] = similarity
        if not confirmed:
            return {"story_id": story_id_for(article.url), "first": article.url}

        def rank(i: int) -> tuple[float, int]:  # most similar, then earliest
            return confirmed[i], -i

        same_site = [i for i in confirmed if self.sites[i] == article.site]
        best = max(same_site or confirmed, key=rank)
        decision = self._decision(best)
        outcome = {
            "story_id": decision["story_id"],
            "first": decision["first"],
            "similarity": round(confirmed[best], 3),
        }
        if same_site:
            outcome["alias_of"] = decision.get("alias_of") or self.urls[best]
            return outcome
        # The story may hold a copy on this site whose keys other sites' copies own: look there too.
        alias = self._same_site_member(decision, article.site, found.signature)
        if alias:
            outcome["alias_of"] = alias
        return outcome

    def _same_site_member(
        self, decision: dict[str, Any], site: str, signature: np.ndarray
    ) -> str | None:
        first = self.by_url.get(decision["first"])
        members = ([] if first is None else [first]) + self.joined.get(decision["story_id"], [])
        best, best_similarity = None, self.threshold
        for i in members:
            if self.sites[i] != site or self._decision(i).get("alias_of"):
                continue
            similarity = estimated_jaccard(signature, self.signatures[i])
            if similarity >= best_similarity:
                best, best_similarity = self.urls[i], similarity
        return best

    @staticmethod
    def keys_of(found: Fingerprint) -> np.ndarray:
        """The article's 33 keys: its band keys and its content hash."""
        keys = band_matrix(found.signature[None, :])[0]
        return np.append(keys, np.uint64(hash_key(found.content_hash)))

    def _candidates(self, keys: np.ndarray) -> set[int]:
        found: set[int] = set()
        if len(self.sorted_keys):
            left = np.searchsorted(self.sorted_keys, keys, side="left")
            right = np.searchsorted(self.sorted_keys, keys, side="right")
            for lo, hi in zip(left.tolist(), right.tolist(), strict=True):
                found.update(self.sorted_owners[lo:hi].tolist())
        for key in keys.tolist():
            found.update(self.recent_keys.get(key, ()))
        return found

    def add(self, url: str, site: str, found: Fingerprint, decision: dict[str, Any]) -> None:
        """Remember a decided article (keys go to the recent dict)."""
        index = len(self.urls)
        self._reserve(index + 1)
        self.hashes[index] = hash_key(found.content_hash)
        self.signatures[index] = found.signature
        self._append(url, sys.intern(site), compact_decision(url, decision))
        for key in self.keys_of(found).tolist():
            self.recent_keys.setdefault(key, []).append(index)

    def add_block(self, block: Block) -> None:
        """Remember many decided articles at once (start-up): keys go straight to the sorted array."""
        if not block.urls:
            return
        start, n = len(self.urls), len(block.urls)
        self._reserve(start + n)
        self.hashes[start : start + n] = block.hashes
        self.signatures[start : start + n] = block.signatures
        for url, site, decision in zip(block.urls, block.sites, block.decisions, strict=True):
            self._append(url, site, decision)
        keys = np.concatenate([band_matrix(block.signatures), block.hashes[:, None]], axis=1)
        owners = np.repeat(np.arange(start, start + n, dtype=np.int64), keys.shape[1])
        self._merge(keys.ravel(), owners)

    def compact(self) -> None:
        """Merge the recent keys into the sorted array once they are many (never while a batch is
        provisional: `truncate` can only forget recent keys)."""
        if len(self.recent_keys) >= self.MERGE_AT:
            self._merge_recent()

    def truncate(self, size: int) -> None:
        """Forget every article added after the first `size` (provisional decisions of a batch
        that lost its log position); only articles in the recent dict can be forgotten."""
        for index in range(len(self.urls) - 1, size - 1, -1):
            url = self.urls.pop()
            self.sites.pop()
            decision = self.decisions.pop()
            if self.by_url.get(url) == index:
                del self.by_url[url]
            if decision is not None:
                members = self.joined.get(decision["story_id"], [])
                if members and members[-1] == index:
                    members.pop()
                    if not members:
                        del self.joined[decision["story_id"]]
        for key in list(self.recent_keys):
            owners = [i for i in self.recent_keys[key] if i < size]
            if owners:
                self.recent_keys[key] = owners
            else:
                del self.recent_keys[key]

    def _reserve(self, size: int) -> None:
        if size <= len(self.signatures):
            return
        capacity = max(size, 2 * len(self.signatures))
        signatures = np.zeros((capacity, NUM_PERM), dtype=np.uint32)
        signatures[: len(self.urls)] = self.signatures[: len(self.urls)]
        hashes = np.zeros(capacity, dtype=np.uint64)
        hashes[: len(self.urls)] = self.hashes[: len(self.urls)]
        self.signatures, self.hashes = signatures, hashes

    def _append(self, url: str, site: str, decision: dict[str, Any] | None) -> None:
        index = len(self.urls)
        self.urls.append(url)
        self.sites.append(site)
        self.decisions.append(decision)
        self.by_url.setdefault(url, index)
        if decision is not None:
            self.joined.setdefault(decision["story_id"], []).append(index)

    def _merge_recent(self) -> None:
        keys = [k for k, owners in self.recent_keys.items() for _ in owners]
        owners = [i for owners in self.recent_keys.values() for i in owners]
        self.recent_keys = {}
        self._merge(np.array(keys, dtype=np.uint64), np.array(owners, dtype=np.int64))

    def _merge(self, keys: np.ndarray, owners: np.ndarray) -> None:
        keys = np.concatenate([self.sorted_keys, keys])
        owners = np.concatenate([self.sorted_owners, owners])
        order = np.argsort(keys, kind="stable")
        self.sorted_keys, self.sorted_owners = keys[order], owners[order]

    @property
    def nbytes(self) -> int:
        """Bytes held by the numpy parts of the index (signatures, hashes and sorted keys)."""
        n = len(self.urls)
        return (
            self.signatures[:n].nbytes
            + self.hashes[:n].nbytes
            + self.sorted_keys.nbytes
            + self.sorted_owners.nbytes
        )


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
                decisions = await self._commit([article for article, _ in batch])
            except (PyMongoError, RuntimeError) as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                return
            for (_, future), decision in zip(batch, decisions, strict=True):
                if not future.done():
                    future.set_result(decision)

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
