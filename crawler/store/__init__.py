"""The storage layer of a crawl: one MongoDB client, shared by the spider and every stage.

`Store.of(crawler)` gives the crawl's store. It owns the collections and their indexes, and hands
each user the part it needs: the spider the stored URLs (`stored_articles`), the clean stage the
boilerplate counts (`boilerplate`), the dedupe stage the dedupe window (`dedupe`), the sink the
article writer (`open_articles`) and the run record. Each part loads its state once, on first use,
and keeps the per-article hot path in memory; writes go out in batches (see each module).

When the spider closes, the store runs the closing steps the stages registered (cleaning stored
articles again, recording the run), in their order, then closes the client. Every command sent
is counted in the crawl stats (`akhbar/db/commands`, and per command name), so a run shows its
database round trips per article.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError
from scrapy import signals

from crawler.store.articles import URL_LOG, ArticleWriter, StoredArticle
from crawler.store.boilerplate import BoilerplateBook
from crawler.store.dedupe import DedupeLog
from crawler.store.local import LocalServerError, resolve_uri
from crawler.store.schema import ARTICLES, BOILERPLATE, CRAWL_RUNS, ensure_indexes, redact_uri

logger = logging.getLogger(__name__)


class DatabaseUnavailable(RuntimeError):
    """MongoDB could not be reached when the crawl started."""


class CommandCounter(monitoring.CommandListener):
    """Counts the commands a client sends (each one a round trip) into the crawl stats."""

    def __init__(self, stats) -> None:
        self.stats = stats

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.stats.inc_value("akhbar/db/commands")
        self.stats.inc_value(f"akhbar/db/commands/{event.command_name}")

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


class Store:
    """The crawl's MongoDB access; see the module docstring."""

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.uri = settings.get("MONGO_URI")
        self.database = settings.get("MONGO_DATABASE")
        self.timeout_ms = settings.getint("MONGO_TIMEOUT_MS")
        # The scheduler names the run it starts, so it can tell a run that never began.
        self.run_id = settings.get("AKHBAR_RUN_ID") or uuid.uuid4().hex
        self.client: AsyncMongoClient | None = None
        self._articles: ArticleWriter | None = None
        self._dedupe: DedupeLog | None = None
        self._boilerplate: BoilerplateBook | None = None
        self._lock = asyncio.Lock()
        self._closing: list[tuple[int, Callable[[str], Awaitable[None]]]] = []

    @classmethod
    def of(cls, crawler) -> Store:
        """The store of this crawl (made on first use)."""
        store = getattr(crawler, "akhbar_store", None)
        if store is None:
            store = cls(crawler)
            crawler.akhbar_store = store
            crawler.signals.connect(store.spider_closed, signal=signals.spider_closed)
        return store

    @property
    def db(self) -> AsyncDatabase:
        if self.client is None:
            raise DatabaseUnavailable("the store is not open")
        return self.client[self.database]

    async def open(self) -> AsyncDatabase:
        """Connect (once), check the server answers and create the missing indexes."""
        async with self._lock:
            if self.client is not None:
                return self.db
            if not self.uri:
                try:  # no MONGO_URI: the managed local store, started when it is not running
                    self.uri = await asyncio.to_thread(resolve_uri)
                except (LocalServerError, OSError) as exc:
                    raise DatabaseUnavailable(f"no MONGO_URI and no local store: {exc}") from None
            client = AsyncMongoClient(
                self.uri,
                serverSelectionTimeoutMS=self.timeout_ms,
                connectTimeoutMS=self.timeout_ms,
                socketTimeoutMS=self.crawler.settings.getint("MONGO_SOCKET_TIMEOUT_MS") or None,
                tz_aware=True,
                appname="akhbar",
                event_listeners=[CommandCounter(self.stats)],
            )
            try:
                await client.admin.command("ping")
                await ensure_indexes(client[self.database])
            except PyMongoError as exc:
                await client.close()
                raise DatabaseUnavailable(
                    f"cannot reach MongoDB at {redact_uri(self.uri)}: {exc}"
                ) from None
            self.client = client
            return self.db

    # -- the parts ------------------------------------------------------------------------------

    @property
    def writer(self) -> ArticleWriter | None:
        """The article writer, if the sink or the spider asked for it."""
        return self._articles

    async def open_articles(self) -> ArticleWriter:
        """The article writer, started (the sink's)."""
        writer = await self._writer()
        await writer.replay_unsaved()
        writer.start()
        return writer

    async def _writer(self) -> ArticleWriter:
        db = await self.open()
        if self._articles is None:
            settings = self.crawler.settings
            unsaved = (
                Path(settings.get("MONGO_UNSAVED_DIR")) / f"akhbar-unsaved-{self.run_id}.jsonl"
            )
            self._articles = ArticleWriter(
                db[ARTICLES],
                db[URL_LOG],
                self.stats,
                unsaved_path=unsaved,
                batch_size=settings.getint("MONGO_BATCH_SIZE"),
                flush_interval=settings.getfloat("MONGO_FLUSH_INTERVAL"),
                queue_size=settings.getint("MONGO_QUEUE_SIZE"),
                retries=settings.getint("MONGO_RETRIES"),
                backoff=settings.getfloat("MONGO_RETRY_BACKOFF"),
                close_timeout=settings.getfloat("MONGO_CLOSE_TIMEOUT"),
                outage_seconds=settings.getfloat("MONGO_OUTAGE_SECONDS"),
            )
            self._articles.stopping = self._stopping
        return self._articles

    async def stored_articles(self, sites: list[str]) -> list[StoredArticle]:
        """The stored articles of `sites` (read once per run)."""
        writer = await self._writer()
        stored = await writer.stored_articles(sites)
        _settle()
        return stored

    async def dedupe(self) -> DedupeLog:
        """The dedupe window, loaded."""
        db = await self.open()
        if self._dedupe is None:
            settings = self.crawler.settings
            self._dedupe = DedupeLog(
                db,
                settings.getfloat("DEDUPE_THRESHOLD"),
                batch_size=settings.getint("DEDUPE_BATCH_SIZE"),
                batch_seconds=settings.getfloat("DEDUPE_BATCH_SECONDS"),
                window_days=settings.getfloat("DEDUPE_WINDOW_DAYS"),
                window_max=settings.getint("DEDUPE_WINDOW_MAX_ARTICLES"),
                run_id=self.run_id,
                outage_seconds=settings.getfloat("MONGO_OUTAGE_SECONDS"),
            )
            self._dedupe.stopping = self._stopping
        await self._dedupe.load()
        _settle()
        return self._dedupe

    async def boilerplate(self, sites: list[str]) -> BoilerplateBook:
        """The boilerplate counts and learned lines of `sites`, loaded."""
        db = await self.open()
        if self._boilerplate is None:
            settings = self.crawler.settings
            book = BoilerplateBook(
                db[BOILERPLATE],
                settings.getint("CLEAN_LEARN_MIN_ARTICLES"),
                settings.getfloat("CLEAN_LEARN_MIN_SHARE"),
                settings.getfloat("CLEAN_LEARN_FLUSH_SECONDS"),
            )
            await book.load(sites)
            self._boilerplate = book
        return self._boilerplate

    def _stopping(self) -> bool:
        """True once the crawl was asked to stop (Ctrl-C, SIGTERM, a close condition)."""
        try:
            engine = self.crawler.engine
        except (AttributeError, RuntimeError):  # Scrapy 2.19 raises until the crawl starts
            return False
        return engine is not None and not engine.running

    # -- the run record -------------------------------------------------------------------------

    async def record_run_start(self, doc: dict[str, Any]) -> None:
        """Insert the run's `crawl_runs` document."""
        await self.db[CRAWL_RUNS].insert_one({"_id": self.run_id, **doc})

    async def record_run_end(self, fields: dict[str, Any]) -> None:
        """Complete the run's `crawl_runs` document."""
        await self.db[CRAWL_RUNS].update_one({"_id": self.run_id}, {"$set": fields})

    # -- closing --------------------------------------------------------------------------------

    def on_close(self, order: int, step: Callable[[str], Awaitable[None]]) -> None:
        """Run `step(reason)` when the spider closes, before the client closes; lower `order`
        first (the clean stage's re-cleaning comes before the run record)."""
        self._closing.append((order, step))

    async def spider_closed(self, spider, reason: str) -> None:
        if self.client is None:
            return
        try:
            for _, step in sorted(self._closing, key=lambda s: s[0]):
                try:
                    await step(reason)
                except Exception:
                    logger.exception("Closing step %s failed", getattr(step, "__qualname__", step))
        finally:
            await self.client.close()
            self.client = None


def _settle() -> None:
    """Exempt the state just loaded from garbage collection.

    The run's state is a few million long-lived objects (100,000 articles' URLs and decisions);
    the cyclic collector would walk all of them at every full collection for the rest of the run.
    Frozen objects are still freed by reference counting when dropped.
    """
    gc.freeze()
