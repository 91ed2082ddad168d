"""Operating crawls: incremental runs, refresh, max_age, and resuming an interrupted crawl."""

from __future__ import annotations

import itertools
import subprocess
import time

import pytest
from bson import ObjectId

from crawler.devtools.demo import PROJECT_ROOT, crawl_command, crawl_env
from crawler.devtools.sampleserver import Reply, SampleSite
from crawler.stats import site_flag
from crawler.text.fingerprint import fingerprint, signature_bytes
from tests.conftest import interrupt_when, write_registry
from tests.data.generated_site import GeneratedSite


@pytest.fixture
def news_site(tmp_path):
    generated = GeneratedSite(count=12)
    server = generated.server(tmp_path)
    with server:
        yield server, generated


def registry(server: SampleSite, **extra) -> dict:
    return {"sites": [{"name": "gen", "base_url": f"{server.base_url}/", **extra}]}


def article_requests(server: SampleSite) -> list[str]:
    return [p for p in server.paths() if p.startswith("/news/")]


def last_run(db) -> dict:
    return db.crawl_runs.find_one(sort=[("started_at", -1)])


def test_incremental_runs_fetch_and_store_only_new_articles(crawl, db, news_site):
    server, generated = news_site
    assert crawl(registry(server)).returncode == 0
    assert db.articles.count_documents({}) == 12

    # Nothing new: no stored article is requested, nothing is written.
    server.requests.clear()
    result = crawl(registry(server), "-s", "PROGRESS_INTERVAL=0.5")
    assert result.returncode == 0, result.log[-3000:]
    assert article_requests(server) == []
    assert last_run(db)["counts"]["stored_new"] == 0
    assert last_run(db)["counts"]["stored_updated"] == 0
    assert last_run(db)["flags"] == {"gen": "nothing_new"}
    assert "12 known skipped" in result.log  # the progress line

    # Three new articles: exactly those are fetched and stored.
    generated.count = 15
    server.requests.clear()
    result = crawl(registry(server))
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(article_requests(server)) == sorted(generated.path(i) for i in (12, 13, 14))
    assert last_run(db)["counts"]["stored_new"] == 3
    assert db.articles.count_documents({}) == 15


def test_refresh_updates_changed_articles_in_place(crawl, db, news_site):
    server, generated = news_site
    assert crawl(registry(server)).returncode == 0
    before = {d["_id"]: d for d in db.articles.find()}
    changed = f"{server.base_url}{generated.path(3)}"
    generated.edits[3] = "a corrected version"

    result = crawl(registry(server), "-a", "refresh=true")
    assert result.returncode == 0, result.log[-3000:]
    assert len(article_requests(server)) == 2 * 12  # every stored article fetched again
    after = {d["_id"]: d for d in db.articles.find()}
    assert after.keys() == before.keys()  # no duplicate
    assert after[changed]["body"] != before[changed]["body"]
    assert after[changed]["content_hash"] != before[changed]["content_hash"]
    assert after[changed]["crawled_at"] > before[changed]["crawled_at"]
    assert after[changed]["modified_at"] >= after[changed]["published_at"]
    for url, doc in after.items():
        if url != changed:  # unchanged articles are not written at all
            assert doc["crawled_at"] == before[url]["crawled_at"]
            assert doc["body"] == before[url]["body"]
    run = last_run(db)
    assert run["counts"]["stored_updated"] == 1 and run["counts"]["stored_new"] == 0


def test_sitemap_entries_older_than_max_age_are_not_fetched(crawl, db, tmp_path):
    generated = GeneratedSite(count=10, old={0, 1, 2, 3})
    server = generated.server(tmp_path)
    with server:
        # Sitemap only: the home page's links would reach the old articles anyway.
        result = crawl(registry(server, max_age="2d"), "-s", "CRAWL_FOLLOW_LINKS=false")
        assert result.returncode == 0, result.log[-3000:]
        fetched = set(article_requests(server))
        assert fetched == {generated.path(i) for i in range(4, 10)}
        assert last_run(db)["stats"]["akhbar/incremental/skipped_old"] == 4
        # A backfill: `-a max_age=0` lifts the limit; the six stored ones are still not fetched.
        server.requests.clear()
        result = crawl(
            registry(server, max_age="2d"), "-a", "max_age=0", "-s", "CRAWL_FOLLOW_LINKS=false"
        )
        assert result.returncode == 0, result.log[-3000:]
        assert set(article_requests(server)) == {generated.path(i) for i in range(4)}
    assert db.articles.count_documents({}) == 10


def test_interrupted_crawl_resumes_and_stores_every_article_once(mongo_uri, db, tmp_path):
    generated = GeneratedSite(count=120, delay=0.1)
    server = generated.server(tmp_path)
    jobdir = tmp_path / "job"
    with server:
        path = write_registry(tmp_path, registry(server))
        command = crawl_command(
            "-a", f"sites={path}", mongo_uri=mongo_uri, database=db.name, JOBDIR=str(jobdir)
        )
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=crawl_env(), stderr=subprocess.PIPE, text=True
        )
        log = interrupt_when(process, lambda: len(article_requests(server)) >= 20)
        assert process.returncode == 0, log[-2000:]
        interrupted = db.articles.count_documents({})
        assert 20 <= interrupted < 120, "the first run stopped mid-way"
        assert (jobdir / "requests.queue").exists()

        resumed = subprocess.run(
            command, cwd=PROJECT_ROOT, env=crawl_env(), capture_output=True, text=True, timeout=300
        )
        assert resumed.returncode == 0, resumed.stderr[-3000:]
    urls = [d["_id"] for d in db.articles.find({}, {"_id": 1})]
    assert len(urls) == len(set(urls)) == 120
    # Each article page was fetched once or, if it was in flight at the interruption, twice.
    requests = article_requests(server)
    assert set(requests) == {generated.path(i) for i in range(120)}
    assert len(requests) <= 120 + 16
    runs = list(db.crawl_runs.find().sort("started_at", 1))
    assert [r["status"] for r in runs] == ["shutdown", "finished"]
    assert runs[1]["counts"]["stored_new"] == 120 - interrupted


@pytest.mark.parametrize(
    ("counts", "flag"),
    [
        ({"pages/fetched": 30, "pages/article": 10, "stored/new": 10}, None),
        ({}, "no_pages"),
        ({"pages/fetched": 3, "blocked/challenge": 3}, "blocked"),
        ({"pages/fetched": 40, "pages/listing": 40}, "no_articles"),
        (
            {"pages/fetched": 20, "pages/article": 10, "drop/empty_body": 6, "stored/new": 4},
            "empty_articles",
        ),
        ({"pages/fetched": 5, "incremental/skipped_stored": 30}, "nothing_new"),
        ({"pages/fetched": 5, "pages/article": 3, "stored/existing": 3}, "nothing_new"),
        ({"pages/fetched": 5, "pages/article": 3, "drop/language": 3}, "stored_nothing"),
        (
            {"pages/fetched": 9, "pages/article": 3, "stored/new": 3, "url_pattern/timeout": 2},
            "slow_pattern",
        ),
    ],
)
def test_site_flags(counts, flag):
    assert site_flag(counts) == flag


def test_a_site_without_articles_is_flagged(crawl, db, tmp_path):
    home = b"<html><body><a href='/about'>about</a></body></html>"
    server = SampleSite(tmp_path, {"/": Reply(body=home), "/about": Reply(body=home)})
    with server:
        result = crawl(registry(server))
    assert result.returncode == 0, result.log[-3000:]
    assert last_run(db)["flags"] == {"gen": "no_articles"}
    assert "Site gen flagged: no_articles" in result.log


def test_registry_concurrency_and_delay_apply_per_site(crawl, db, tmp_path):
    generated = GeneratedSite(count=8)
    server = generated.server(tmp_path)
    times: list[float] = []
    in_flight = [0, 0]  # now, most

    def timed(route):
        def serve(path: str) -> Reply:
            in_flight[0] += 1
            in_flight[1] = max(in_flight)
            times.append(time.monotonic())
            try:
                time.sleep(0.05)
                return route(path)
            finally:
                in_flight[0] -= 1

        return serve

    for i in range(8):
        server.routes[generated.path(i)] = timed(server.routes[generated.path(i)])
    with server:
        result = crawl(registry(server, concurrency=1, delay=0.4))
    assert result.returncode == 0, result.log[-3000:]
    assert db.articles.count_documents({}) == 8
    assert in_flight[1] == 1, "one request at a time to this site"
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Scrapy randomizes a slot's delay between 0.5x and 1.5x.
    assert min(gaps) >= 0.4 * 0.5 - 0.02, gaps


def test_a_database_from_before_the_storage_layer_is_read_as_it_is(crawl, db, news_site):
    """No URL log and the old dedupe collections: stored URLs are indexed once from `articles`,
    and the old dedupe decisions still recognise copies of the articles they cover."""
    server, generated = news_site
    assert crawl(registry(server)).returncode == 0
    # What the previous version left: the articles, and dedupe state per URL.
    for name in ("article_urls", "dedupe_log", "dedupe_seq"):
        db.drop_collection(name)
    for doc in db.articles.find().sort("crawled_at", 1):
        found = fingerprint(doc["body"])
        db.dedupe_docs.insert_one(
            {"_id": doc["_id"], "site": doc["site"], "hash": found.content_hash,
             "sig": signature_bytes(found.signature), "order": ObjectId()}
        )  # fmt: skip
        db.dedupe_decisions.insert_one(
            {"_id": doc["_id"], "story_id": doc["story_id"], "first": doc["_id"]}
        )

    generated.count = 15
    generated.edits[12] = "article-0"  # article 12 is article 0 again, under another URL
    server.requests.clear()
    result = crawl(registry(server))
    assert result.returncode == 0, result.log[-3000:]
    assert "Indexing the stored article URLs once" in result.log
    assert sorted(article_requests(server)) == sorted(generated.path(i) for i in (12, 13, 14))
    first = db.articles.find_one({"_id": f"{server.base_url}{generated.path(0)}"})
    assert first["alternate_urls"] == [f"{server.base_url}{generated.path(12)}"]
    assert db.articles.count_documents({}) == 14
    assert last_run(db)["stats"]["akhbar/duplicates/same_site"] == 1

    # The next run reads the URL log that was built, not `articles`.
    server.requests.clear()
    result = crawl(registry(server))
    assert result.returncode == 0, result.log[-3000:]
    assert "Indexing the stored article URLs" not in result.log
    assert article_requests(server) == []


def test_an_article_imported_with_a_foreign_id_does_not_stop_its_site(crawl, db, news_site):
    """An article loaded by other means (mongoimport of a file without `_id`: an ObjectId) is
    known by its `url` field: the next crawl of the site runs, skips it, and stores the rest."""
    server, generated = news_site
    imported = f"{server.base_url}{generated.path(3)}"
    db.articles.insert_one(
        {"_id": ObjectId(), "url": imported, "site": "gen", "title": "t", "body": "b"}
    )
    result = crawl(registry(server))
    assert result.returncode == 0, result.log[-3000:]
    assert generated.path(3) not in article_requests(server)
    assert db.articles.count_documents({"_id": {"$type": "string"}}) == 11
    assert db.articles.count_documents({"url": imported}) == 1


def test_a_killed_crawl_with_a_jobdir_is_resumed_and_recorded_as_killed(mongo_uri, db, tmp_path):
    """SIGKILL mid-crawl, then the same command: the job directory the kill left (a seen-set
    naming every request, no queue) is rebuilt instead of filtering every start request, every
    article ends up stored once, and the dead run's record says `killed`."""
    generated = GeneratedSite(count=120, delay=0.1)
    server = generated.server(tmp_path)
    jobdir = tmp_path / "job"
    with server:
        path = write_registry(tmp_path, registry(server))
        command = crawl_command(
            "-a", f"sites={path}", mongo_uri=mongo_uri, database=db.name, JOBDIR=str(jobdir),
            MONGO_FLUSH_INTERVAL="0.2",
        )  # fmt: skip
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=crawl_env(), stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while db.articles.estimated_document_count() < 20:
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        process.kill()
        process.wait()
        killed = db.articles.count_documents({})
        assert 20 <= killed < 120, "the first run died mid-way"
        assert (jobdir / "requests.seen").exists() and (jobdir / "akhbar.running").exists()

        resumed = subprocess.run(
            command, cwd=PROJECT_ROOT, env=crawl_env(), capture_output=True, text=True, timeout=300
        )
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        assert "did not stop cleanly" in resumed.stderr
    urls = [d["_id"] for d in db.articles.find({}, {"_id": 1})]
    assert len(urls) == len(set(urls)) == 120
    assert not (jobdir / "akhbar.running").exists()
    runs = list(db.crawl_runs.find().sort("started_at", 1))
    assert [r["status"] for r in runs] == ["killed", "finished"]
    assert runs[1]["counts"]["stored_new"] == 120 - killed
    assert runs[1]["stats"]["akhbar/jobdir/rebuilt"] == 1
