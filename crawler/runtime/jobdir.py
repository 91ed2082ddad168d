"""A JOBDIR that an unclean stop left behind is rebuilt, not trusted.

Scrapy writes a job directory's seen-set (`requests.seen`) as requests are scheduled, but its
queue only when the crawl closes. After a SIGKILL, an OOM kill or a reboot, the seen-set names
every request of the dead run while the queue holds none of them: the next run with the same
JOBDIR filters its own start requests as duplicates, fetches nothing and ends `finished`. So
while a crawl runs, its job directory holds a marker (`akhbar.running`: host and pid); a crawl
that finds the marker of a process that is gone drops the seen-set and the queue before Scrapy
opens them, logs it and counts `akhbar/jobdir/rebuilt`. The run starts again from its sites'
start requests; articles stored before the kill are skipped as stored, so only what is missing
is fetched.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.store.local import pid_alive

logger = logging.getLogger(__name__)

MARKER = "akhbar.running"
SCRAPY_STATE = ("requests.seen", "requests.queue")


class JobDirGuard:
    def __init__(self, jobdir: Path, stats) -> None:
        self.jobdir = jobdir
        self.marker = jobdir / MARKER
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler) -> JobDirGuard:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        guard = cls(Path(jobdir), crawler.stats)
        guard.check()  # extensions are built before the scheduler opens the job directory
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def check(self) -> None:
        self.jobdir.mkdir(parents=True, exist_ok=True)
        left = self._read_marker()
        if left is not None:
            here = left.get("host") == socket.gethostname()
            if here and pid_alive(int(left.get("pid") or 0)):
                raise RuntimeError(
                    f"JOBDIR {self.jobdir} is in use by the running crawl pid {left['pid']}"
                )
            logger.warning(
                "JOBDIR %s was left by a crawl that did not stop cleanly (pid %s on %s): its "
                "queue and seen requests are rebuilt from the sites' start requests",
                self.jobdir,
                left.get("pid"),
                left.get("host"),
            )
            for name in SCRAPY_STATE:
                path = self.jobdir / name
                if path.is_dir():
                    shutil.rmtree(path)
                elif path.exists():
                    path.unlink()
            self.stats.set_value("akhbar/jobdir/rebuilt", 1)
        self.marker.write_text(
            json.dumps({"host": socket.gethostname(), "pid": os.getpid()}), encoding="utf-8"
        )

    def _read_marker(self) -> dict | None:
        try:
            return json.loads(self.marker.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}  # unreadable: treat as left by a dead crawl

    def spider_closed(self, spider, reason: str) -> None:
        # Scrapy has saved the queue by now (the scheduler closes before this signal).
        self.marker.unlink(missing_ok=True)
