"""Dedupe functions on syndicated Arabic text, and the decision protocol against the real database."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys

import pytest
from pymongo import AsyncMongoClient

from crawler.store.dedupe import LOG, SEQ, DedupeLog
from crawler.text.fingerprint import (
    BANDS,
    NUM_PERM,
    band_keys,
    content_hash,
    estimated_jaccard,
    fingerprint,
    minhash_signature,
    shingles,
    signature_bytes,
    signature_from_bytes,
)
from tests.data.syndication import SAME_EVENT, STORIES, body, pair_counts, variants

THRESHOLD = 0.5


def test_content_hash_ignores_spelling_noise_only():
    text = body(STORIES["cbe_rates"])
    noisy = body([p.replace("أ", "ا").replace("إ", "ا") for p in STORIES["cbe_rates"]])
    assert content_hash(text) == content_hash(noisy)
    assert content_hash(text) == content_hash("  " + text.replace("\n\n", "\n") + "\n")
    assert content_hash(text) != content_hash(body(STORIES["cbe_rates"][:-1]))


def test_shingles_are_three_words_of_the_matching_form():
    assert shingles("قَالَ الوزير إن الأسعار") == {"قال الوزير ان", "الوزير ان الاسعار"}
    assert shingles("خبر") == {"خبر"}
    assert shingles("") == set()


@pytest.mark.parametrize("story", sorted(STORIES))
def test_every_republished_variant_stays_above_the_threshold(story):
    original = minhash_signature(body(STORIES[story]))
    for edit, paragraphs in variants(story):
        copy = minhash_signature(body(paragraphs))
        assert estimated_jaccard(original, copy) >= THRESHOLD + 0.1, edit
        assert set(band_keys(original)) & set(band_keys(copy)), f"{edit}: never a candidate"


@pytest.mark.parametrize("story", sorted(SAME_EVENT))
def test_different_articles_on_the_same_event_stay_below(story):
    article = minhash_signature(body(SAME_EVENT[story]))
    report = minhash_signature(body(STORIES[story]))
    assert estimated_jaccard(article, report) < 0.1
    for other in STORIES:
        if other != story:
            assert estimated_jaccard(article, minhash_signature(body(STORIES[other]))) < 0.1


def test_unrelated_stories_are_far_apart():
    signatures = {name: minhash_signature(body(p)) for name, p in STORIES.items()}
    for a, b in itertools.combinations(signatures, 2):
        assert estimated_jaccard(signatures[a], signatures[b]) < 0.1, (a, b)


def test_signatures_round_trip_and_have_fixed_shape():
    signature = minhash_signature(body(STORIES["uae_ai"]))
    assert signature.shape == (NUM_PERM,)
    assert len(signature_bytes(signature)) == NUM_PERM * 4
    assert (signature_from_bytes(signature_bytes(signature)) == signature).all()
    assert len(band_keys(signature)) == BANDS
    empty = minhash_signature("")
    assert estimated_jaccard(empty, signature) == 0.0


def test_signatures_are_the_same_in_every_process():
    """Workers on other machines must compute the same band keys for the same text."""
    text = body(STORIES["iraq_water"])
    code = (
        "import sys; from crawler.text.fingerprint import band_keys, minhash_signature; "
        "print(','.join(map(str, band_keys(minhash_signature(sys.stdin.read())))))"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], input=text, capture_output=True, text=True, check=True
    )
    assert other.stdout.strip().split(",") == [str(k) for k in band_keys(minhash_signature(text))]


def test_precision_and_recall_on_the_corpus():
    found, expected, correct = pair_counts(THRESHOLD)
    assert expected == len(STORIES) * 21  # 7 versions of each story
    assert correct / found >= 0.95 and correct / expected >= 0.9


def decide(state: DedupeLog, url: str, site: str, text: str):
    return state.decide(url, site, fingerprint(text))


@pytest.fixture
def workers(mongo_uri, db):
    """Run a scenario with N DedupeLog workers on the test database, each with its own client
    (as separate crawler processes have), committing small batches quickly."""

    def run(scenario, n: int = 1, batch_size: int = 3):
        async def main():
            clients = [AsyncMongoClient(mongo_uri, tz_aware=True) for _ in range(n)]
            try:
                states = [
                    DedupeLog(c[db.name], THRESHOLD, batch_size=batch_size, batch_seconds=0.02)
                    for c in clients
                ]
                return await scenario(*states)
            finally:
                for client in clients:
                    await client.close()

        return asyncio.run(main())

    return run


def test_decisions_across_sites_and_runs(workers):
    _, copy_text = variants("gaza_talks")[3]

    async def scenario(state, later_run):
        wire = await decide(state, "https://wire/a", "wire", body(STORIES["gaza_talks"]))
        copy = await decide(state, "https://rep/a", "rep", body(copy_text))
        same_site = await decide(state, "https://wire/a-print", "wire", body(STORIES["gaza_talks"]))
        other = await decide(state, "https://rep/b", "rep", body(SAME_EVENT["gaza_talks"]))
        # A later run loads the log at start and finds the decision already made.
        again = await decide(later_run, "https://rep/a", "rep", body(copy_text))
        return wire, copy, same_site, other, again

    wire, copy, same_site, other, again = workers(scenario, 2, batch_size=1)
    assert wire["first"] == "https://wire/a" and "alias_of" not in wire
    assert copy["story_id"] == wire["story_id"] and copy["first"] == "https://wire/a"
    assert "alias_of" not in copy  # another site: its own document in the story
    assert same_site["alias_of"] == "https://wire/a"  # same site: the same article
    assert other["story_id"] != wire["story_id"] and other["first"] == "https://rep/b"
    assert again == copy  # a later run finds the decision already made


def test_concurrent_workers_make_exactly_one_first_per_story(workers, db):
    """Many workers decide copies of the same stories at the same moment, without a shared lock."""

    async def scenario(*states):
        jobs = []
        for name in ("cbe_rates", "ksa_football", "morocco_quake"):
            versions = [STORIES[name], *(p for _, p in variants(name))]
            for i, paragraphs in enumerate(versions):
                worker = states[i % len(states)]
                jobs.append(decide(worker, f"https://site{i}/{name}", f"site{i}", body(paragraphs)))
        return await asyncio.gather(*jobs)

    for _ in range(3):
        for collection in db.list_collection_names():
            db.drop_collection(collection)
        decisions = workers(scenario, 4)
        by_story: dict[str, list[dict]] = {}
        for decision in decisions:
            by_story.setdefault(decision["story_id"], []).append(decision)
        assert len(by_story) == 3
        for members in by_story.values():
            firsts = [d for d in members if d["first"] == d["_id"]]
            assert len(firsts) == 1
            assert all(d["first"] == firsts[0]["_id"] for d in members)
        # The log holds every decision once, in one order all workers agree on.
        claims = sorted(d["_id"] for d in db[SEQ].find())
        assert claims == [f"{i:012d}" for i in range(len(claims))]
        entries = {d["_id"]: d for d in db[LOG].find()}
        logged = [a for c in db[SEQ].find() for a in entries[c["entry"]]["articles"]]
        assert sorted(a["url"] for a in logged) == sorted(d["_id"] for d in decisions)
