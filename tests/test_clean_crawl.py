"""End to end: a site whose pages carry their own header and footer lines, crawled into the real
database, comes out with exactly its story paragraphs; what was learned holds for the next run."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.devtools.sampleserver import SampleSite
from crawler.text.fingerprint import content_hash
from tests.data.noisy_site import NOISE, SITE_NAME, noisy_articles, noisy_routes


@pytest.fixture
def noisy_site(tmp_path):
    articles = noisy_articles(12)
    with SampleSite(tmp_path, noisy_routes(articles)) as site:
        yield site, articles


def registry_for(site: SampleSite) -> dict:
    return {
        "sites": [
            {
                "name": "nafitha",
                "base_url": site.base_url + "/",
                "timezone": "Asia/Beirut",
                "selectors": {"date": ".date"},
                "article_url_pattern": r"/news/\d+$",
            }
        ]
    }


def stored(db, site):
    return {d["url"][len(site.base_url) :]: d for d in db.articles.find()}


@pytest.mark.parametrize("written", ["in batches", "one by one"])
def test_site_boilerplate_is_learned_and_removed_without_losing_story_text(
    crawl, db, noisy_site, written
):
    site, articles = noisy_site
    registry = registry_for(site)
    settings = []
    if written == "one by one":
        # Fetched and written one at a time: the articles before the learning are stored when it
        # happens, and are cleaned again in the database after the run, not in the writer's queue.
        registry["sites"][0] |= {"concurrency": 1, "delay": 0.2}
        settings = ["-s", "MONGO_BATCH_SIZE=1", "-s", "DEDUPE_BATCH_SIZE=1"]
    result = crawl(registry, *settings)
    assert result.returncode == 0, result.log[-3000:]

    docs = stored(db, site)
    assert set(docs) == {a.path for a in articles}
    for article in articles:
        doc = docs[article.path]
        for line in NOISE:
            assert line not in doc["body"], (article.path, line)
        assert SITE_NAME not in doc["body"]
        assert "اقرأ أيضا" not in doc["body"]
        # Exactly the story's paragraphs: nothing genuine removed, the background sentence kept.
        assert doc["body"].split("\n\n") == article.paragraphs
        assert doc["word_count"] == len(article.body.split())
        assert doc["content_hash"] == content_hash(doc["body"])  # also after cleaning it again
        assert doc["title"] == article.title  # " - نافذة الشرق" learned from repetition
        assert doc["authors"] == article.authors
        day = int(article.path[-2:]) + 1
        # "الأحد N نوفمبر 2026 - 10:30 م" is 22:30 in Beirut (UTC+2), 20:30 UTC.
        assert doc["published_at"] == datetime(2026, 11, day, 20, 30, tzinfo=UTC)

    learned = {d["text"] for d in db.boilerplate.find({"site": "nafitha", "learned": True})}
    # The site's own lines were learned, the background sentence on 3 of 12 articles was not.
    assert learned == {NOISE[0], NOISE[1], NOISE[2], SITE_NAME}
    run = db.crawl_runs.find_one()
    # Learned as soon as the counts crossed the threshold: the articles after that were cleaned
    # on the way, the few that went through before it were cleaned again (before they were
    # written, or after the run).
    recleaned = run["stats"]["akhbar/clean/recleaned"]
    assert 0 < recleaned < len(articles)
    assert f"Cleaned {recleaned} articles again" in result.log
    if written == "one by one":
        assert run["stats"]["akhbar/clean/recleaned_stored"] > 0

    assert run["stats"]["akhbar/clean/boilerplate_curated"] == 5 * len(articles)


def test_learned_boilerplate_holds_in_the_next_run(crawl, db, noisy_site):
    site, articles = noisy_site
    assert crawl(registry_for(site)).returncode == 0
    # Every article read again (refresh): the lines learned in the first run go as each passes.
    second = crawl(registry_for(site), "-a", "refresh=true")
    assert second.returncode == 0, second.log[-3000:]

    # Known from the first run: removed as each article passes, nothing to clean afterwards.
    assert "articles again with newly learned boilerplate" not in second.log
    runs = list(db.crawl_runs.find().sort("started_at", 1))
    assert runs[-1]["stats"]["akhbar/clean/boilerplate_learned"] == 3 * len(articles)
    # Cleaned the same way as the first time: the same content, so nothing was rewritten.
    assert runs[-1]["counts"]["stored_updated"] == 0
    for article in articles:
        assert stored(db, site)[article.path]["body"].split("\n\n") == article.paragraphs
    assert db.boilerplate.count_documents({"learned": True}) == 4


def test_without_learning_the_site_lines_stay(crawl, db, noisy_site):
    """The control: the curated list alone does not know this site's lines."""
    site, articles = noisy_site
    result = crawl(registry_for(site), "-s", "CLEAN_LEARN_ENABLED=false")
    assert result.returncode == 0, result.log[-3000:]
    body = stored(db, site)[articles[0].path]["body"]
    assert NOISE[0] in body and NOISE[1] in body
    assert "شاركها" not in body and "اترك تعليق" not in body
    assert db.boilerplate.count_documents({}) == 0
