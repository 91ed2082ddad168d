"""Clean stage: body, title, authors, tags and dates made clean, and site boilerplate learned.

Every article goes through `crawler.cleaning.clean_article`. Lines that recur across many articles
of a site are learned in the `boilerplate` collection, so the knowledge holds across runs and
workers; articles stored before a line was learned are cleaned again when the run ends.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from itemadapter import ItemAdapter
from pymongo import AsyncMongoClient, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.exceptions import DropItem

from crawler.boilerplate import form_key, should_learn, strip_boilerplate
from crawler.cleaning import SiteKnowledge, clean_article
from crawler.db import ARTICLES, BOILERPLATE, async_client, redact_uri
from crawler.dedupe import content_hash
from crawler.extract.titles import clean_title, site_names
from crawler.normalize import matching_form, storage_paragraphs
from crawler.stats import count

logger = logging.getLogger(__name__)

# Article URLs kept per candidate line: enough to clean again the articles stored before the line
# was learned, bounded so a line that recurs forever does not grow its document forever.
URL_CAP = 100
UPDATE_CHUNK = 50  # FerretDB stalls on update commands of about a hundred statements


class CleanDrop(DropItem):
    """An article whose body is empty or too short once its boilerplate is gone."""

    def __init__(self, reason: str, url: str | None) -> None:
        super().__init__(f"{reason}: {url}")
        self.reason = reason


@dataclass
class Candidate:
    """A line (or headline affix) of one site seen in this run, not yet written to the database."""

    site: str
    kind: str
    text: str
    form: str
    urls: set[str] = field(default_factory=set)


def candidate_id(site: str, kind: str, form: str) -> str:
    """The `_id` of a candidate in the `boilerplate` collection."""
    return f"{site}|{kind}|{form_key(form)}"


class BoilerplateMemory:
    """Per-site boilerplate knowledge, learned in MongoDB and cached for the run.

    A candidate document counts the distinct articles a line appeared in (`urls`, capped) and the
    site's article count when the line first appeared (`base`); with the site's running article
    count (a `<site>|articles` document), that gives the share of the site's articles carrying it.
    Learning is an atomic `learned: false -> true` update, so concurrent workers agree.
    """

    def __init__(self, collection: AsyncCollection, min_articles: int, min_share: float) -> None:
        self.collection = collection
        self.min_articles = min_articles
        self.min_share = min_share
        self.knowledge: dict[str, SiteKnowledge] = defaultdict(SiteKnowledge)
        self.pending: dict[str, Candidate] = {}
        self.pending_articles: Counter[str] = Counter()
        self.lock = asyncio.Lock()

    def site(self, name: str) -> SiteKnowledge:
        """What is known of a site's boilerplate."""
        return self.knowledge[name]

    def observe(
        self, site: str, url: str, lines: list[str], affixes: list[tuple[str, str]]
    ) -> None:
        """Remember one article's candidate lines until the next flush."""
        self.pending_articles[site] += 1
        for kind, text in [("line", line) for line in lines] + affixes:
            form = matching_form(text)
            key = candidate_id(site, kind, form)
            candidate = self.pending.setdefault(key, Candidate(site, kind, text, form))
            candidate.urls.add(url)

    @property
    def pending_count(self) -> int:
        """Articles observed since the last flush."""
        return sum(self.pending_articles.values())

    async def load(self) -> None:
        """Read every learned line (a few per site) into the cache."""
        async for doc in self.collection.find({"learned": True}, {"site": 1, "kind": 1, "form": 1}):
            self._remember(doc)

    def _remember(self, doc: dict[str, Any]) -> None:
        knowledge = self.knowledge[doc["site"]]
        if doc["kind"] == "line":
            knowledge.line_keys.add(form_key(doc["form"]))
        else:
            knowledge.title_affixes.add(doc["form"])

    async def flush(self) -> list[dict[str, Any]]:
        """Write the pending observations, learn what crossed the threshold; the new lines learned."""
        async with self.lock:
            if not self.pending_articles:
                return []
            pending, self.pending = self.pending, {}
            per_site, self.pending_articles = self.pending_articles, Counter()
            return await self._flush(pending, per_site)

    async def _flush(self, pending: dict[str, Candidate], per_site: Counter[str]) -> list[dict]:
        now = datetime.now(UTC)
        counters = [
            UpdateOne(
                {"_id": f"{site}|articles"},
                {"$inc": {"n": n}, "$setOnInsert": {"site": site, "kind": "articles"}},
                upsert=True,
            )
            for site, n in per_site.items()
        ]
        await self._bulk(counters)
        totals = {
            doc["site"]: doc["n"]
            async for doc in self.collection.find(
                {"_id": {"$in": [f"{site}|articles" for site in per_site]}}
            )
        }
        ops: list[UpdateOne] = []
        for key, candidate in pending.items():
            base = totals.get(candidate.site, 0) - per_site[candidate.site]
            ops.append(
                UpdateOne(
                    {"_id": key},
                    {
                        "$set": {"last_seen": now},
                        "$setOnInsert": {
                            "site": candidate.site,
                            "kind": candidate.kind,
                            "text": candidate.text,
                            "form": candidate.form,
                            "base": base,
                            "first_seen": now,
                            "learned": False,
                        },
                    },
                    upsert=True,
                )
            )
            ops.append(
                UpdateOne(
                    {"_id": key, f"urls.{URL_CAP - 1}": {"$exists": False}},
                    {"$addToSet": {"urls": {"$each": sorted(candidate.urls)}}},
                )
            )
        await self._bulk(ops)

        learned: list[dict[str, Any]] = []
        stale: list[str] = []
        async for doc in self.collection.find({"_id": {"$in": list(pending)}}):
            if doc.get("learned"):
                # Learned elsewhere (another worker) before this worker knew: its articles here
                # still carry the line, so the line's articles are cleaned again.
                stale.append(doc["_id"])
                continue
            seen_on = len(doc.get("urls") or [])
            site_articles = totals.get(doc["site"], 0) - doc.get("base", 0)
            if not should_learn(seen_on, site_articles, self.min_articles, self.min_share):
                continue
            result = await self.collection.update_one(
                {"_id": doc["_id"], "learned": False},
                {"$set": {"learned": True, "learned_at": now, "retro_done": False}},
            )
            if result.modified_count:
                learned.append(doc)
                logger.info(
                    "Learned boilerplate of %s (%s, on %d of %d articles): %r",
                    doc["site"],
                    doc["kind"],
                    seen_on,
                    site_articles,
                    doc["text"][:80],
                )
        if stale:
            await self.collection.update_many(
                {"_id": {"$in": stale}}, {"$set": {"retro_done": False}}
            )
        # Everything learned so far for these sites, by any worker.
        async for doc in self.collection.find(
            {"learned": True, "site": {"$in": sorted(per_site)}}, {"site": 1, "kind": 1, "form": 1}
        ):
            self._remember(doc)
        return learned

    async def _bulk(self, ops: list[UpdateOne]) -> None:
        for start in range(0, len(ops), UPDATE_CHUNK):
            await self.collection.bulk_write(ops[start : start + UPDATE_CHUNK], ordered=False)

    async def clean_stored(self, articles: AsyncCollection, min_words: int) -> int:
        """Clean again the stored articles that carried a line before it was learned.

        Only the ends of the body (and the headline's affixes) change, exactly as for a new
        article; an article that would fall under `min_words` is left as it is. Returns the number
        of articles changed.
        """
        changed = 0
        todo = [
            doc
            async for doc in self.collection.find(
                {"learned": True, "retro_done": False}, {"site": 1, "urls": 1}
            )
        ]
        urls_by_site: dict[str, set[str]] = defaultdict(set)
        for doc in todo:
            urls_by_site[doc["site"]].update(doc.get("urls") or [])
        for site, urls in urls_by_site.items():
            knowledge = self.knowledge[site]
            ordered = sorted(urls)
            for start in range(0, len(ordered), 100):
                async for article in articles.find(
                    {"_id": {"$in": ordered[start : start + 100]}},
                    {"body": 1, "title": 1, "content_hash": 1},
                ):
                    update = _cleaned_again(article, knowledge, min_words)
                    if update:
                        result = await articles.update_one(
                            {"_id": article["_id"], "body": article.get("body")}, {"$set": update}
                        )
                        changed += result.modified_count
        if todo:
            await self.collection.update_many(
                {"_id": {"$in": [doc["_id"] for doc in todo]}}, {"$set": {"retro_done": True}}
            )
        return changed


def _cleaned_again(article: dict[str, Any], knowledge: SiteKnowledge, min_words: int) -> dict:
    """The fields of a stored article that change under what was learned since it was stored."""
    update: dict[str, Any] = {}
    body = article.get("body") or ""
    paragraphs = strip_boilerplate(storage_paragraphs(body), knowledge.line_keys).paragraphs
    new_body = "\n\n".join(paragraphs)
    if new_body != body and len(new_body.split()) >= min_words:
        update["body"] = new_body
        update["word_count"] = len(new_body.split())
        if article.get("content_hash"):
            update["content_hash"] = content_hash(new_body)  # the hash of the stored body
    title = article.get("title")
    new_title = clean_title(title, set(), knowledge.title_affixes) if title else title
    if new_title and new_title != title:
        update["title"] = new_title
    return update


class CleanPipeline:
    """Second stage: cleans each article's fields and drops bodies that were only boilerplate."""

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.min_words = settings.getint("CLEAN_MIN_WORDS")
        self.learn = settings.getbool("CLEAN_LEARN_ENABLED")
        self.min_articles = settings.getint("CLEAN_LEARN_MIN_ARTICLES")
        self.min_share = settings.getfloat("CLEAN_LEARN_MIN_SHARE")
        self.flush_items = max(1, settings.getint("CLEAN_LEARN_FLUSH_ITEMS"))
        self.uri = settings.get("MONGO_URI")
        self.database = settings.get("MONGO_DATABASE")
        self.timeout_ms = settings.getint("MONGO_TIMEOUT_MS")
        self.client: AsyncMongoClient | None = None
        self.memory: BoilerplateMemory | None = None

    @classmethod
    def from_crawler(cls, crawler) -> CleanPipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    async def open_spider(self) -> None:
        if not self.learn:
            return
        self.client = async_client(self.uri, self.timeout_ms, "akhbar-clean")
        collection = self.client[self.database][BOILERPLATE]
        memory = BoilerplateMemory(collection, self.min_articles, self.min_share)
        try:
            await collection.create_index([("site", 1), ("learned", 1)], name="site_learned")
            await memory.load()
        except PyMongoError as exc:
            # The curated list still applies; only learning is off for this run.
            logger.warning(
                "Boilerplate learning off: %s unreachable (%s)", redact_uri(self.uri), exc
            )
            await self.client.close()
            self.client = None
            return
        self.memory = memory

    async def close_spider(self) -> None:
        if self.memory is not None:
            await self._flush()

    async def spider_closed(self, spider, reason: str) -> None:
        """After the sink has written everything: clean again what was stored before learning."""
        if self.client is None or self.memory is None:
            return
        try:
            changed = await self.memory.clean_stored(
                self.client[self.database][ARTICLES], self.min_words
            )
            if changed:
                count(self.stats, "clean/recleaned_stored", changed)
                logger.info(
                    "Cleaned %d stored articles again with newly learned boilerplate", changed
                )
        except PyMongoError as exc:
            logger.error("Could not clean stored articles again (left for the next run): %s", exc)
        finally:
            await self.client.close()

    async def _flush(self) -> None:
        try:
            learned = await self.memory.flush()
        except PyMongoError as exc:
            logger.warning("Could not record boilerplate observations: %s", exc)
            return
        for doc in learned:
            count(self.stats, f"clean/learned/{doc['kind']}", site=doc["site"])

    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        site = adapter.get("site") or ""
        names = site_names(adapter.get("site_name"), site, adapter.get("domain"))
        knowledge = self.memory.site(site) if self.memory else SiteKnowledge()
        cleaned = clean_article(
            title=adapter.get("title"),
            body=adapter.get("body"),
            description=adapter.get("description"),
            authors=adapter.get("authors"),
            tags=adapter.get("tags"),
            section=adapter.get("section"),
            published_at=adapter.get("published_at"),
            modified_at=adapter.get("modified_at"),
            names=names,
            knowledge=knowledge,
        )
        self._count_changes(cleaned, site)
        if not cleaned.body:
            self._drop("empty_after_clean", adapter, site)
        if cleaned.word_count < self.min_words:
            self._drop("short_after_clean", adapter, site)
        adapter["title"] = cleaned.title or adapter.get("title")
        adapter["description"] = cleaned.description
        adapter["body"] = cleaned.body
        adapter["word_count"] = cleaned.word_count
        adapter["authors"] = cleaned.authors
        adapter["tags"] = cleaned.tags
        adapter["section"] = cleaned.section
        adapter["modified_at"] = cleaned.modified_at
        if self.memory is not None and site:
            self.memory.observe(
                site, adapter["url"], cleaned.line_candidates, cleaned.title_candidates
            )
            if self.memory.pending_count >= self.flush_items:
                await self._flush()
        return item

    def _count_changes(self, cleaned, site: str) -> None:
        if cleaned.curated_lines:
            count(self.stats, "clean/boilerplate_curated", len(cleaned.curated_lines), site=site)
        if cleaned.learned_lines:
            count(self.stats, "clean/boilerplate_learned", len(cleaned.learned_lines), site=site)
        if cleaned.title_changed:
            count(self.stats, "clean/title_affix", site=site)
        if cleaned.authors_dropped:
            count(self.stats, "clean/authors_dropped", cleaned.authors_dropped, site=site)
        if cleaned.modified_dropped:
            count(self.stats, "invalid_date", site=site)
            count(self.stats, "invalid_date/modified_before_published", site=site)

    def _drop(self, reason: str, adapter: ItemAdapter, site: str) -> None:
        count(self.stats, f"drop/{reason}", site=site)
        raise CleanDrop(reason, adapter.get("url"))
