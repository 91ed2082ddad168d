"""Dedupe stage: `content_hash`, `story_id` and `duplicate_of`, and one document per article.

The same article under another URL of its site (exact or near copy) becomes an alternate URL of
the stored article; the same story on another site shares `story_id` and points at the story's
first article (`duplicate_of`), or is dropped in `DEDUPE_MODE=drop`. State lives in MongoDB and is
written insert-only, so it holds across runs and across crawler processes writing at once.

How concurrent workers agree (collections, all keyed by `_id`):
- `dedupe_docs`: one per URL: site, content hash, MinHash signature, and an ObjectId giving every
  article a total order all workers see alike. Written before anything else.
- `dedupe_keys`: one per content hash and LSH band key; the first insert owns it. An article whose
  keys were all new has no candidates and is the first of its story.
- `dedupe_decisions`: the outcome per URL (story, first, same-site alias), written once.
- `dedupe_waits`: "U|V" while U waits for candidate V's decision. Two pending articles that see
  each other (each owns a key the other wanted) are told apart by their order: the earlier one
  becomes first, the later one waits for it. A worker never waits for a later article that waits
  for it, so there is no deadlock, and there is exactly one first per story.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from bson import ObjectId
from itemadapter import ItemAdapter
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError, PyMongoError

from crawler.db import async_client, redact_uri
from crawler.dedupe import (
    Fingerprint,
    band_keys,
    estimated_jaccard,
    fingerprint,
    signature_bytes,
    signature_from_bytes,
    story_id_for,
)
from crawler.stats import count

logger = logging.getLogger(__name__)

DOCS = "dedupe_docs"
KEYS = "dedupe_keys"
DECISIONS = "dedupe_decisions"
WAITS = "dedupe_waits"
POLL_SECONDS = 0.05


class DedupeState:
    """The dedupe collections of one database, and the decision procedure over them."""

    def __init__(self, db: AsyncDatabase, threshold: float, wait_seconds: float) -> None:
        self.db = db
        self.threshold = threshold
        self.wait_seconds = wait_seconds

    async def decide(
        self, url: str, site: str, body: str, found: Fingerprint | None = None
    ) -> dict[str, Any]:
        """The decision for the article at canonical `url`: `story_id`, `first` (url of the story's
        first article), `alias_of` (the stored article this URL is a copy of, same site) and
        `similarity`. Decided once per URL; later calls return the same decision."""
        found = found or fingerprint(body)
        digest, signature = found.content_hash, found.signature
        order = ObjectId()
        try:
            await self.db[DOCS].insert_one(
                {
                    "_id": url,
                    "site": site,
                    "hash": digest,
                    "sig": signature_bytes(signature),
                    "order": order,
                }
            )
        except DuplicateKeyError:
            # Seen before (an earlier run, or another worker right now): its decision stands.
            decision = await self._wait_for_decision(url)
            if decision is not None:
                return decision
            mine = await self.db[DOCS].find_one({"_id": url})
            order = mine["order"] if mine else order
        keys = [f"h:{digest}", *band_keys(signature)]
        owners = await self._claim(keys, url)
        candidates = await self._confirmed(url, digest, signature, owners)
        if not candidates:
            return await self._record(url, {"story_id": story_id_for(url), "first": url})
        return await self._resolve(url, site, order, signature, candidates)

    async def _claim(self, keys: list[str], url: str) -> dict[str, str]:
        """Insert the article's keys; the owners of those someone else claimed first."""
        try:
            await self.db[KEYS].insert_many(
                [{"_id": key, "url": url} for key in keys], ordered=False
            )
            return {}
        except BulkWriteError as exc:
            taken = [
                e["op"]["_id"] for e in exc.details.get("writeErrors", []) if e.get("code") == 11000
            ]
            if len(taken) != len(exc.details.get("writeErrors", [])):
                raise
        return {
            doc["_id"]: doc["url"]
            async for doc in self.db[KEYS].find({"_id": {"$in": taken}})
            if doc["url"] != url
        }

    async def _confirmed(
        self, url: str, digest: str, signature, owners: dict[str, str]
    ) -> dict[str, tuple[float, dict[str, Any]]]:
        """Candidates whose estimated similarity reaches the threshold: url -> (similarity, doc)."""
        urls = sorted(set(owners.values()))
        if not urls:
            return {}
        confirmed = {}
        async for doc in self.db[DOCS].find({"_id": {"$in": urls}}):
            if doc["hash"] == digest:
                similarity = 1.0
            else:
                similarity = estimated_jaccard(signature, signature_from_bytes(doc["sig"]))
            if similarity >= self.threshold:
                confirmed[doc["_id"]] = (similarity, doc)
        return confirmed

    async def _resolve(
        self,
        url: str,
        site: str,
        order: ObjectId,
        signature,
        candidates: dict[str, tuple[float, dict]],
    ) -> dict[str, Any]:
        pending = dict(candidates)
        waiting: set[str] = set()
        deadline = asyncio.get_running_loop().time() + self.wait_seconds
        while True:
            decisions = {
                doc["_id"]: doc
                async for doc in self.db[DECISIONS].find({"_id": {"$in": sorted(pending)}})
            }
            if decisions:
                return await self._record(
                    url, await self._follow(url, site, signature, pending, decisions)
                )
            for other in sorted(set(pending) - waiting):
                await self._insert_ignoring_duplicates(WAITS, {"_id": f"{url}|{other}"})
                waiting.add(other)
            # A candidate that waits for this article and comes later in the order waits for us.
            mutual = {
                doc["_id"].split("|", 1)[0]
                async for doc in self.db[WAITS].find(
                    {"_id": {"$in": [f"{other}|{url}" for other in pending]}}
                )
            }
            for other in mutual:
                if order < pending[other][1]["order"]:
                    del pending[other]
            if not pending:
                return await self._record(url, {"story_id": story_id_for(url), "first": url})
            if asyncio.get_running_loop().time() > deadline:
                # A worker that died mid-decision: this article starts its own story.
                logger.warning(
                    "Dedupe: gave up waiting for %s; %s starts a story", sorted(pending), url
                )
                return await self._record(url, {"story_id": story_id_for(url), "first": url})
            await asyncio.sleep(POLL_SECONDS)

    async def _follow(
        self,
        url: str,
        site: str,
        signature,
        candidates: dict[str, tuple[float, dict]],
        decisions: dict[str, dict],
    ) -> dict[str, Any]:
        """Join the story of the decided candidates: as an alias of a same-site copy when there is
        one (the same article under another URL), else as a later article of the story."""

        def rank(u: str) -> tuple[float, float]:  # most similar, then earliest
            return candidates[u][0], -candidates[u][1]["order"].generation_time.timestamp()

        same_site = [u for u in decisions if candidates[u][1]["site"] == site]
        best = max(same_site or decisions, key=rank)
        decision = decisions[best]
        outcome = {
            "story_id": decision["story_id"],
            "first": decision["first"],
            "similarity": round(candidates[best][0], 3),
        }
        if same_site:
            outcome["alias_of"] = decision.get("alias_of") or best
            return outcome
        # The story may hold a copy on this site whose keys other sites' copies own: look there too.
        alias = await self._same_site_member(decision["story_id"], site, signature)
        if alias:
            outcome["alias_of"] = alias
        return outcome

    async def _same_site_member(self, story_id: str, site: str, signature) -> str | None:
        members = [
            doc["_id"]
            async for doc in self.db[DECISIONS].find(
                {"story_id": story_id, "alias_of": None}, {"_id": 1}
            )
        ]
        if not members:
            return None
        best, best_similarity = None, self.threshold
        async for doc in self.db[DOCS].find({"_id": {"$in": members}, "site": site}):
            similarity = estimated_jaccard(signature, signature_from_bytes(doc["sig"]))
            if similarity >= best_similarity:
                best, best_similarity = doc["_id"], similarity
        return best

    async def _record(self, url: str, decision: dict[str, Any]) -> dict[str, Any]:
        """Write the decision once; if another worker wrote one first, theirs stands."""
        try:
            await self.db[DECISIONS].insert_one({"_id": url, **decision})
            return {"_id": url, **decision}
        except DuplicateKeyError:
            return await self.db[DECISIONS].find_one({"_id": url})

    async def _wait_for_decision(self, url: str) -> dict[str, Any] | None:
        deadline = asyncio.get_running_loop().time() + self.wait_seconds
        while True:
            decision = await self.db[DECISIONS].find_one({"_id": url})
            if decision is not None or asyncio.get_running_loop().time() > deadline:
                return decision
            await asyncio.sleep(POLL_SECONDS)

    async def _insert_ignoring_duplicates(self, collection: str, doc: dict[str, Any]) -> None:
        with contextlib.suppress(DuplicateKeyError):
            await self.db[collection].insert_one(doc)


class DedupePipeline:
    """Fifth stage: exact and near-duplicate detection across sites, runs and workers."""

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self.mode = settings.get("DEDUPE_MODE").strip().lower()
        if self.mode not in ("link", "drop"):
            raise ValueError(f"DEDUPE_MODE must be 'link' or 'drop', not {self.mode!r}")
        self.threshold = settings.getfloat("DEDUPE_THRESHOLD")
        self.wait_seconds = settings.getfloat("DEDUPE_WAIT_SECONDS")
        self.uri = settings.get("MONGO_URI")
        self.database = settings.get("MONGO_DATABASE")
        self.timeout_ms = settings.getint("MONGO_TIMEOUT_MS")
        self.client: AsyncMongoClient | None = None
        self.state: DedupeState | None = None
        # One decision at a time in this process: workers in other processes are handled by the
        # protocol of the module docstring; within a process a lock is simpler and as fast.
        self.lock = asyncio.Lock()

    @classmethod
    def from_crawler(cls, crawler) -> DedupePipeline:
        return cls(crawler)

    async def open_spider(self) -> None:
        self.client = async_client(self.uri, self.timeout_ms, "akhbar-dedupe")
        db = self.client[self.database]
        self.state = DedupeState(db, self.threshold, self.wait_seconds)
        try:
            # Story members, for finding a same-site copy among a story's articles.
            await db[DECISIONS].create_index([("story_id", 1)], name="story_id")
        except PyMongoError as exc:
            logger.warning("Dedupe: could not create the story_id index: %s", exc)

    async def close_spider(self) -> None:
        if self.client is not None:
            await self.client.close()

    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url, site = adapter["url"], adapter.get("site") or ""
        body = adapter.get("body") or ""
        found = fingerprint(body)
        adapter["content_hash"] = found.content_hash
        try:
            async with self.lock:
                decision = await self.state.decide(url, site, body, found)
        except PyMongoError as exc:
            # Never lose the article: stored as the first of its own story, the error counted.
            count(self.stats, "dedupe/error", site=site)
            logger.error("Dedupe failed for %s (%s): %s", url, redact_uri(self.uri), exc)
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
