"""`akhbar schedule` and `akhbar runs`: no overlapping runs of a site, every run recorded."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from crawler.commands.schedule import ScheduleError, load_schedule
from crawler.devtools.demo import PROJECT_ROOT, crawl_env
from tests.conftest import interrupt_when, write_registry
from tests.data.generated_site import GeneratedSite

FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"]


def write_schedule(tmp_path, registry, **job) -> str:
    path = tmp_path / "schedule.yaml"
    entry = {"name": "gen-job", "sites": ["gen"], "every": "1h", "args": FAST, **job}
    path.write_text(yaml.safe_dump({"registry": str(registry), "jobs": [entry]}), encoding="utf-8")
    return str(path)


def akhbar(*args: str, mongo_uri: str, database: str) -> list[str]:
    return [
        sys.executable, "-m", "crawler.commands", *args, "--mongo-uri", mongo_uri, "--database", database,
    ]  # fmt: skip


@pytest.fixture
def site(tmp_path):
    generated = GeneratedSite(count=12)
    server = generated.server(tmp_path)
    with server:
        registry = write_registry(
            tmp_path, {"sites": [{"name": "gen", "base_url": f"{server.base_url}/"}]}
        )
        yield server, generated, registry


def test_a_locked_site_is_skipped_then_crawled_when_the_lock_expires(mongo_uri, db, tmp_path, site):
    server, _, registry = site
    schedule = write_schedule(tmp_path, registry)
    # Another scheduler, on another machine, is crawling the site.
    db.locks.insert_one(
        {"_id": "site:gen", "owner": "other-host:4242:gen-job:x",
         "expires_at": datetime.now(UTC) + timedelta(hours=1)}
    )  # fmt: skip
    command = akhbar("schedule", schedule, "--once", mongo_uri=mongo_uri, database=db.name)
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=crawl_env(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert server.paths() == []
    [skipped] = list(db.crawl_runs.find())
    assert skipped["status"] == "skipped" and skipped["job"] == "gen-job"
    assert "site gen locked by other-host:4242" in skipped["reason"]

    # That scheduler died: its lock expires, and the site is crawled.
    db.locks.update_one(
        {"_id": "site:gen"}, {"$set": {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}}
    )
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=crawl_env(), capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Job gen-job run" in done.stderr and "ended: finished" in done.stderr
    run = db.crawl_runs.find_one({"status": {"$ne": "skipped"}})
    assert run["status"] == "finished" and run["job"] == "gen-job"
    assert run["counts"]["stored_new"] == 12
    assert db.articles.count_documents({}) == 12
    assert db.locks.count_documents({}) == 0  # released


def test_runs_never_overlap_and_sigterm_stops_cleanly(mongo_uri, db, tmp_path):
    generated = GeneratedSite(count=80, delay=0.2)
    server = generated.server(tmp_path)
    with server:
        # A run takes several seconds: one request every 0.1 s. (Scrapy 2.19 starts every queued
        # request of a slot at once when it has no delay, whatever its concurrency: issue 6982.)
        site = {"name": "gen", "base_url": f"{server.base_url}/", "delay": 0.1}
        registry = write_registry(tmp_path, {"sites": [site]})
        schedule = write_schedule(tmp_path, registry, every="1s")
        scheduler = subprocess.Popen(
            akhbar("schedule", schedule, mongo_uri=mongo_uri, database=db.name),
            cwd=PROJECT_ROOT, env=crawl_env(), stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        log = interrupt_when(
            scheduler,
            lambda: db.crawl_runs.count_documents({"status": "skipped"}) >= 2,
            signal.SIGTERM,
            timeout=90,
        )
    assert len(list(db.crawl_runs.find({"status": "skipped"}))) >= 2, "never due while running"
    assert scheduler.returncode == 0, log[-3000:]
    skipped = list(db.crawl_runs.find({"status": "skipped"}))
    assert all(r["reason"] == "previous run still going" for r in skipped)
    crawls = sorted(
        db.crawl_runs.find({"status": {"$ne": "skipped"}}), key=lambda r: r["started_at"]
    )
    assert crawls and all(r["finished_at"] is not None for r in crawls)
    for earlier, later in itertools.pairwise(crawls):
        assert earlier["finished_at"] <= later["started_at"], "two runs of the site overlapped"
    assert crawls[-1]["status"] == "shutdown"  # stopped by the scheduler's SIGTERM, cleanly
    assert db.locks.count_documents({}) == 0
    stored = db.articles.count_documents({})
    assert stored == sum(r["counts"]["stored_new"] for r in crawls)


def test_runs_command_prints_the_last_runs(mongo_uri, db, tmp_path, site, crawl):
    _, _, registry = site
    assert crawl(registry).returncode == 0
    table = subprocess.run(
        akhbar("runs", mongo_uri=mongo_uri, database=db.name),
        cwd=PROJECT_ROOT, env=crawl_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert table.returncode == 0, table.stderr
    header, _, row = table.stdout.splitlines()[:3]
    assert header.split()[:3] == ["started", "(UTC)", "dur"]
    assert "finished" in row and " gen " in row and " 12 " in row
    as_json = subprocess.run(
        [*akhbar("runs", "--json", mongo_uri=mongo_uri, database=db.name)],
        cwd=PROJECT_ROOT, env=crawl_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    [run] = json.loads(as_json.stdout)
    assert run["counts"]["stored_new"] == 12 and run["sites"] == ["gen"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("jobs: []", "non-empty 'jobs'"),
        ("jobs: [{sites: [gen], every: 1m}]", "needs a name"),
        ("jobs: [{name: a, sites: [nope], every: 1m}]", "site 'nope' not in"),
        ("jobs: [{name: a, sites: [gen], every: soon}]", "not a duration"),
        ("jobs: [{name: a, sites: [gen], every: 1m}, {name: a, sites: [gen], every: 2m}]", "twice"),
        ("jobs: [{name: a, sites: [gen], every: 1m, evry: 2}]", "unknown key 'evry'"),
        ("cron: x\njobs: [{name: a, every: 1m}]", "unknown key 'cron'"),
    ],
)
def test_schedule_files_are_validated(tmp_path, text, problem):
    registry = write_registry(
        tmp_path, {"sites": [{"name": "gen", "base_url": "https://example.com/"}]}
    )
    path = tmp_path / "s.yaml"
    path.write_text(f"registry: {registry}\n{text}\n", encoding="utf-8")
    with pytest.raises(ScheduleError, match=problem):
        load_schedule(path)
