"""The MongoDB sink against a real wire-protocol server: safe documents, merges, retries, no loss."""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime

import pytest
import scrapy
from bson import json_util
from scrapy.utils.test import get_crawler

from crawler import settings as akhbar_settings
from crawler.runtime.extensions import RunRecord
from crawler.store.local import FerretDB
from crawler.store.schema import safe_key, sanitize
from pipelines.mongo import MongoPipeline
from pipelines.validate import InvalidArticle, ValidatePipeline


def test_sanitize_makes_values_storable():
    result = sanitize(
        {
            "$where": "x",
            "a.b": {"c.d": 1},
            "text": "عنوان\x00 مع\ud800 خطأ",
            "score": math.nan,
            "inf": math.inf,
            "nested": [[1, [2]], 3, ("t",)],
            "ok": datetime(2026, 1, 1, tzinfo=UTC),
        }
    )
    assert result.value == {
        "_where": "x",
        "a_b": {"c_d": 1},
        "text": "عنوان مع خطأ",
        "score": None,
        "inf": None,
        "nested": [1, 2, 3, "t"],
        "ok": datetime(2026, 1, 1, tzinfo=UTC),
    }
    assert result.changes == 9  # 3 keys, 1 string, 2 numbers, 3 nested sequences
    assert sanitize({"title": "سليم", "tags": ["أ"]}).changes == 0
    assert safe_key("$") == "_" and safe_key("") == "_"


def make_pipeline(uri: str, database: str, tmp_path, **settings) -> MongoPipeline:
    project = {k: v for k, v in vars(akhbar_settings).items() if k.isupper()}
    crawler = get_crawler(
        settings_dict={
            **project,
            "MONGO_URI": uri,
            "MONGO_DATABASE": database,
            "MONGO_BATCH_SIZE": 100,
            "MONGO_FLUSH_INTERVAL": 60.0,
            "MONGO_RETRIES": 3,
            "MONGO_RETRY_BACKOFF": 0.01,
            "MONGO_TIMEOUT_MS": 300,
            "MONGO_UNSAVED_DIR": str(tmp_path),
            **settings,
        }
    )
    crawler.spider = scrapy.Spider(name="news")
    return MongoPipeline.from_crawler(crawler)


def article(url: str, **fields) -> dict:
    return {
        "url": url,
        "alternate_urls": [],
        "site": "s",
        "title": "عنوان",
        "body": "نص الخبر",
        "crawled_at": datetime(2026, 11, 29, tzinfo=UTC),
        "fetched_url": url,
        **fields,
    }


def test_unsafe_values_are_stored_after_sanitizing(mongo_uri, db, tmp_path):
    async def scenario():
        pipeline = make_pipeline(mongo_uri, db.name, tmp_path)
        await pipeline.open_spider()
        # The run record, as the extension writes it beside the sink.
        await RunRecord.from_crawler(pipeline.crawler).spider_opened(pipeline.crawler.spider)
        await pipeline.process_item(
            article(
                "https://a.example/1", title="عنوان\x00", tags=[["أ", "ب"]], word_count=math.nan
            )
        )
        await pipeline.close_spider()
        await pipeline.store.spider_closed(pipeline.crawler.spider, "finished")
        return pipeline

    pipeline = asyncio.run(scenario())
    doc = db.articles.find_one({"url": "https://a.example/1"})
    assert doc["title"] == "عنوان" and doc["tags"] == ["أ", "ب"] and doc["word_count"] is None
    assert "fetched_url" not in doc
    assert pipeline.stats.get_value("akhbar/mongo/sanitized_values") == 3
    indexes = {ix["name"]: ix for ix in db.articles.list_indexes()}
    assert {"url_unique", "site_published", "topic_published", "language", "story_id"} <= set(
        indexes
    )
    assert indexes["url_unique"]["unique"] is True
    run = db.crawl_runs.find_one()
    assert run["status"] == "finished" and run["counts"]["stored_new"] == 1


@pytest.mark.parametrize("same_batch", [True, False])
@pytest.mark.parametrize("canonical_first", [True, False])
def test_alternate_copy_never_overwrites_the_canonical_article(
    mongo_uri, db, tmp_path, same_batch, canonical_first
):
    url = "https://a.example/news/1"
    canonical = article(url, title="العنوان الكامل", authors=["كاتب"])
    amp = article(
        url,
        title="عنوان مختصر",
        authors=[],
        alternate_urls=["https://a.example/amp/news/1"],
        fetched_url="https://a.example/amp/news/1",
    )

    async def scenario():
        pipeline = make_pipeline(mongo_uri, db.name, tmp_path)
        await pipeline.open_spider()
        for item in [canonical, amp] if canonical_first else [amp, canonical]:
            await pipeline.process_item(item)
            if not same_batch:
                await pipeline.writer.flush()
        await pipeline.close_spider()
        await pipeline.store.spider_closed(pipeline.crawler.spider, "finished")

    asyncio.run(scenario())
    docs = list(db.articles.find({"url": url}))
    assert len(docs) == 1
    assert docs[0]["title"] == "العنوان الكامل" and docs[0]["authors"] == ["كاتب"]
    assert docs[0]["alternate_urls"] == ["https://a.example/amp/news/1"]


def test_partial_batches_are_flushed_on_the_interval(mongo_uri, db, tmp_path):
    async def scenario():
        pipeline = make_pipeline(mongo_uri, db.name, tmp_path, MONGO_FLUSH_INTERVAL=0.05)
        await pipeline.open_spider()
        await pipeline.process_item(article("https://a.example/interval"))
        stored = False
        for _ in range(200):  # wait for the flusher, not for a fixed time
            if await pipeline.store.db.articles.count_documents({}) == 1:
                stored = True
                break
            await asyncio.sleep(0.01)
        await pipeline.close_spider()
        await pipeline.store.spider_closed(pipeline.crawler.spider, "finished")
        return stored

    assert asyncio.run(scenario()), "a partial batch reached the database before close"


def test_batch_is_kept_on_disk_when_the_database_goes_away(tmp_path, mongo_uri, db):
    server = FerretDB().start()

    async def scenario():
        pipeline = make_pipeline(server.uri, "akhbar", tmp_path)
        await pipeline.open_spider()
        server.stop()
        await pipeline.process_item(article("https://a.example/lost-1"))
        await pipeline.process_item(
            article("https://a.example/lost-2", published_at=datetime(2026, 11, 1, tzinfo=UTC))
        )
        await pipeline.close_spider()
        await pipeline.store.spider_closed(pipeline.crawler.spider, "finished")
        return pipeline

    try:
        pipeline = asyncio.run(scenario())
    finally:
        server.stop()
    assert pipeline.stats.get_value("akhbar/mongo/unsaved") == 2
    (saved,) = tmp_path.glob("akhbar-unsaved-*.jsonl")
    docs = [json_util.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    assert [d["url"] for d in docs] == ["https://a.example/lost-1", "https://a.example/lost-2"]
    assert docs[1]["published_at"] == datetime(2026, 11, 1)  # dates survive as BSON dates
    # Each line is the document the crawl would have inserted: importable as it is.
    assert [d["_id"] for d in docs] == [d["url"] for d in docs]
    assert all("fetched_url" not in d and d["search_text"] for d in docs)
    assert docs[1]["published_day"] == "2026-11-01"
    for doc in docs:  # what `mongoimport --mode=upsert` does with each line
        db.articles.replace_one({"_id": doc["_id"]}, doc, upsert=True)
    assert sorted(db.articles.distinct("_id")) == [d["url"] for d in docs]
    db.articles.drop()

    # Or the next run, on a database that answers, replays the file itself, once.
    async def next_run():
        pipeline = make_pipeline(mongo_uri, db.name, tmp_path)
        await pipeline.open_spider()
        known = await pipeline.store.stored_articles(["s"])
        await pipeline.close_spider()
        await pipeline.store.spider_closed(pipeline.crawler.spider, "finished")
        return pipeline, known

    pipeline, known = asyncio.run(next_run())
    assert pipeline.stats.get_value("akhbar/mongo/replayed") == 2
    assert sorted(db.articles.distinct("_id")) == [d["url"] for d in docs]
    assert sorted(a.url for a in known) == [d["url"] for d in docs]  # not fetched again
    assert not saved.exists() and saved.with_name(saved.name + ".replayed").exists()
    pipeline, _ = asyncio.run(next_run())
    assert pipeline.stats.get_value("akhbar/mongo/replayed") is None


def test_spooled_articles_are_written_once_the_database_is_back(tmp_path):
    """An outage longer than the wait spools a batch; the first batch that goes through after it
    brings the spooled articles along, in the same run: nothing is left for the next one."""
    server = FerretDB(data_dir=tmp_path / "db").start()

    async def wait_for(check) -> None:
        for _ in range(500):
            if check():
                return
            await asyncio.sleep(0.01)
        raise AssertionError("timed out")

    async def scenario():
        pipeline = make_pipeline(
            server.uri, "akhbar", tmp_path,
            MONGO_BATCH_SIZE=1, MONGO_FLUSH_INTERVAL=0.01, MONGO_OUTAGE_SECONDS=0,
        )  # fmt: skip
        await pipeline.open_spider()
        stats = pipeline.stats
        server.stop()
        await pipeline.process_item(article("https://a.example/during-1"))
        await pipeline.process_item(article("https://a.example/during-2"))
        await wait_for(lambda: stats.get_value("akhbar/mongo/unsaved") == 2)
        server.start()
        await pipeline.process_item(article("https://a.example/after"))
        await wait_for(lambda: stats.get_value("akhbar/mongo/unsaved_replayed") == 2)
        urls = sorted(await pipeline.store.db.articles.distinct("_id"))
        await pipeline.close_spider()
        record = RunRecord(pipeline.crawler)
        record.store = pipeline.store
        return urls, record._end_document("finished")

    try:
        urls, record = asyncio.run(scenario())
    finally:
        server.stop()
    assert urls == [f"https://a.example/{name}" for name in ("after", "during-1", "during-2")]
    (spool,) = tmp_path.glob("akhbar-unsaved-*")
    assert spool.name.endswith(".jsonl.replayed")  # the next run has nothing to replay
    assert record["status"] == "finished"
    assert record["counts"]["unsaved"] == 0 and record["counts"]["replayed"] == 2


def test_a_document_the_database_refuses_does_not_hold_its_file_back(tmp_path, mongo_uri, db):
    """An unsaved file left by an earlier run with one document the server refuses (on
    FerretDB: a nested array): the others are replayed, the refused one set aside in the rejected file."""
    docs = [
        {"_id": f"https://a.example/{n}", "url": f"https://a.example/{n}", "tags": tags}
        for n, tags in (("1", ["أ"]), ("2", [["ب"]]), ("3", ["ج"]))
    ]
    earlier = tmp_path / "akhbar-unsaved-earlier.jsonl"
    earlier.write_text("".join(json_util.dumps(d) + "\n" for d in docs), encoding="utf-8")

    async def next_run():
        pipeline = make_pipeline(mongo_uri, db.name, tmp_path)
        await pipeline.open_spider()
        await pipeline.close_spider()
        return pipeline

    pipeline = asyncio.run(next_run())
    assert sorted(db.articles.distinct("_id")) == ["https://a.example/1", "https://a.example/3"]
    assert pipeline.stats.get_value("akhbar/drop/db_rejected") == 1
    (rejected,) = tmp_path.glob("akhbar-rejected-*.jsonl")
    assert [json_util.loads(line)["_id"] for line in rejected.read_text().splitlines()] == [
        "https://a.example/2"
    ]
    assert not earlier.exists()


def test_validate_drops_are_counted():
    crawler = get_crawler(settings_dict={"VALIDATE_MIN_WORDS": 3})
    stage = ValidatePipeline.from_crawler(crawler)
    cases = {
        "missing_url": article("", body="نص طويل بما يكفي هنا"),
        "missing_title": article("https://a.example/1", title="  ", body="نص طويل بما يكفي هنا"),
        "empty_body": article("https://a.example/2", body=" \n "),
        "short_body": article("https://a.example/3", body="عاجل فقط"),
    }
    for reason, item in cases.items():
        with pytest.raises(InvalidArticle) as dropped:
            stage.process_item(item)
        assert dropped.value.reason == reason
        assert crawler.stats.get_value(f"akhbar/drop/{reason}") == 1
    good = article("https://a.example/4", body="نص طويل بما يكفي هنا")
    assert stage.process_item(good) is good


@pytest.mark.parametrize(
    ("stats", "status", "losses"),
    [
        ({}, "finished", 0),
        ({"akhbar/mongo/unsaved": 2}, "finished_with_losses", 2),
        ({"akhbar/dedupe/error": 1}, "finished_with_losses", 1),
        ({"akhbar/mongo/unsaved": 1}, "shutdown", 1),  # a stop says it was a stop
        # Spooled, then written from the spool before the end: nothing lost.
        ({"akhbar/mongo/unsaved": 3, "akhbar/mongo/unsaved_replayed": 3}, "finished", 0),
        (
            {"akhbar/mongo/unsaved": 3, "akhbar/mongo/unsaved_replayed": 2},
            "finished_with_losses",
            1,
        ),
        ({"akhbar/drop/db_rejected": 1}, "finished_with_losses", 1),
    ],
)
def test_a_run_with_losses_says_so(stats, status, losses):
    crawler = get_crawler(settings_dict={"MONGO_URI": "mongodb://127.0.0.1:9/"})
    for key, value in stats.items():
        crawler.stats.set_value(key, value)
    reason = "shutdown" if status == "shutdown" else "finished"
    record = RunRecord(crawler)._end_document(reason)
    assert record["status"] == status
    counts = record["counts"]
    assert counts["unsaved"] + counts["rejected"] + counts["without_dedupe"] == losses
    assert crawler.stats.get_value("akhbar/run/losses") == losses


def test_oversized_fields_are_cut_and_counted():
    crawler = get_crawler(settings_dict={"VALIDATE_MIN_WORDS": 3})
    stage = ValidatePipeline.from_crawler(crawler)
    paragraph = "كلمة " * 2000
    item = article(
        "https://a.example/huge",
        title="عنوان " * 15_000,  # 90,000 characters
        body="\n\n".join([paragraph] * 200),  # 2 million characters
        authors=[f"كاتب {i}" for i in range(500)],
        tags=["وسم" * 1000],
    )
    stage.process_item(item)
    assert len(item["title"]) <= 1_000 and not item["title"].endswith("عنو")
    assert 500_000 < len(item["body"]) <= 1_000_000
    assert len(item["authors"]) == 20 and len(item["tags"][0]) == 200
    for field in ("title", "body", "authors", "tags"):
        assert crawler.stats.get_value(f"akhbar/truncated/{field}") == 1
    assert crawler.stats.get_value("akhbar/truncated/description") is None
