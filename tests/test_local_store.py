"""The managed local store: without MONGO_URI, the corpus stays between commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from pymongo import MongoClient

from crawler.devtools.demo import PROJECT_ROOT
from crawler.store.local import LocalStore

pytestmark = pytest.mark.integration


@pytest.fixture
def home(tmp_path):
    """A data directory of its own; the store in it is stopped whatever the test did."""
    home = tmp_path / "akhbar-home"
    yield home
    LocalStore(home).stop()


def akhbar(home, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MONGO_URI", "MONGO_DATABASE")}
    env["AKHBAR_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "crawler.commands", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_demo_corpus_stays_for_the_next_commands_until_the_store_is_stopped(home):
    demo = akhbar(home, "demo")
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert "Stored 8 articles in akhbar.articles" in demo.stdout

    # Another process, no options: the demo's articles.
    stats = akhbar(home, "stats", "--json")
    assert stats.returncode == 0, stats.stderr[-2000:]
    summary = json.loads(stats.stdout)
    assert summary["articles"] == 8
    assert {row["value"]: row["n"] for row in summary["by_site"]} == {
        "akhbar_alyawm": 4,
        "sada_wp": 4,
    }
    search = akhbar(home, "search", "طرابلس", "--json")
    assert search.returncode == 0 and "ترميم أسواق طرابلس القديمة" in search.stdout

    # What mongosh or Compass would be given.
    uri = akhbar(home, "db", "uri").stdout.strip()
    assert uri.startswith("mongodb://127.0.0.1:")
    with MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        assert client.akhbar.articles.count_documents({}) == 8
    status = akhbar(home, "db", "status")
    assert status.returncode == 0 and "running" in status.stdout and uri in status.stdout

    stopped = akhbar(home, "db", "stop")
    assert stopped.stdout.strip() == "stopped"
    status = akhbar(home, "db", "status")
    assert status.returncode == 3 and "stopped" in status.stdout
    assert not (home / "ferretdb.pid").exists()

    # Started again on demand, with the same data.
    uri = akhbar(home, "db", "uri").stdout.strip()
    with MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        assert client.akhbar.articles.count_documents({}) == 8
    assert akhbar(home, "db", "stop").stdout.strip() == "stopped"
    assert akhbar(home, "db", "stop").stdout.strip() == "not running"


def test_commands_starting_together_share_one_server(home):
    with ThreadPoolExecutor(4) as pool:
        uris = list(pool.map(lambda _: akhbar(home, "db", "uri").stdout.strip(), range(4)))
    assert len(set(uris)) == 1 and uris[0].startswith("mongodb://127.0.0.1:")
    ferretdbs = subprocess.run(
        ["pgrep", "-f", "--", f"--state-dir={home}/ferretdb"], capture_output=True, text=True
    )
    assert len(ferretdbs.stdout.split()) == 1
