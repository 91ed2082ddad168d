"""`akhbar export`: articles to JSONL, CSV or Parquet, streamed (constant memory), with progress.

Dates are ISO 8601 UTC strings in JSONL and CSV and timestamps in Parquet; list fields (authors,
tags, keywords, alternate_urls) are JSON arrays in JSONL, lists in Parquet, and `|`-joined in CSV.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from crawler.commands.options import database_options, filter_options, filters_from, on_database
from crawler.store.corpus import Filters
from crawler.store.schema import ARTICLES

DEFAULT_FIELDS = [
    "url", "site", "domain", "title", "description", "body", "authors", "published_at",
    "modified_at", "crawled_at", "section", "tags", "image_url", "language", "language_confidence",
    "topic", "topic_confidence", "topic_source", "keywords", "word_count", "content_hash",
    "story_id", "duplicate_of", "alternate_urls", "fetched_with",
]  # fmt: skip
LIST_FIELDS = {"authors", "tags", "keywords", "alternate_urls"}
DATE_FIELDS = {"published_at", "modified_at", "crawled_at"}
FLOAT_FIELDS = {"language_confidence", "topic_confidence"}
INT_FIELDS = {"word_count"}
FORMATS = ("jsonl", "csv", "parquet")
BATCH = 1000


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def documents(db, filters: Filters, fields: list[str]) -> Iterator[dict[str, Any]]:
    """The matching articles, oldest first, each with exactly `fields` (missing ones None)."""
    projection = {name: 1 for name in fields if name != "url"} | {"_id": 1}
    cursor = db[ARTICLES].find(filters.query(), projection).sort("_id", 1).batch_size(BATCH)
    for doc in cursor:
        doc["url"] = doc.pop("_id")
        yield {name: doc.get(name) for name in fields}


class Progress:
    """`exported N/TOTAL` on standard error, rewritten in place, only on a terminal."""

    def __init__(self, total: int, stream: TextIO = sys.stderr) -> None:
        self.total = total
        self.stream = stream
        self.enabled = stream.isatty()
        self.last = 0.0

    def update(self, done: int, final: bool = False) -> None:
        if not self.enabled or (not final and time.monotonic() - self.last < 0.2):
            return
        self.last = time.monotonic()
        width = 30
        filled = width * done // max(1, self.total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}")
        if final:
            self.stream.write("\n")
        self.stream.flush()


def _counted(rows: Iterable[dict], progress: Progress | None) -> Iterator[dict]:
    done = 0
    for done, row in enumerate(rows, start=1):
        if progress:
            progress.update(done)
        yield row
    if progress:
        progress.update(done, final=True)


def write_jsonl(rows: Iterable[dict], path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for n, row in enumerate(rows, start=1):  # noqa: B007
            out.write(json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
    return n


def write_csv(rows: Iterable[dict], path: Path, fields: list[str], bom: bool = False) -> int:
    n = 0
    # Excel reads UTF-8 only with a byte-order mark; other tools prefer none.
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for n, row in enumerate(rows, start=1):  # noqa: B007
            writer.writerow(
                {
                    k: "|".join(map(str, v)) if k in LIST_FIELDS and v is not None else _plain(v)
                    for k, v in row.items()
                }
            )
    return n


def _arrow_schema(fields: list[str]):
    import pyarrow as pa

    def kind(name: str):
        if name in LIST_FIELDS:
            return pa.list_(pa.string())
        if name in DATE_FIELDS:
            return pa.timestamp("ms", tz="UTC")
        if name in FLOAT_FIELDS:
            return pa.float64()
        if name in INT_FIELDS:
            return pa.int64()
        return pa.string()

    return pa.schema([(name, kind(name)) for name in fields])


def write_parquet(rows: Iterable[dict], path: Path, fields: list[str]) -> int:
    """Row groups of BATCH articles: memory stays flat however many there are."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(fields)
    n = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        chunk: list[dict] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= BATCH:
                writer.write_batch(pa.RecordBatch.from_pylist(chunk, schema=schema))
                n += len(chunk)
                chunk = []
        if chunk or n == 0:
            writer.write_batch(pa.RecordBatch.from_pylist(chunk, schema=schema))
            n += len(chunk)
    return n


def export(
    db,
    path: Path,
    fmt: str,
    filters: Filters | None = None,
    fields: list[str] | None = None,
    bom: bool = False,
    progress: bool = True,
) -> int:
    """Write the matching articles to `path`; the number written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    filters = filters or Filters()
    fields = fields or DEFAULT_FIELDS
    # Counting costs a pass over the matching documents: only for a bar someone will see.
    show = progress and sys.stderr.isatty()
    bar = Progress(db[ARTICLES].count_documents(filters.query())) if show else None
    rows = _counted(documents(db, filters, fields), bar)
    if fmt == "jsonl":
        return write_jsonl(rows, path)
    if fmt == "csv":
        return write_csv(rows, path, fields, bom)
    return write_parquet(rows, path, fields)


# -- the command ------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=list(FORMATS), required=True)
    parser.add_argument("--out", required=True, help="the file to write")
    parser.add_argument("--fields", help="comma-separated fields (default: every article field)")
    parser.add_argument(
        "--bom", action="store_true", help="CSV with a UTF-8 byte-order mark (Excel)"
    )
    filter_options(parser)
    database_options(parser)


def run(args: argparse.Namespace) -> int:
    fields = [f.strip() for f in args.fields.split(",")] if args.fields else None

    def action(db) -> int:
        n = export(db, Path(args.out), args.format, filters_from(args), fields, bom=args.bom)
        print(f"{n} articles written to {args.out}", file=sys.stderr)
        return 0

    return on_database(args, action)
