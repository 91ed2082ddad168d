"""`akhbar schedule`: run crawls on intervals from a schedule file, never two runs of a site at once.

```yaml
registry: crawler/sites.yaml        # optional: the registry the jobs' sites come from
lock_ttl: 10m                       # optional: how long a lock outlives a scheduler that died
jobs:
  - name: pan-arab                  # unique
    sites: [aljazeera, bbc_arabic]  # registry names; omitted: every enabled site
    every: 15m                      # 30s, 15m, 2h, 1d
    args: ["-s", "CRAWL_MAX_PAGES_PER_SITE=500"]   # optional, passed to scrapy crawl news
```

Each run is a `scrapy crawl news` subprocess. Before it starts, the scheduler takes one lock per
site in MongoDB (`locks`, `_id` = `site:<name>`, with an expiry it renews while the run lasts), so
no site is crawled twice at once by this or any other scheduler on any machine; a run whose
site is locked is skipped and recorded in `crawl_runs` as `skipped`. A run that ends without
writing its own `crawl_runs` record (it could not start) is recorded as `failed`. SIGTERM or
SIGINT stops the scheduler cleanly: running crawls get SIGINT (they finish their requests in
flight and store what they have), locks are released, and it exits 0.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pymongo import MongoClient
from pymongo.errors import DuplicateKeyError, PyMongoError

from crawler.commands.options import database, database_options
from crawler.registry import DEFAULT_REGISTRY, RegistryError, load_registry, parse_duration
from crawler.store.local import LocalServerError
from crawler.store.schema import CRAWL_RUNS

logger = logging.getLogger("akhbar.schedule")

LOCKS = "locks"
GRACE_SECONDS = 120  # how long a stopped crawl may take to finish its requests in flight


class ScheduleError(ValueError):
    """The schedule file is unreadable or invalid."""


@dataclass
class Job:
    """One line of the schedule: which sites, how often, with which extra arguments."""

    name: str
    sites: list[str]
    every: timedelta
    args: list[str] = field(default_factory=list)


@dataclass
class Schedule:
    """A validated schedule file."""

    registry: Path
    jobs: list[Job]
    lock_ttl: timedelta = timedelta(minutes=10)


def load_schedule(path: str | Path) -> Schedule:
    """Read and validate a schedule file; sites are checked against the registry."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScheduleError(f"schedule {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list) or not data["jobs"]:
        raise ScheduleError(f"schedule {path}: expected a mapping with a non-empty 'jobs' list")
    unknown = sorted(set(data) - {"registry", "jobs", "lock_ttl"})
    if unknown:
        raise ScheduleError(f"schedule {path}: unknown key {unknown[0]!r}")
    registry = Path(data.get("registry") or DEFAULT_REGISTRY)
    if not registry.is_absolute():
        registry = (path.parent / registry).resolve()
    try:
        sites = load_registry(registry)
    except RegistryError as exc:
        raise ScheduleError(f"schedule {path}: {exc}") from None
    names = {s.name for s in sites}
    enabled = [s.name for s in sites if s.enabled]
    jobs: list[Job] = []
    for index, entry in enumerate(data["jobs"], start=1):
        if not isinstance(entry, dict) or not entry.get("name"):
            raise ScheduleError(f"schedule {path}: job #{index} needs a name")
        name = str(entry["name"])
        extra = sorted(set(entry) - {"name", "sites", "every", "args"})
        if extra:
            raise ScheduleError(f"schedule {path}: job {name!r}: unknown key {extra[0]!r}")
        if any(job.name == name for job in jobs):
            raise ScheduleError(f"schedule {path}: job {name!r} appears twice")
        job_sites = entry.get("sites") or enabled
        if isinstance(job_sites, str):
            job_sites = [job_sites]
        missing = sorted(set(job_sites) - names)
        if missing:
            raise ScheduleError(
                f"schedule {path}: job {name!r}: site {missing[0]!r} not in {registry}"
            )
        try:
            every = parse_duration(entry.get("every"))
        except ValueError as exc:
            raise ScheduleError(f"schedule {path}: job {name!r}, every: {exc}") from None
        if every < timedelta(seconds=1):
            raise ScheduleError(f"schedule {path}: job {name!r}: 'every' must be at least 1s")
        args = entry.get("args") or []
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            raise ScheduleError(f"schedule {path}: job {name!r}: args must be a list of strings")
        jobs.append(Job(name, list(job_sites), every, args))
    try:
        lock_ttl = parse_duration(data.get("lock_ttl", "10m"))
    except ValueError as exc:
        raise ScheduleError(f"schedule {path}: lock_ttl: {exc}") from None
    return Schedule(registry, jobs, lock_ttl)


class SiteLocks:
    """Per-site locks in MongoDB, with an expiry, shared by every scheduler on every machine."""

    def __init__(self, db, ttl: timedelta) -> None:
        self.collection = db[LOCKS]
        self.ttl = ttl

    def acquire(self, sites: list[str], owner: str) -> str | None:
        """Lock every site for `owner`; None on success, else the site already locked (and
        nothing is kept locked)."""
        taken: list[str] = []
        for site in sites:
            if not self._acquire_one(site, owner):
                self.release(taken, owner)
                return site
            taken.append(site)
        return None

    def _acquire_one(self, site: str, owner: str) -> bool:
        now = datetime.now(UTC)
        doc = {"owner": owner, "acquired_at": now, "expires_at": now + self.ttl}
        try:
            self.collection.insert_one({"_id": f"site:{site}", **doc})
            return True
        except DuplicateKeyError:
            # Held: taken over only once its holder stopped renewing it.
            result = self.collection.update_one(
                {"_id": f"site:{site}", "expires_at": {"$lt": now}}, {"$set": doc}
            )
            return result.modified_count == 1

    def renew(self, sites: list[str], owner: str) -> None:
        """Push the expiry of `owner`'s locks forward."""
        expires = datetime.now(UTC) + self.ttl
        self.collection.update_many(
            {"_id": {"$in": [f"site:{s}" for s in sites]}, "owner": owner},
            {"$set": {"expires_at": expires}},
        )

    def release(self, sites: list[str], owner: str) -> None:
        """Drop `owner`'s locks on `sites`."""
        if sites:
            self.collection.delete_many(
                {"_id": {"$in": [f"site:{s}" for s in sites]}, "owner": owner}
            )

    def holder(self, site: str) -> dict[str, Any] | None:
        """The lock document of a site, if any."""
        return self.collection.find_one({"_id": f"site:{site}"})


@dataclass
class Running:
    """A crawl this scheduler started and has not seen end yet."""

    job: Job
    run_id: str
    owner: str
    process: subprocess.Popen
    started_at: datetime
    renewed: float


class Scheduler:
    """Starts due jobs, renews their locks, records their ends; see the module docstring."""

    def __init__(
        self,
        schedule: Schedule,
        uri: str,
        database: str,
        crawl_settings: dict[str, str] | None = None,
    ) -> None:
        self.schedule = schedule
        self.uri = uri
        self.database = database
        self.crawl_settings = crawl_settings or {}
        self.client = MongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=5000)
        self.db = self.client[database]
        self.locks = SiteLocks(self.db, schedule.lock_ttl)
        self.running: dict[str, Running] = {}
        self.next_due = {job.name: 0.0 for job in schedule.jobs}
        self.stopping = False
        self.ident = f"{socket.gethostname()}:{os.getpid()}"

    # -- the loop -------------------------------------------------------------------------------

    def run(self, once: bool = False, tick: float = 1.0) -> int:
        """Run until SIGTERM/SIGINT (or, with `once`, until every job ran or was skipped once)."""
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        started = set()
        try:
            while not self.stopping:
                now = time.monotonic()
                for job in self.schedule.jobs:
                    if once and job.name in started:
                        continue
                    if now >= self.next_due[job.name]:
                        self.next_due[job.name] = now + job.every.total_seconds()
                        self.start(job)
                        started.add(job.name)
                self.reap()
                if once and len(started) == len(self.schedule.jobs) and not self.running:
                    break
                time.sleep(tick)
        finally:
            self.shutdown()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.client.close()
        return 0

    def _stop(self, signum, frame) -> None:
        logger.info("Scheduler stopping (signal %d)", signum)
        self.stopping = True

    def start(self, job: Job) -> None:
        """Start one run of `job`, unless its previous run or a lock is in the way."""
        if job.name in self.running:
            logger.info("Job %s: previous run still going, this one skipped", job.name)
            self._record_skip(job, "previous run still going")
            return
        run_id = uuid.uuid4().hex
        owner = f"{self.ident}:{job.name}:{run_id}"
        try:
            locked = self.locks.acquire(job.sites, owner)
        except PyMongoError as exc:
            logger.error("Job %s not started: cannot take locks (%s)", job.name, exc)
            return
        if locked:
            holder = self.locks.holder(locked) or {}
            reason = f"site {locked} locked by {holder.get('owner', '?')}"
            logger.info("Job %s skipped: %s", job.name, reason)
            self._record_skip(job, reason)
            return
        command = [
            sys.executable, "-m", "scrapy", "crawl", "news",
            "-a", f"sites={self.schedule.registry}", "-a", f"site={','.join(job.sites)}",
            "-s", f"AKHBAR_RUN_ID={run_id}", "-s", f"AKHBAR_JOB={job.name}",
            "-s", f"MONGO_DATABASE={self.database}",
        ]  # fmt: skip
        for name, value in self.crawl_settings.items():
            command += ["-s", f"{name}={value}"]
        command += job.args
        # The URI goes in the environment: on the command line, any local user would read its
        # password in the process list.
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings", "MONGO_URI": self.uri}
        process = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[2], env=env)
        logger.info(
            "Job %s started: run %s (pid %d), sites %s",
            job.name,
            run_id,
            process.pid,
            ",".join(job.sites),
        )
        self.running[job.name] = Running(
            job, run_id, owner, process, datetime.now(UTC), time.monotonic()
        )

    def reap(self) -> None:
        """Renew the locks of running crawls; record and unlock the ones that ended."""
        for name, run in list(self.running.items()):
            code = run.process.poll()
            if code is None:
                if time.monotonic() - run.renewed > self.schedule.lock_ttl.total_seconds() / 3:
                    try:
                        self.locks.renew(run.job.sites, run.owner)
                        run.renewed = time.monotonic()
                    except PyMongoError as exc:
                        logger.warning("Job %s: could not renew its locks: %s", name, exc)
                continue
            del self.running[name]
            self._finish(run, code)

    def _finish(self, run: Running, code: int) -> None:
        duration = (datetime.now(UTC) - run.started_at).total_seconds()
        try:
            recorded = self.db[CRAWL_RUNS].find_one({"_id": run.run_id}, {"status": 1, "counts": 1})
            if recorded is None:
                # The crawl never got as far as its own record (bad registry, database refused).
                self.db[CRAWL_RUNS].insert_one(
                    {
                        "_id": run.run_id,
                        "job": run.job.name,
                        "sites": run.job.sites,
                        "started_at": run.started_at,
                        "finished_at": datetime.now(UTC),
                        "duration_s": round(duration, 3),
                        "status": "failed",
                        "exit_code": code,
                        "host": socket.gethostname(),
                    }
                )
            self.locks.release(run.job.sites, run.owner)
        except PyMongoError as exc:
            logger.error(
                "Job %s: could not record its end or unlock (expires by itself): %s",
                run.job.name,
                exc,
            )
            recorded = None
        status = (recorded or {}).get("status", "failed")
        counts = (recorded or {}).get("counts") or {}
        logger.info(
            "Job %s run %s ended: %s, exit code %d, %.1fs, %s new, %s updated",
            run.job.name, run.run_id, status, code, duration,
            counts.get("stored_new", 0), counts.get("stored_updated", 0),
        )  # fmt: skip

    def _record_skip(self, job: Job, reason: str) -> None:
        now = datetime.now(UTC)
        try:
            self.db[CRAWL_RUNS].insert_one(
                {
                    "_id": uuid.uuid4().hex,
                    "job": job.name,
                    "sites": job.sites,
                    "started_at": now,
                    "finished_at": now,
                    "duration_s": 0.0,
                    "status": "skipped",
                    "reason": reason,
                    "host": socket.gethostname(),
                }
            )
        except PyMongoError as exc:
            logger.warning("Could not record the skipped run of %s: %s", job.name, exc)

    def shutdown(self) -> None:
        """Stop running crawls gracefully, record them, release their locks."""
        for run in self.running.values():
            if run.process.poll() is None:
                logger.info("Stopping job %s (pid %d)", run.job.name, run.process.pid)
                run.process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + GRACE_SECONDS
        for run in self.running.values():
            try:
                run.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                run.process.kill()
                run.process.wait()
        for name, run in list(self.running.items()):
            del self.running[name]
            self._finish(run, run.process.returncode)


# -- the command ------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the schedule (YAML)")
    parser.add_argument(
        "--once", action="store_true", help="run each job once, wait for them, and exit (cron)"
    )
    database_options(parser)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s"
    )
    try:
        schedule = load_schedule(args.file)
        uri, database_name = database(args)
    except (ScheduleError, LocalServerError) as exc:
        print(f"akhbar schedule: {exc}", file=sys.stderr)
        return 2
    return Scheduler(schedule, uri, database_name).run(once=args.once)
