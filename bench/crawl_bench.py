"""`make bench-crawl`: crawl throughput against plain Scrapy, on a generated N-article site.

In one invocation, one after another, on the same generated sites (tests/data/news_site.py:
repeated site lines so that learning works, syndicated copies so that dedupe works):

  (a) a bare Scrapy fetch of every article page, listed by the sitemaps, nothing parsed;
  (b) plain Scrapy with a trafilatura pipeline writing JSONL;
  (c) `scrapy crawl news` into the embedded FerretDB server (or `MONGO_URI`).

Politeness is off for all three (no AutoThrottle, no delay, 16 requests per domain). It prints
articles per second of each (whole process, start-up included), akhbar's ratios to (a) and (b),
akhbar's database commands per stored article (counted by the store's pymongo command listener),
and the peak RSS of each crawler (its process and its worker processes together).
`--prefill 100000` first fills the database with 100,000 articles' state (articles, URL log,
dedupe log, boilerplate counts of 20 other sites) and then crawls the same new articles, to show
the cost does not grow with the collections.

    python -m bench.crawl_bench [--articles 2000] [--prefill 0] [--runs 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from pymongo import AsyncMongoClient, MongoClient

from crawler.devtools.demo import PROJECT_ROOT, crawl_command, crawl_env
from crawler.items import SCHEMA_VERSION
from crawler.store.articles import URL_LOG
from crawler.store.boilerplate import counts_id
from crawler.store.corpus import derived_fields
from crawler.store.dedupe import LOG, SEQ, seq_id
from crawler.store.documents import url_entry
from crawler.store.local import FerretDB
from crawler.store.schema import BOILERPLATE, CRAWL_RUNS, ensure_indexes
from crawler.text.fingerprint import NUM_PERM, story_id_for
from tests.data.news_site import VOCABULARY, news_sites, serve

UNTHROTTLED = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "WARNING",
}

# The baselines: one small Scrapy script, run in its own process like akhbar.
BASELINE = r"""
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.utils.sitemap import Sitemap

mode, out, settings, sitemaps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4:]


class Extract:
    def open_spider(self):
        self.file = open(out, "w", encoding="utf-8")

    def close_spider(self):
        self.file.close()

    def process_item(self, item):
        import trafilatura

        text = trafilatura.extract(
            item["html"], url=item["url"], output_format="json", with_metadata=True
        )
        if text:
            self.file.write(text.replace("\n", " ") + "\n")
        return item


class Baseline(scrapy.Spider):
    name = "baseline"
    pages = 0

    def closed(self, reason):
        if mode == "fetch":
            with open(out, "w") as handle:
                handle.write("page\n" * self.pages)

    async def start(self):
        for url in sitemaps:
            yield scrapy.Request(url, callback=self.parse_index)

    def parse_index(self, response):
        for entry in Sitemap(response.body):
            callback = self.parse_index if "sitemap" in entry["loc"] else self.parse_page
            yield scrapy.Request(entry["loc"], callback=callback)

    def parse_page(self, response):
        if mode == "extract":
            yield {"url": response.url, "html": response.text}
        else:
            self.pages += 1


if mode == "extract":
    settings["ITEM_PIPELINES"] = {Extract: 100}
process = CrawlerProcess(settings)
process.crawl(Baseline)
process.start()
"""


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants (the crawl's worker processes)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields["PPid"]), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run_measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run a command; its wall time in seconds and the peak RSS of it and its children, in bytes
    (sampled every 0.1 s)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.1):
            peak = max(peak, tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = process.stderr.read().decode(errors="replace")
    _, status, _ = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed ({process.returncode}): {stderr[-2000:]}")
    return elapsed, peak


def baseline(mode: str, sites, workdir: Path) -> tuple[float, int, int]:
    """(a) or (b): seconds, peak RSS, pages or articles written."""
    out = workdir / f"{mode}.jsonl"
    sitemaps = [f"{site.base_url}/sitemap.xml" for site in sites]
    settings = UNTHROTTLED | {"ROBOTSTXT_OBEY": False}
    script = workdir / "baseline.py"
    script.write_text(BASELINE, encoding="utf-8")
    command = [sys.executable, str(script), mode, str(out), json.dumps(settings), *sitemaps]
    elapsed, rss = run_measured(command)
    produced = sum(1 for _ in out.open(encoding="utf-8")) if out.exists() else 0
    return elapsed, rss, produced


def akhbar(sites, workdir: Path, uri: str, database: str) -> dict:
    """(c): seconds, peak RSS, articles stored and database commands of one `scrapy crawl news`."""
    registry = workdir / f"sites-{uuid.uuid4().hex[:6]}.yaml"
    registry.write_text(
        json.dumps({"sites": [site.registry_entry() for site in sites]}), encoding="utf-8"
    )
    settings = UNTHROTTLED | {
        "CRAWL_MAX_PAGES_PER_SITE": "1000000",
        "MONGO_UNSAVED_DIR": str(workdir),
    }
    command = crawl_command("-a", f"sites={registry}", mongo_uri=uri, database=database, **settings)
    elapsed, rss = run_measured(command, crawl_env())
    with MongoClient(uri, tz_aware=True) as client:
        run = client[database][CRAWL_RUNS].find_one(sort=[("started_at", -1)])
    stored = run["counts"]["stored_new"]
    return {
        "seconds": elapsed,
        "rss": rss,
        "stored": stored,
        "commands": run["stats"].get("akhbar/db/commands", 0),
        "unsaved": run["counts"]["unsaved"],
    }


def prefill(uri: str, database: str, articles: int, sites: int = 20) -> float:
    """Fill a database with `articles` stored articles' state of `sites` other sites, as akhbar
    itself would have written it. Returns the seconds it took."""
    start = time.perf_counter()
    rng = random.Random(7)
    now = datetime.now(UTC)
    names = [f"prefill_{k:02d}" for k in range(sites)]

    async def indexes() -> None:  # as the crawls that stored them would have made them
        client = AsyncMongoClient(uri)
        await ensure_indexes(client[database])
        await client.close()

    asyncio.run(indexes())
    with MongoClient(uri, tz_aware=True) as client:
        db = client[database]
        docs, entries, records = [], [], []
        position = 0
        for i in range(articles):
            site = names[i % sites]
            url = f"https://{site}.example/news/{i}.html"
            body = "\n\n".join(" ".join(rng.choices(VOCABULARY, k=50)) + "." for _ in range(5))
            doc = {
                "url": url,
                "alternate_urls": [],
                "site": site,
                "domain": f"{site}.example",
                "title": " ".join(rng.choices(VOCABULARY, k=8)),
                "body": body,
                "authors": [],
                "published_at": now - timedelta(minutes=i),
                "crawled_at": now,
                "language": "ar",
                "topic": "politics",
                "word_count": 250,
                "content_hash": f"{rng.getrandbits(128):032x}",
                "story_id": story_id_for(url),
                "duplicate_of": None,
                "schema_version": SCHEMA_VERSION,
            }
            docs.append({"_id": url, **doc, **derived_fields(doc)})
            entries.append(url_entry(doc))
            signature = np.frombuffer(rng.randbytes(NUM_PERM * 4), dtype="<u4")
            records.append(
                {
                    "url": url,
                    "site": site,
                    "hash": doc["content_hash"],
                    "sig": signature.tobytes(),
                    "story_id": doc["story_id"],
                    "first": url,
                }
            )
            if len(docs) == 1000:
                db.articles.insert_many(docs, ordered=False)
                docs = []
            if len(records) == 50:  # one dedupe batch
                entry = uuid.uuid4().hex
                db[LOG].insert_one({"_id": entry, "run": "prefill", "at": now, "articles": records})
                db[SEQ].insert_one({"_id": seq_id(position), "entry": entry})
                position += 1
                records = []
            if len(entries) == 100:  # one sink batch
                db[URL_LOG].insert_one({"_id": uuid.uuid4().hex, "at": now, "entries": entries})
                entries = []
        if docs:
            db.articles.insert_many(docs, ordered=False)
        for site in names:
            lines = []
            for j in range(200):
                text = " ".join(rng.choices(VOCABULARY, k=10))
                url = f"https://{site}.example/news/{j}.html"
                lines.append({"k": "line", "t": text, "f": text, "n": 1, "b": 0, "u": [url]})
            db[BOILERPLATE].insert_one(
                {
                    "_id": counts_id(site),
                    "site": site,
                    "kind": "counts",
                    "articles": articles // sites,
                    "version": 1,
                    "lines": lines,
                }
            )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--prefill", type=int, default=0, help="stored articles' state first")
    parser.add_argument("--runs", type=int, default=1, help="repeat the whole comparison")
    args = parser.parse_args()

    uri = os.environ.get("MONGO_URI")
    with ExitStack() as stack:
        if not uri:
            uri = stack.enter_context(FerretDB()).uri
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="akhbar-bench-")))
        sites = news_sites(args.articles)
        for server in serve(sites, workdir):
            stack.enter_context(server)
        print(
            f"{args.articles} articles on {len(sites)} local sites "
            f"({sum(len(s.copies) for s in sites)} syndicated copies), server: "
            f"{'MONGO_URI' if os.environ.get('MONGO_URI') else 'FerretDB 1.24 (SQLite)'}"
        )
        for run in range(1, args.runs + 1):
            fetch_s, fetch_rss, pages = baseline("fetch", sites, workdir)
            extract_s, extract_rss, extracted = baseline("extract", sites, workdir)
            results = {}
            for label, state in [("empty database", 0), (f"{args.prefill:,} stored", args.prefill)]:
                if label != "empty database" and not state:
                    continue
                database = f"akhbar_bench_{uuid.uuid4().hex[:8]}"
                if state:
                    seconds = prefill(uri, database, state)
                    print(f"  prefilled {state:,} articles' state in {seconds:.0f} s")
                results[label] = akhbar(sites, workdir, uri, database)
                with MongoClient(uri) as client:
                    client.drop_database(database)

            print(f"\nrun {run}:")
            fetch_rate = pages / fetch_s
            extract_rate = extracted / extract_s
            print(
                f"  (a) bare Scrapy fetch           {pages:>6} pages     {fetch_s:6.1f} s "
                f"{fetch_rate:7.1f} /s   peak RSS {fetch_rss / 2**20:5.0f} MiB"
            )
            print(
                f"  (b) Scrapy + trafilatura JSONL  {extracted:>6} articles  {extract_s:6.1f} s "
                f"{extract_rate:7.1f} /s   peak RSS {extract_rss / 2**20:5.0f} MiB"
            )
            for label, r in results.items():
                rate = r["stored"] / r["seconds"]
                print(
                    f"  (c) akhbar, {label:<19} {r['stored']:>6} articles  {r['seconds']:6.1f} s "
                    f"{rate:7.1f} /s   peak RSS {r['rss'] / 2**20:5.0f} MiB"
                )
                print(
                    f"      vs (b) {rate / extract_rate:.2f}x, vs (a) {rate / fetch_rate:.2f}x, "
                    f"{r['commands'] / max(1, r['stored']):.3f} database commands per article "
                    f"({r['commands']} in all), {r['unsaved']} unsaved"
                )
            if len(results) == 2:
                empty, full = results.values()
                ratio = (empty["stored"] / empty["seconds"]) / (full["stored"] / full["seconds"])
                print(f"  empty / prefilled articles per second: {ratio:.2f}x")


if __name__ == "__main__":
    main()
