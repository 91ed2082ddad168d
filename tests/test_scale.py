"""A crawl at scale: 1,000 generated articles on two sites, every one stored once, its copies linked,
the sites' own lines learned, and no per-article database work (the throughput itself is
`make bench-crawl`'s job)."""

from __future__ import annotations

from contextlib import ExitStack

from tests.data.news_site import news_sites, serve

ARTICLES = 1000


def test_a_thousand_articles_are_each_stored_once(crawl, db, tmp_path):
    sites = news_sites(ARTICLES)
    with ExitStack() as stack:
        for server in serve(sites, tmp_path):
            stack.enter_context(server)
        registry = {"sites": [site.registry_entry() for site in sites]}
        result = crawl(registry, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16")
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
