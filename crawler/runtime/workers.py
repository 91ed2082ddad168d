"""CPU work of a crawl in worker processes, so one crawl uses more than one core.

A crawl is one Scrapy process, and its per-page work (HTML parsing, classification, main-text
extraction, link extraction) is CPU-bound: on a 2-core machine it kept one core busy while the
other idled. `Workers.of(crawler).run(fn, ...)` runs a pure, picklable function in a pool of
`CPU_WORKERS` processes (0: in the crawl's own process) and awaits the result without blocking
the event loop. Workers are started with `spawn` (the crawl process has threads: pymongo's
monitors) on first use, ignore Ctrl-C (the crawl itself stops gracefully and shuts them down),
and a pool that broke (a worker killed) is replaced. A spawned worker takes about a second to
import the extraction code, so the spider starts its workers as soon as it is built (`start`):
they import while the crawl process sets up its stages and fetches robots.txt and sitemaps, and
the first page does not wait for them.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import logging
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from scrapy import signals

logger = logging.getLogger(__name__)

T = TypeVar("T")


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _preload(modules: tuple[str, ...]) -> None:
    for name in modules:
        importlib.import_module(name)


class Workers:
    """The crawl's pool of worker processes; see the module docstring."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.size = max(0, crawler.settings.getint("CPU_WORKERS"))
        self.pool: ProcessPoolExecutor | None = None

    @classmethod
    def of(cls, crawler) -> Workers:
        """The workers of this crawl (made on first use, shut down when the spider closes)."""
        workers = getattr(crawler, "akhbar_workers", None)
        if workers is None:
            workers = cls(crawler)
            crawler.akhbar_workers = workers
            crawler.signals.connect(workers.close, signal=signals.spider_closed)
        return workers

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                self.size,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_ignore_sigint,
            )
        return self.pool

    def start(self, *modules: str) -> None:
        """Start the worker processes now, each importing `modules`, instead of at the first
        `run` (nothing to do without workers)."""
        if self.size == 0 or self.pool is not None:
            return
        pool = self._pool()
        for _ in range(self.size):  # each task still waiting spawns one more process
            pool.submit(_preload, modules)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` in a worker process (in this one when there are none)."""
        if self.size == 0:
            return fn(*args, **kwargs)
        pool = self._pool()
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(pool, functools.partial(fn, *args, **kwargs))
        except BrokenProcessPool:
            # A worker died (killed, out of memory): this call is done here rather than lost, and
            # the pool is replaced once, however many calls were waiting on it.
            if self.pool is pool:
                logger.warning("A worker process died; starting new ones")
                self.crawler.stats.inc_value("akhbar/workers/broken")
                pool.shutdown(wait=False, cancel_futures=True)
                self.pool = None
            return fn(*args, **kwargs)

    def close(self, spider=None, reason: str | None = None) -> None:
        """Stop the workers."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
