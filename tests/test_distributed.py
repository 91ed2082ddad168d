"""Distributed mode: two worker processes share one crawl through a real Redis server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time

import pytest
import redis

from crawler.devtools.demo import PROJECT_ROOT, crawl_command, crawl_env
from tests.conftest import write_registry
from tests.data.generated_site import GeneratedSite


@pytest.fixture
def redis_url(tmp_path):
    """Debian's redis-server on a free loopback port, without persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (make redis installs Debian's package)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_two_workers_share_one_crawl(mongo_uri, db, tmp_path, redis_url):
    generated = GeneratedSite(count=200, delay=0.1)
    server = generated.server(tmp_path)
    with server:
        # About 20 requests a second per worker: one worker alone would need 10 s, far longer than
        # the other needs to notice the queue filling (an idle engine looks every 5 s). A delay,
        # not a concurrency: Scrapy 2.19 starts every queued request of an undelayed slot at once.
        site = {"name": "gen", "base_url": f"{server.base_url}/", "delay": 0.05}
        path = write_registry(tmp_path, {"sites": [site]})
        env = {**crawl_env(), "REDIS_URL": redis_url}
        enqueue = subprocess.run(
            [sys.executable, "-m", "crawler.commands", "enqueue", "--sites", str(path)],
            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert enqueue.returncode == 0, enqueue.stderr[-2000:]
        assert "gen: 2 start requests queued" in enqueue.stdout
        command = crawl_command(
            "-a", f"sites={path}", mongo_uri=mongo_uri, database=db.name,
            DISTRIBUTED_IDLE_CLOSE="4",
        )  # fmt: skip
        workers = [
            subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        logs = [worker.communicate(timeout=300)[1] for worker in workers]
    for worker, log in zip(workers, logs, strict=True):
        assert worker.returncode == 0, log[-3000:]
        assert "Distributed worker: waiting for requests in Redis" in log
    urls = [d["_id"] for d in db.articles.find({}, {"_id": 1})]
    assert len(urls) == len(set(urls)) == 200
    # Each article page was fetched once, by one worker or the other.
    assert sorted(p for p in server.paths() if p.startswith("/news/")) == sorted(
        generated.path(i) for i in range(200)
    )
    runs = list(db.crawl_runs.find())
    assert len(runs) == 2
    shares = [run["counts"]["stored_new"] for run in runs]
    assert sum(shares) == 200 and min(shares) > 0, shares


@pytest.mark.integration
def test_enqueue_without_redis_says_so(tmp_path):
    env = {k: v for k, v in crawl_env().items() if k != "REDIS_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "crawler.commands", "enqueue"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "REDIS_URL is not set" in done.stderr
