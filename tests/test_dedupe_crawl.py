"""End to end: two local sites with syndicated stories, crawled into the real database."""

from __future__ import annotations

import subprocess
from collections import defaultdict

import pytest

from crawler.devtools.demo import PROJECT_ROOT, crawl_command, crawl_env
from crawler.devtools.sampleserver import Reply, SampleSite
from crawler.store.dedupe import LOG, SEQ
from tests.conftest import write_registry
from tests.data.syndication import (
    SAME_ARTICLE_PATHS,
    SAME_EVENT,
    WIRE_STORIES,
    republisher_pages,
    wire_site_pages,
)


@pytest.fixture
def syndication_sites(tmp_path):
    with SampleSite(tmp_path, {}) as wire, SampleSite(tmp_path, {}) as rep:
        wire.routes.update({p: Reply(body=b) for p, b in wire_site_pages(wire.base_url).items()})
        rep.routes.update({p: Reply(body=b) for p, b in republisher_pages().items()})
        registry = {
            "sites": [
                {
                    "name": "wire",
                    "base_url": wire.base_url + "/",
                    "article_url_pattern": "/(news|amp|print)/",
                },
                {
                    "name": "rep",
                    "base_url": rep.base_url + "/",
                    "article_url_pattern": "/(news|analysis)/",
                },
            ]
        }
        yield wire, rep, registry


def by_url(db) -> dict[str, dict]:
    return {doc["url"]: doc for doc in db.articles.find()}


def cbe_urls(wire) -> set[str]:
    return {f"{wire.base_url}/news/cbe_rates"} | {wire.base_url + p for p in SAME_ARTICLE_PATHS}


def check_stories(docs: dict[str, dict], wire, rep) -> None:
    """One document per article; syndicated copies share a story with exactly one first."""
    cbe = cbe_urls(wire)
    # One article under four URLs of the wire site (canonical, AMP, print, re-slugged update).
    cbe_docs = [d for d in docs.values() if d["url"] in cbe]
    assert len(cbe_docs) == 1
    assert {cbe_docs[0]["url"], *cbe_docs[0]["alternate_urls"]} == cbe
    assert len(cbe_docs[0]["alternate_urls"]) == 3

    stories = defaultdict(list)
    for doc in docs.values():
        assert len(doc["content_hash"]) == 32
        stories[doc["story_id"]].append(doc)
    for name in WIRE_STORIES:
        copy = docs[f"{rep.base_url}/news/{name}-copy"]
        members = stories[copy["story_id"]]
        # The wire article (whichever of its URLs was stored) and the republished copy.
        assert len(members) == 2, name
        [original] = [d for d in members if d is not copy]
        assert original["site"] == "wire" and copy["site"] == "rep"
        firsts = [d for d in members if d["duplicate_of"] is None]
        assert len(firsts) == 1
        later = next(d for d in members if d["duplicate_of"] is not None)
        assert later["duplicate_of"] == firsts[0]["url"]
    for name in SAME_EVENT:
        analysis = docs[f"{rep.base_url}/analysis/{name}"]
        # A different article on the same event: its own story.
        assert [d["url"] for d in stories[analysis["story_id"]]] == [analysis["url"]]
        assert analysis["duplicate_of"] is None


def test_syndicated_stories_share_story_id_and_copies_are_stored_once(crawl, db, syndication_sites):
    wire, rep, registry = syndication_sites
    first = crawl(registry)
    assert first.returncode == 0, first.log[-3000:]
    docs = by_url(db)
    # 5 wire stories (one of them under 4 URLs) + 5 copies + 3 same-event articles.
    assert len(docs) == 13
    check_stories(docs, wire, rep)
    run = db.crawl_runs.find_one()
    assert run["stats"]["akhbar/duplicates/syndicated"] == 5
    # Print and re-slugged copies; when one of them was stored first, the canonical page (read
    # twice: off its AMP copy, then itself) is the copy.
    assert run["stats"]["akhbar/duplicates/same_site"] in (2, 3)

    # Everything again (refresh): every copy is recognised again, nothing new is stored.
    second = crawl(registry, "-a", "refresh=true")
    assert second.returncode == 0, second.log[-3000:]
    runs = list(db.crawl_runs.find().sort("started_at", 1))
    assert runs[-1]["counts"]["stored_new"] == 0
    assert runs[-1]["counts"]["items_scraped"] >= 13
    again = by_url(db)
    assert again.keys() == docs.keys()
    for url, doc in again.items():
        assert doc["story_id"] == docs[url]["story_id"]
        assert doc["duplicate_of"] == docs[url]["duplicate_of"]
        assert sorted(doc["alternate_urls"]) == sorted(docs[url]["alternate_urls"])


def test_drop_mode_records_copies_on_the_first_article(crawl, db, syndication_sites):
    _, rep, registry = syndication_sites
    result = crawl(registry, "-s", "DEDUPE_MODE=drop")
    assert result.returncode == 0, result.log[-3000:]
    docs = by_url(db)
    assert len(docs) == 8  # 5 wire stories + 3 same-event articles: the copies were dropped
    run = db.crawl_runs.find_one()
    assert run["drops"]["duplicate"] == 5
    recorded = {u for d in docs.values() for u in d["alternate_urls"] if u.startswith(rep.base_url)}
    copies = {f"{rep.base_url}/news/{n}-copy" for n in WIRE_STORIES}
    # Which copy was seen first is up to the crawl; every copy URL ends up on some first article.
    stored_copies = {u for u in docs if u in copies}
    assert recorded | stored_copies == copies
    for url in stored_copies:  # a copy that happened to come first is the story's first
        assert docs[url]["duplicate_of"] is None


def test_two_crawlers_at_once_make_one_first_per_story(mongo_uri, db, tmp_path, syndication_sites):
    wire, rep, registry = syndication_sites
    path = write_registry(tmp_path, registry)
    processes = [
        subprocess.Popen(
            crawl_command(
                "-a", f"sites={path}", mongo_uri=mongo_uri, database=db.name, LOG_LEVEL="INFO"
            ),
            cwd=PROJECT_ROOT,
            env=crawl_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    logs = [p.communicate(timeout=300)[1] for p in processes]
    for process, log in zip(processes, logs, strict=True):
        assert process.returncode == 0, log[-3000:]
    assert db.crawl_runs.count_documents({}) == 2
    docs = by_url(db)
    assert len(docs) == 13
    check_stories(docs, wire, rep)
    # Each article was decided once, by one of the two workers, in the one order of the log.
    entries = {d["_id"]: d for d in db[LOG].find()}
    decided = [a["url"] for c in db[SEQ].find() for a in entries[c["entry"]]["articles"]]
    # 13 stored + 2 same-site aliases (the AMP page names the canonical URL: no decision of its own).
    assert len(decided) == len(set(decided)) == 15


def test_drop_mode_when_the_republisher_was_crawled_first(crawl, db, syndication_sites):
    """The wire's four URLs of one article are copies of a dropped copy: all go to the first."""
    wire, rep, registry = syndication_sites
    assert crawl(registry, "-a", "site=rep", "-s", "DEDUPE_MODE=drop").returncode == 0
    result = crawl(registry, "-a", "site=wire", "-s", "DEDUPE_MODE=drop")
    assert result.returncode == 0, result.log[-3000:]
    docs = by_url(db)
    assert {d["site"] for d in docs.values()} == {"rep"}  # nothing of the wire stored
    assert len(docs) == 8
    cbe_copy = docs[f"{rep.base_url}/news/cbe_rates-copy"]
    assert cbe_urls(wire) <= set(cbe_copy["alternate_urls"])
