"""The crawl's extensions: what operators watch.

`Progress`: one log line per interval with pages, articles stored, drops and rate (operators tail
the log of a long crawl; Scrapy's own LogStats line says nothing about articles).
`RunRecord`: one `crawl_runs` document per run, for `akhbar runs`, `akhbar stats` and monitoring.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.runtime.context import RunContext
from crawler.runtime.scrapycmd.crawl import LOSSES
from crawler.stats import FLAG_HELP, site_counts, site_flag
from crawler.store import DatabaseUnavailable, Store
from crawler.store.local import pid_alive
from crawler.store.schema import CRAWL_RUNS, safe_key, sanitize

logger = logging.getLogger(__name__)


class Progress:
    """Logs `Progress: ...` every `PROGRESS_INTERVAL` seconds (0 turns it off)."""

    def __init__(self, stats, interval: float) -> None:
        self.stats = stats
        self.interval = interval
        self.loop: task.LoopingCall | None = None
        self.started = time.monotonic()
        self.last_pages = 0

    @classmethod
    def from_crawler(cls, crawler) -> Progress:
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler.stats, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.log)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.log()

    def line(self) -> str:
        """The progress line for the stats as they are now."""
        stats = self.stats.get_stats()
        pages = stats.get("akhbar/pages/fetched", 0)
        rate = (pages - self.last_pages) * 60 / self.interval
        self.last_pages = pages
        drops = {
            key.removeprefix("akhbar/drop/"): value
            for key, value in stats.items()
            if key.startswith("akhbar/drop/")
        }
        errors = sum(v for k, v in stats.items() if k.startswith("akhbar/fetch_error/"))
        drop_text = ", ".join(f"{k} {v}" for k, v in sorted(drops.items())) or "none"
        return (
            f"Progress after {time.monotonic() - self.started:.0f}s: {pages} pages "
            f"({rate:.0f}/min), {stats.get('akhbar/pages/article', 0)} articles, "
            f"{stats.get('akhbar/stored/new', 0)} stored new, "
            f"{stats.get('akhbar/stored/updated', 0)} updated, "
            f"{stats.get('akhbar/incremental/skipped_stored', 0)} known skipped, "
            f"drops: {drop_text}, fetch errors {errors}"
        )

    def log(self) -> None:
        logger.info(self.line())


RUN_RECORD_ORDER = 900  # the store's last closing step: it reports what the others did
HEARTBEAT_SECONDS = 60
HEARTBEAT_STALE = 15 * 60  # a running record silent this long belongs to a dead crawl


class RunRecord:
    """The run's `crawl_runs` document: `running` when the crawl starts; counts, drops, flags and
    stats when it ends (after every article was written or spooled)."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store = Store.of(crawler)
        self.job = crawler.settings.get("AKHBAR_JOB") or None
        self.started_at = datetime.now(UTC)
        self._heartbeat: asyncio.Future | None = None

    @classmethod
    def from_crawler(cls, crawler) -> RunRecord:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    async def spider_opened(self, spider) -> None:
        try:
            await self.store.open()
            await self._close_dead_runs()
            await self.store.record_run_start(self._start_document(spider.name))
            self._heartbeat = asyncio.ensure_future(self._beat())
        except (PyMongoError, DatabaseUnavailable) as exc:
            logger.error("Could not record the start of crawl run %s: %s", self.store.run_id, exc)
        self.store.on_close(RUN_RECORD_ORDER, self._record_end)

    async def _beat(self) -> None:
        """`heartbeat_at` every `HEARTBEAT_SECONDS`: how a run on another machine is known dead."""
        runs = self.store.db[CRAWL_RUNS]
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            with contextlib.suppress(PyMongoError):
                await runs.update_one(
                    {"_id": self.store.run_id}, {"$set": {"heartbeat_at": datetime.now(UTC)}}
                )

    async def _close_dead_runs(self) -> None:
        """Runs still `running` whose process is gone (this host) or silent for long (any host)
        were killed: they are closed as `killed`, so that no record says `running` forever."""
        runs = self.store.db[CRAWL_RUNS]
        now = datetime.now(UTC)
        host = socket.gethostname()
        fields = {"host": 1, "pid": 1, "heartbeat_at": 1, "started_at": 1}
        async for run in runs.find({"status": "running"}, fields):
            last = run.get("heartbeat_at") or run.get("started_at")
            gone = run.get("host") == host and run.get("pid") and not pid_alive(run["pid"])
            silent = last is not None and now - last > timedelta(seconds=HEARTBEAT_STALE)
            if run["_id"] != self.store.run_id and (gone or silent):
                await runs.update_one(
                    {"_id": run["_id"], "status": "running"},
                    {
                        "$set": {
                            "status": "killed",
                            "finished_at": last,
                            "closed_by": self.store.run_id,
                        }
                    },
                )
                logger.warning("Run %s (pid %s on %s) died; recorded as killed",
                               run["_id"], run.get("pid"), run.get("host"))  # fmt: skip

    async def _record_end(self, reason: str) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        try:
            await self.store.record_run_end(self._end_document(reason))
        except (PyMongoError, DatabaseUnavailable) as exc:
            logger.error("Could not record the crawl run %s: %s", self.store.run_id, exc)

    def _start_document(self, spider_name: str) -> dict[str, Any]:
        return {
            "spider": spider_name,
            "sites": RunContext.of(self.crawler).names,
            "started_at": self.started_at,
            "status": "running",
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "job": self.job,
        }

    def _end_document(self, reason: str) -> dict[str, Any]:
        stats = self.crawler.stats.get_stats()
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
            # Spooled to the unsaved file during the run and written from it before the end.
            "replayed": stats.get("akhbar/mongo/unsaved_replayed", 0),
            "errors": sum(fetch_errors.values()) + stats.get("log_count/ERROR", 0),
        }
        # Losses: articles not in the database at the end (left in the unsaved file, or refused
        # by the server and kept in the rejected file) or stored without dedupe state (never
        # compared with the others). A run that had any says so where monitoring looks.
        counts["unsaved"] = stats.get("akhbar/mongo/unsaved", 0) - counts["replayed"]
        counts["rejected"] = drops.get("db_rejected", 0)
        counts["without_dedupe"] = stats.get("akhbar/dedupe/error", 0)
        losses = counts["unsaved"] + counts["rejected"] + counts["without_dedupe"]
        self.crawler.stats.set_value(LOSSES, losses)
        status = "finished_with_losses" if losses and reason == "finished" else reason
        if losses:
            logger.error(
                "Run %s: %d articles left in the unsaved file, %d refused by the database, "
                "%d stored without dedupe state",
                self.store.run_id,
                counts["unsaved"],
                counts["rejected"],
                counts["without_dedupe"],
            )
        flags = {}
        run = RunContext.of(self.crawler)
        # A distributed worker sees only its share of each site: no verdict on the site from it.
        for site in () if run.distributed else run.sites:
            flag = site_flag(site_counts(stats, site.name))
            if flag:
                flags[safe_key(site.name)] = flag
                log = logger.info if flag == "nothing_new" else logger.warning
                log("Site %s flagged: %s (%s)", site.name, flag, FLAG_HELP[flag])
        return {
            "finished_at": finished,
            "duration_s": round((finished - self.started_at).total_seconds(), 3),
            "status": status,
            "counts": counts,
            "flags": flags,
            "drops": drops,
            "fetch_errors": fetch_errors,
            "stats": sanitize(
                {k: v for k, v in stats.items() if not isinstance(v, datetime)}
            ).value,
        }
