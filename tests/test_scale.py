"""A crawl at scale: 1,000 generated articles on two sites, every one stored once, its copies linked,
the sites' own lines learned, and no per-article database work (the throughput itself is
`make bench-crawl`'s job)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from contextlib import ExitStack

import pytest
from bson import json_util
from pymongo import MongoClient

from crawler.devtools.demo import PROJECT_ROOT, crawl_command, crawl_env
from crawler.store.local import FerretDB
from tests.conftest import interrupt_when, write_registry
from tests.data.generated_site import GeneratedSite
from tests.data.news_site import news_sites, serve

ARTICLES = 1000


def test_a_thousand_articles_are_each_stored_once(crawl, db, tmp_path):
    sites = news_sites(ARTICLES)
    with ExitStack() as stack:
        for server in serve(sites, tmp_path):
            stack.enter_context(server)
        registry = {"sites": [site.registry_entry() for site in sites]}
        result = crawl(registry)
    assert result.returncode == 0, result.log[-3000:]

    docs = {doc["_id"]: doc for doc in db.articles.find({}, {"search_text": 0})}
    expected = {site.url(i): (site, i) for site in sites for i in range(site.count)}
    assert set(docs) == set(expected)
    assert len(docs) == ARTICLES
    pairs = {source.url(j): site.url(i) for site in sites for i, (source, j) in site.copies.items()}
    for url, (site, i) in expected.items():
        doc = docs[url]
        assert doc["url"] == url and doc["site"] == site.name
        assert doc["body"].split("\n\n") == site.paragraphs(i), url
        if url not in pairs and url not in pairs.values():
            assert doc["duplicate_of"] is None, url
    # An original and its copy on the other site: one story, whichever was stored first leads it.
    for original, copy in pairs.items():
        a, b = docs[original], docs[copy]
        assert a["story_id"] == b["story_id"]
        assert {a["duplicate_of"], b["duplicate_of"]} in ({None, original}, {None, copy})
    assert len({doc["story_id"] for doc in docs.values()}) == ARTICLES - len(pairs)

    run = db.crawl_runs.find_one()
    assert run["status"] == "finished"
    assert run["counts"]["stored_new"] == ARTICLES and run["counts"]["unsaved"] == 0
    # Database work per article is a small constant: batches, not queries per article.
    commands = run["stats"]["akhbar/db/commands"]
    assert commands / ARTICLES < 0.5, commands
    assert "akhbar/browser/started" not in run["stats"], "no site needed the browser"


@pytest.mark.integration
def test_a_stalled_database_holds_the_crawl_back_and_a_stop_loses_nothing(tmp_path):
    """The database stops answering mid-crawl (SIGSTOP): articles queue up to MONGO_QUEUE_SIZE and
    the crawl waits instead of piling them up; Ctrl-C then ends it within the close timeout, and
    every article it scraped is either stored or in the unsaved file."""
    generated = GeneratedSite(count=400, delay=0.1)
    site = generated.server(tmp_path)
    with FerretDB() as server, site:
        database = "stall"
        path = write_registry(
            tmp_path, {"sites": [{"name": "gen", "base_url": site.base_url + "/"}]}
        )
        command = crawl_command(
            "-a", f"sites={path}", mongo_uri=server.uri, database=database,
            LOG_LEVEL="INFO", MONGO_UNSAVED_DIR=str(tmp_path), MONGO_QUEUE_SIZE="10",
            MONGO_BATCH_SIZE="5", MONGO_FLUSH_INTERVAL="0.2", MONGO_RETRIES="2",
            MONGO_RETRY_BACKOFF="0.1", MONGO_TIMEOUT_MS="2000", MONGO_SOCKET_TIMEOUT_MS="3000",
            MONGO_CLOSE_TIMEOUT="5",
        )  # fmt: skip
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=crawl_env(), stderr=subprocess.PIPE, text=True
        )
        client = MongoClient(server.uri, serverSelectionTimeoutMS=5000)
        try:
            deadline = time.monotonic() + 120
            while client[database].articles.estimated_document_count() < 20:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.05)
            os.kill(server.process.pid, signal.SIGSTOP)
            fetched_at_stall = len(article_requests(site))

            def fetched_on() -> bool:  # the crawl does not stall with the database
                return len(article_requests(site)) >= fetched_at_stall + 30

            stopped = time.monotonic()
            log = interrupt_when(process, fetched_on, timeout=60)
            took = time.monotonic() - stopped
        finally:
            os.kill(server.process.pid, signal.SIGCONT)
        stored = {d["_id"] for d in client[database].articles.find({}, {"_id": 1})}
        client.close()
    fetched = len(article_requests(site))
    assert fetched < 400, "the crawl was held back while the database did not answer"
    assert took < 60, f"the stop took {took:.0f}s"
    lines = [
        json_util.loads(line)
        for file in tmp_path.glob("akhbar-unsaved-*.jsonl")
        for line in file.read_text(encoding="utf-8").splitlines()
    ]
    unsaved = {doc["url"] for doc in lines}
    scraped = int(re.search(r"'item_scraped_count': (\d+)", log).group(1))
    assert unsaved, "what could not be written was kept on disk"
    assert len(stored | unsaved) == scraped, (len(stored), len(unsaved), scraped)
    assert re.search(r"'akhbar/mongo/unsaved': (\d+)", log).group(1) == str(len(lines))
    # The loss is where monitoring looks: the exit code, and the log's last words.
    assert process.returncode == 3
    assert f"{len(lines)} articles left in the unsaved file" in log


def article_requests(site) -> list[str]:
    return [p for p in site.paths() if p.startswith("/news/")]


@pytest.mark.integration
def test_a_database_restarted_mid_crawl_loses_nothing(tmp_path):
    """The database is killed mid-crawl of a 300-article site and started again 30 s later: the
    crawl waits (writes and dedupe commits are tried again while it is unreachable), then every
    article is stored exactly once, with its dedupe decision in the log, and the run is clean."""
    generated = GeneratedSite(count=300, delay=0.05)
    site = generated.server(tmp_path / "site")
    server = FerretDB(data_dir=tmp_path / "db")  # its data survives the kill
    with site:
        server.start()
        try:
            database = "restart"
            path = write_registry(
                tmp_path, {"sites": [{"name": "gen", "base_url": site.base_url + "/"}]}
            )
            command = crawl_command(
                "-a", f"sites={path}", mongo_uri=server.uri, database=database,
                LOG_LEVEL="INFO", MONGO_UNSAVED_DIR=str(tmp_path), MONGO_QUEUE_SIZE="10",
                MONGO_BATCH_SIZE="5", MONGO_FLUSH_INTERVAL="0.2", MONGO_TIMEOUT_MS="1000",
                MONGO_SOCKET_TIMEOUT_MS="3000", MONGO_RETRY_BACKOFF="0.2",
            )  # fmt: skip
            process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=crawl_env(), stderr=subprocess.PIPE, text=True
            )
            client = MongoClient(server.uri, serverSelectionTimeoutMS=5000)
            deadline = time.monotonic() + 120
            while client[database].articles.estimated_document_count() < 30:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.05)
            client.close()
            server.process.kill()
            server.process.wait()
            time.sleep(30)
            assert process.poll() is None, "the crawl waited for the database"
            server.start()
            log = process.communicate(timeout=300)[1]
            client = MongoClient(server.uri, serverSelectionTimeoutMS=5000)
            urls = [d["_id"] for d in client[database].articles.find({}, {"_id": 1})]
            logged = {
                entry["url"]
                for batch in client[database].dedupe_log.find({}, {"articles.url": 1})
                for entry in batch["articles"]
            }
            run = client[database].crawl_runs.find_one()
            client.close()
        finally:
            server.stop()
    assert process.returncode == 0, log[-3000:]
    assert len(urls) == len(set(urls)) == 300
    assert set(urls) <= logged  # every article has its dedupe decision
    assert run["status"] == "finished"
    assert run["counts"]["unsaved"] == 0 and run["counts"]["without_dedupe"] == 0
    assert not list(tmp_path.glob("akhbar-unsaved-*.jsonl"))
