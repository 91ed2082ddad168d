"""Benchmark: the dedupe stage's cost per article as the stored corpus grows, and its pairwise
precision and recall on the syndication corpus (tests/data/syndication.py).

The dedupe state of 1k, 10k and 100k stored articles is written directly (random signatures, the
same documents and keys the stage writes), then the stage decides 300 new articles and 30
republished copies of stories. A new article costs three inserts (its signature, its keys, its
decision); a copy also costs point lookups by `_id` of the keys others own and of their
decisions. Runs against FerretDB unless MONGO_URI is set (a MongoDB, as in production); prints
figures, asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time

import numpy as np
from bson import ObjectId
from pymongo import AsyncMongoClient, InsertOne

from bench.figures import median_p95
from crawler.dedupe import (
    NUM_PERM,
    band_keys,
    content_hash,
    minhash_signature,
    signature_bytes,
    story_id_for,
)
from crawler.localdb import FerretDB
from pipelines.dedupe import DECISIONS, DOCS, KEYS, DedupeState
from tests.data.syndication import STORIES, body, corpus, pair_counts, variants
from tests.data.topic_articles import ARTICLES

THRESHOLD = 0.5
SIZES = (1_000, 10_000, 100_000)
PROBES = 300  # new articles per size


def corpus_scores() -> None:
    found, expected, correct = pair_counts(THRESHOLD)
    n = len(corpus())
    print(
        f"corpus: {n} articles, {expected} duplicate pairs of {n * (n - 1) // 2}: "
        f"precision {correct / max(1, found):.3f}  recall {correct / max(1, expected):.3f}"
    )


async def fill(db, start: int, stop: int, rng: np.random.Generator) -> None:
    """Dedupe state for stored articles start..stop, as the stage writes it."""
    for chunk in range(start, stop, 1000):
        docs, keys, decisions = [], [], []
        for i in range(chunk, min(stop, chunk + 1000)):
            url = f"https://stored.example/{i}"
            signature = rng.integers(0, 2**32 - 1, NUM_PERM, dtype=np.uint64)
            digest = f"{i:032x}"
            docs.append(
                {"_id": url, "site": f"site{i % 30}", "hash": digest,
                 "sig": signature_bytes(signature), "order": ObjectId()}
            )  # fmt: skip
            keys += [{"_id": k, "url": url} for k in [f"h:{digest}", *band_keys(signature)]]
            decisions.append({"_id": url, "story_id": story_id_for(url), "first": url})
        await db[DOCS].insert_many(docs, ordered=False)
        await db[KEYS].bulk_write([InsertOne(k) for k in keys], ordered=False)
        await db[DECISIONS].insert_many(decisions, ordered=False)


def new_texts(size: int, n: int) -> list[str]:
    """Articles seen nowhere before (random draws from the labelled articles' vocabulary)."""
    rng = random.Random(size)
    vocabulary = " ".join(text for _, _, text in ARTICLES).split()
    return [" ".join(rng.sample(vocabulary, 300)) for _ in range(n)]


def copy_texts(size: int, n: int) -> list[str]:
    """Republished copies of the wire stories decided in this round."""
    rng = random.Random(size)
    return [body(rng.choice(variants(rng.choice(sorted(STORIES))))[1]) for _ in range(n)]


async def timed(state: DedupeState, texts: list[str], prefix: str) -> list[float]:
    timings = []
    for n, text in enumerate(texts):
        start = time.perf_counter()
        content_hash(text)
        await state.decide(f"{prefix}/{n}", prefix.split("/")[2], text)
        timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


def describe(values: list[float]) -> str:
    return f"median {median_p95(values)[0]:7.2f} ms  p95 {median_p95(values)[1]:7.2f} ms"


async def bench_cost(uri: str) -> None:
    client = AsyncMongoClient(uri, tz_aware=True)
    db = client[f"akhbar_bench_{os.getpid()}"]
    await db[DECISIONS].create_index([("story_id", 1)], name="story_id")
    state = DedupeState(db, THRESHOLD, 10.0)
    rng = np.random.default_rng(7)
    stored = 0
    medians = {}
    cpu = []
    for text in new_texts(0, 200):
        start = time.perf_counter()
        content_hash(text)
        band_keys(minhash_signature(text))
        cpu.append((time.perf_counter() - start) * 1000)
    print(f"hash + signature + band keys (no database): {describe(sorted(cpu))}")
    try:
        for size in SIZES:
            start = time.perf_counter()
            await fill(db, stored, size, rng)
            fill_s = time.perf_counter() - start
            stored = size
            # A point lookup by _id, the query every duplicate needs: indexed on MongoDB, a scan of
            # the collection on FerretDB 1.24's SQLite handler (no filter pushdown there).
            start = time.perf_counter()
            await db[KEYS].find_one({"_id": f"h:{size - 1:032x}"})
            lookup_ms = (time.perf_counter() - start) * 1000
            new = await timed(state, new_texts(size, PROBES), f"https://new.example/{size}")
            medians[size] = statistics.median(new)
            line = f"{size:>7} stored (filled in {fill_s:5.1f} s, _id lookup {lookup_ms:7.1f} ms): new articles {describe(new)}"
            if lookup_ms > 200:
                print(line + "; copies skipped: every lookup scans on this server")
                continue
            for name in STORIES:
                await state.decide(
                    f"https://wire.example/{size}/{name}", "wire", body(STORIES[name])
                )
            copies = await timed(state, copy_texts(size, 30), f"https://copy.example/{size}")
            print(line + f"; copies {describe(copies)}")
        print(f"new articles, growth 1k -> 100k: x{medians[SIZES[-1]] / medians[SIZES[0]]:.2f}")
    finally:
        await client.drop_database(db.name)
        await client.close()


def main() -> None:
    corpus_scores()
    uri = os.environ.get("MONGO_URI")
    if uri:
        asyncio.run(bench_cost(uri))
        return
    with FerretDB() as server:
        asyncio.run(bench_cost(server.uri))


if __name__ == "__main__":
    main()
