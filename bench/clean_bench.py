"""Benchmark: how clean the stored text is, and what the clean stage costs per article.

Crawls the noisy test site (tests/data/noisy_site.py: site header and footer lines, curated noise,
suffixed titles, bylines) into a FerretDB database and compares every stored body with the
article's expected paragraphs: word-level precision, recall and F1, and the noise lines left.
The same figures for plain trafilatura output show what the clean stage adds. Prints figures; it
asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from pymongo import MongoClient

from bench.figures import median_p95
from crawler.devtools.sampleserver import SampleSite
from crawler.extract.article import main_text
from crawler.store.local import FerretDB
from crawler.text.boilerplate import line_key
from crawler.text.cleaning import SiteKnowledge, clean_article
from crawler.text.titles import site_names
from tests.conftest import run_crawl, write_registry
from tests.data.noisy_site import FOOTERS, HEADER, NOISE, SITE_NAME, noisy_articles, noisy_routes

ROUNDS = 200


def word_scores(produced: str, expected: str) -> tuple[float, float]:
    """Word-level (bag of words) precision and recall of `produced` against `expected`."""
    got, want = Counter(produced.split()), Counter(expected.split())
    overlap = sum((got & want).values())
    precision = overlap / max(1, sum(got.values()))
    recall = overlap / max(1, sum(want.values()))
    return precision, recall


def noise_left(body: str) -> int:
    """Noise lines of the site still present in a body."""
    paragraphs = body.split("\n\n")
    return sum(1 for line in NOISE for p in paragraphs if line in p) + sum(
        1 for p in paragraphs if p.startswith(("اقرأ أيضا", "Exit mobile"))
    )


def report(name: str, pairs: list[tuple[str, str]]) -> None:
    scores = [word_scores(produced, expected) for produced, expected in pairs]
    precision = statistics.mean(p for p, _ in scores)
    recall = statistics.mean(r for _, r in scores)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    left = sum(noise_left(produced) for produced, _ in pairs)
    print(
        f"{name:<34} articles {len(pairs):>3}  precision {precision:.3f}  recall {recall:.3f}  "
        f"F1 {f1:.3f}  noise lines left {left}"
    )


def bench_quality() -> None:
    articles = noisy_articles(15, background_on=4)
    baseline = [(main_text(a.html, f"https://bench.example{a.path}"), a.body) for a in articles]
    report("trafilatura alone", baseline)
    with (
        tempfile.TemporaryDirectory() as tmp,
        FerretDB() as server,
        SampleSite(Path(tmp), noisy_routes(articles)) as site,
    ):
        registry = write_registry(
            Path(tmp),
            {
                "sites": [
                    {
                        "name": "nafitha",
                        "base_url": site.base_url + "/",
                        "selectors": {"date": ".date"},
                        "article_url_pattern": r"/news/\d+$",
                    }
                ]
            },
        )
        result = run_crawl("-a", f"sites={registry}", mongo_uri=server.uri, database="bench")
        if result.returncode:
            print(result.log[-2000:])
            return
        client = MongoClient(server.uri)
        stored = {d["url"][len(site.base_url) :]: d for d in client.bench.articles.find()}
        client.close()
    pairs = [(stored[a.path]["body"], a.body) for a in articles if a.path in stored]
    report("akhbar (crawl, clean stage)", pairs)
    titles = sum(stored[a.path]["title"] == a.title for a in articles if a.path in stored)
    authors = sum(stored[a.path]["authors"] == a.authors for a in articles if a.path in stored)
    print(f"{'':<34} titles exact {titles}/{len(pairs)}  bylines exact {authors}/{len(pairs)}")


def bench_cost() -> None:
    articles = noisy_articles(15)
    bodies = [main_text(a.html, f"https://bench.example{a.path}") for a in articles]
    knowledge = SiteKnowledge({line_key(HEADER), *map(line_key, FOOTERS)}, {"نافذه الشرق"})
    names = site_names(SITE_NAME, "nafitha", "127.0.0.1")
    long_body = "\n\n".join(bodies * 20)  # a 25,000-word article
    timings: dict[str, list[float]] = {"clean_article": [], "clean_article (long)": []}
    for _ in range(ROUNDS):
        for article, body in zip(articles, bodies, strict=True):
            start = time.perf_counter()
            clean_article(
                title=f"{article.title} - {SITE_NAME}",
                body=body,
                authors=["بقلم: أحمد منصور وسارة الخطيب"],
                names=names,
                knowledge=knowledge,
            )
            timings["clean_article"].append(time.perf_counter() - start)
    for _ in range(20):
        start = time.perf_counter()
        clean_article(title="t", body=long_body, names=names, knowledge=knowledge)
        timings["clean_article (long)"].append(time.perf_counter() - start)
    for name, values in timings.items():
        values_ms = sorted(v * 1000 for v in values)
        print(
            f"{name:<22} n={len(values_ms):>5}  median {median_p95(values_ms)[0]:7.3f} ms  "
            f"p95 {median_p95(values_ms)[1]:7.3f} ms"
        )


if __name__ == "__main__":
    bench_quality()
    bench_cost()
