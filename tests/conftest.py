"""Shared fixtures: a real MongoDB wire-protocol server, the sample sites, and a crawl runner."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from pymongo import MongoClient

from crawler.devtools.demo import (
    PROJECT_ROOT,
    SAMPLE_ROOT,
    crawl_command,
    crawl_env,
    sample_registry,
)
from crawler.devtools.sampleserver import SampleSite
from crawler.store.local import FerretDB, LocalStore


@pytest.fixture(scope="session", autouse=True)
def local_store_home(tmp_path_factory):
    """The managed local store of this test session, never the user's own (`AKHBAR_HOME`): a
    command run without MONGO_URI starts it here, and it is stopped at the end."""
    home = tmp_path_factory.mktemp("akhbar-home")
    previous = os.environ.get("AKHBAR_HOME")
    os.environ["AKHBAR_HOME"] = str(home)
    yield home
    LocalStore(home).stop()
    if previous is None:
        os.environ.pop("AKHBAR_HOME", None)
    else:
        os.environ["AKHBAR_HOME"] = previous


@pytest.fixture(scope="session")
def mongo_uri():
    """`MONGO_URI` from the environment (a real MongoDB), else a FerretDB server for the session."""
    uri = os.environ.get("MONGO_URI")
    if uri:
        yield uri
        return
    with FerretDB() as server:
        yield server.uri


@pytest.fixture
def db(mongo_uri):
    """A fresh, uniquely named database, dropped after the test."""
    name = f"akhbar_test_{uuid.uuid4().hex[:10]}"
    client = MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    yield client[name]
    client.drop_database(name)
    client.close()


@pytest.fixture
def sample_sites():
    """The two bundled sample sites, each on its own loopback port, with fresh request logs."""
    with (
        SampleSite(SAMPLE_ROOT / "akhbar_alyawm") as alyawm,
        SampleSite(SAMPLE_ROOT / "sada_wp") as sada,
    ):
        yield alyawm, sada


@dataclass
class CrawlResult:
    """What a `scrapy crawl news` subprocess did."""

    returncode: int
    log: str


def write_registry(tmp_path: Path, registry: dict | str) -> Path:
    """Write a registry (a dict, or YAML text as is) to a file and return its path."""
    path = tmp_path / f"sites-{uuid.uuid4().hex[:6]}.yaml"
    text = registry if isinstance(registry, str) else yaml.safe_dump(registry, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def interrupt_when(
    process: subprocess.Popen, condition, sig: int = signal.SIGINT, timeout: float = 60
) -> str:
    """Send `sig` to `process` once `condition()` holds (or after `timeout` seconds), wait for it
    to exit, and return its standard error."""
    try:
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(sig)
        return process.communicate(timeout=180)[1]
    finally:
        process.kill()


def run_crawl(*args: str, mongo_uri: str, database: str, timeout: float = 180) -> CrawlResult:
    """Run `scrapy crawl news ARGS` in a subprocess against `database`, as an operator would."""
    command = crawl_command(*args, mongo_uri=mongo_uri, database=database, LOG_LEVEL="INFO")
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=crawl_env(), capture_output=True, text=True, timeout=timeout
    )
    return CrawlResult(done.returncode, done.stdout + done.stderr)


@pytest.fixture
def crawl(mongo_uri, db, tmp_path):
    """Run the news spider on a registry (dict, YAML text or path) into the test's database."""

    def _crawl(registry: dict | str | Path | None = None, *args: str) -> CrawlResult:
        extra = list(args)
        if registry is not None:
            path = registry if isinstance(registry, Path) else write_registry(tmp_path, registry)
            extra = ["-a", f"sites={path}", *extra]
        return run_crawl(
            *extra, "-s", f"MONGO_UNSAVED_DIR={tmp_path}", mongo_uri=mongo_uri, database=db.name
        )

    return _crawl


@pytest.fixture
def sample_registry_for(sample_sites):
    """The demo registry pointing at this test's sample sites."""
    alyawm, sada = sample_sites
    return sample_registry(alyawm.base_url, sada.base_url)


# Tests that use these need the database server (and most of them a crawl in a subprocess):
# marked `integration`, so `make test-unit` can leave them out.
INTEGRATION_FIXTURES = {"mongo_uri", "db", "crawl"}


def pytest_collection_modifyitems(items):
    for item in items:
        if INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
