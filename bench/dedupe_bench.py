"""Benchmark: the dedupe stage's cost per article as the stored corpus grows, and its pairwise
precision and recall on the syndication corpus (tests/data/syndication.py).

The dedupe log of 1k, 10k and 100k stored articles is written directly (random signatures, the
same entries and claims the stage writes), then a fresh state loads it (the start of a run: time
and memory) and decides 300 new articles and 30 republished copies of stories in batches, as the
stage does. Deciding happens in memory; each batch costs two inserts. Runs against FerretDB unless
MONGO_URI is set (a MongoDB, as in production); prints figures, asserts nothing. Run with
`make bench`.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from datetime import UTC, datetime

import numpy as np
from pymongo import AsyncMongoClient

from bench.figures import median_p95
from crawler.store.dedupe import LOG, SEQ, DedupeLog, seq_id
from crawler.store.local import FerretDB
from crawler.text.fingerprint import (
    NUM_PERM,
    band_keys,
    content_hash,
    fingerprint,
    minhash_signature,
    signature_bytes,
    story_id_for,
)
from tests.data.syndication import STORIES, body, corpus, pair_counts, variants
from tests.data.topic_articles import ARTICLES

THRESHOLD = 0.5
SIZES = (1_000, 10_000, 100_000)
PROBES = 300  # new articles per size
BATCH = 50


def corpus_scores() -> None:
    found, expected, correct = pair_counts(THRESHOLD)
    n = len(corpus())
    print(
        f"corpus: {n} articles, {expected} duplicate pairs of {n * (n - 1) // 2}: "
        f"precision {correct / max(1, found):.3f}  recall {correct / max(1, expected):.3f}"
    )


async def fill(db, start: int, stop: int, rng: np.random.Generator) -> None:
    """Dedupe log entries for stored articles start..stop, as the stage writes them."""
    now = datetime.now(UTC)
    for chunk in range(start, stop, BATCH):
        records = []
        for i in range(chunk, min(stop, chunk + BATCH)):
            url = f"https://stored.example/{i}"
            signature = rng.integers(0, 2**32 - 1, NUM_PERM, dtype=np.uint64)
            records.append(
                {"url": url, "site": f"site{i % 30}", "hash": f"{i:032x}",
                 "sig": signature_bytes(signature), "story_id": story_id_for(url), "first": url}
            )  # fmt: skip
        entry = uuid.uuid4().hex
        await db[LOG].insert_one({"_id": entry, "run": "bench", "at": now, "articles": records})
        await db[SEQ].insert_one({"_id": seq_id(chunk // BATCH), "entry": entry})


def new_texts(size: int, n: int) -> list[str]:
    """Articles seen nowhere before (random draws from the labelled articles' vocabulary)."""
    rng = random.Random(size)
    vocabulary = " ".join(text for _, _, text in ARTICLES).split()
    return [" ".join(rng.sample(vocabulary, 300)) for _ in range(n)]


def copy_texts(size: int, n: int) -> list[str]:
    """Republished copies of the wire stories decided in this round."""
    rng = random.Random(size)
    return [body(rng.choice(variants(rng.choice(sorted(STORIES))))[1]) for _ in range(n)]


async def timed(state: DedupeLog, texts: list[str], prefix: str) -> float:
    """Milliseconds per article to decide `texts` the way the stage does: concurrently, batched."""
    start = time.perf_counter()
    site = prefix.split("/")[2]
    await asyncio.gather(
        *(state.decide(f"{prefix}/{n}", site, fingerprint(t)) for n, t in enumerate(texts))
    )
    return (time.perf_counter() - start) * 1000 / len(texts)


def describe(values: list[float]) -> str:
    return f"median {median_p95(values)[0]:7.2f} ms  p95 {median_p95(values)[1]:7.2f} ms"


async def bench_cost(uri: str) -> None:
    client = AsyncMongoClient(uri, tz_aware=True)
    db = client[f"akhbar_bench_{os.getpid()}"]
    rng = np.random.default_rng(7)
    stored = 0
    per_article = {}
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
            state = DedupeLog(db, THRESHOLD, batch_size=BATCH, batch_seconds=0.05)
            start = time.perf_counter()
            await state.load()
            load_s = time.perf_counter() - start
            new = await timed(state, new_texts(size, PROBES), f"https://new.example/{size}")
            per_article[size] = new
            for name in STORIES:
                await state.decide(
                    f"https://wire.example/{size}/{name}", "wire", fingerprint(body(STORIES[name]))
                )
            copies = await timed(state, copy_texts(size, 30), f"https://copy.example/{size}")
            print(
                f"{size:>7} stored (filled in {fill_s:5.1f} s): start-up load {load_s:5.2f} s, "
                f"{state.index.nbytes / 2**20:5.1f} MB of arrays; per article: new "
                f"{new:6.2f} ms, copies {copies:6.2f} ms"
            )
        print(
            f"new articles, growth 1k -> 100k: x{per_article[SIZES[-1]] / per_article[SIZES[0]]:.2f}"
        )
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
