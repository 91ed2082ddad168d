"""`make demo`: crawl the bundled offline sample of Arabic news sites into MongoDB and summarize it.

The sample sites are served on 127.0.0.1. The articles go to the managed local store (database
`MONGO_DATABASE`, default `akhbar`), which stays after the demo, so `akhbar stats`, `search`,
`report` and mongosh show them; with `MONGO_URI` set they go to that server, database
`MONGO_DATABASE`, default `akhbar_demo`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import yaml
from pymongo import MongoClient

from crawler.devtools.sampleserver import SampleSite
from crawler.store.local import LocalServerError, LocalStore, data_home

SAMPLE_ROOT = Path(__file__).with_name("sample")
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def sample_registry(akhbar_alyawm: str, sada_wp: str) -> dict:
    """The registry of the two bundled sample sites, served at the given base URLs."""
    return {
        "sites": [
            {
                "name": "akhbar_alyawm",
                "base_url": f"{akhbar_alyawm}/",
                "language": "ar",
                "feeds": [f"{akhbar_alyawm}/feed.xml"],
                "timezone": "Asia/Riyadh",
                "max_age": 0,  # a frozen archive: its sitemap and feed dates never move
            },
            {
                "name": "sada_wp",
                "base_url": f"{sada_wp}/",
                "language": "ar",
                "selectors": {"body": "div.entry-content"},
                "timezone": "Asia/Beirut",
                "max_age": 0,
            },
        ]
    }


def crawl_command(*args: str, mongo_uri: str, database: str, **settings: str) -> list[str]:
    """`scrapy crawl news ARGS` against `database`, unthrottled (local sites), with `settings`."""
    overrides = {
        "MONGO_URI": mongo_uri,
        "MONGO_DATABASE": database,
        "AUTOTHROTTLE_ENABLED": "False",
        "DOWNLOAD_DELAY": "0",
        **settings,
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "news", *args]
    for name, value in overrides.items():
        command += ["-s", f"{name}={value}"]
    return command


def crawl_env() -> dict[str, str]:
    """The environment of a crawl subprocess: project settings, no inherited MONGO_URI."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    env.pop("MONGO_URI", None)
    return env


def run_crawl(registry: Path, mongo_uri: str, database: str) -> int:
    """Run `scrapy crawl news` on `registry` in a subprocess; return its exit code."""
    command = crawl_command(
        "-a", f"sites={registry}", mongo_uri=mongo_uri, database=database, LOG_LEVEL="WARNING"
    )
    return subprocess.call(command, cwd=PROJECT_ROOT, env=crawl_env())


def print_summary(mongo_uri: str, database: str) -> None:
    """A short table of what the crawl stored."""
    with MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=5000) as client:
        db = client[database]
        articles = list(
            db.articles.find({}, {"site": 1, "title": 1, "published_at": 1, "word_count": 1}).sort(
                [("site", 1), ("published_at", -1)]
            )
        )
        run = db.crawl_runs.find_one(sort=[("started_at", -1)])
    print(f"\nStored {len(articles)} articles in {database}.articles\n")
    print(f"{'site':<15} {'published (UTC)':<17} {'words':>5}  title")
    print("-" * 90)
    for doc in articles:
        published = doc.get("published_at")
        when = published.strftime("%Y-%m-%d %H:%M") if published else "-"
        title = (doc.get("title") or "")[:60]
        print(f"{doc['site']:<15} {when:<17} {doc.get('word_count', 0):>5}  {title}")
    if run:
        counts = run.get("counts", {})
        print(
            f"\nRun {run['_id']}: {run.get('status')} in {run.get('duration_s', 0):.1f}s, "
            f"{counts.get('pages', 0)} pages fetched, {counts.get('stored_new', 0)} new, "
            f"{counts.get('dropped', 0)} dropped, {counts.get('errors', 0)} errors"
        )


def main(argv: list[str] | None = None) -> int:
    """Serve the sample sites, crawl them into MongoDB, print what was stored."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args(argv)
    mongo_uri = os.environ.get("MONGO_URI")
    if mongo_uri:  # somebody's server: the demo keeps to its own database there
        database = os.environ.get("MONGO_DATABASE") or "akhbar_demo"
    else:  # the managed local store, where `akhbar stats` and the others look by default
        database = os.environ.get("MONGO_DATABASE") or "akhbar"
        try:
            mongo_uri = LocalStore().ensure()
        except LocalServerError as exc:
            print(f"akhbar demo: {exc}", file=sys.stderr)
            return 2
        print(f"Local store at {mongo_uri} (data in {data_home()}; `akhbar db stop` stops it)")
    with ExitStack() as stack:
        alyawm = stack.enter_context(SampleSite(SAMPLE_ROOT / "akhbar_alyawm"))
        sada = stack.enter_context(SampleSite(SAMPLE_ROOT / "sada_wp"))
        print(f"Serving sample sites at {alyawm.base_url} and {sada.base_url}")
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="akhbar-demo-")))
        registry = tmp / "sites.yaml"
        registry.write_text(
            yaml.safe_dump(sample_registry(alyawm.base_url, sada.base_url), allow_unicode=True),
            encoding="utf-8",
        )
        code = run_crawl(registry, mongo_uri, database)
        if code != 0:
            print(f"Crawl failed with exit code {code}", file=sys.stderr)
            return code
        print_summary(mongo_uri, database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
