"""`akhbar runs`: the last crawl runs from `crawl_runs`, as a table or JSON."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from pymongo import DESCENDING

from crawler.commands.options import database_options, on_database
from crawler.store.schema import CRAWL_RUNS


def _cell(value: Any, width: int) -> str:
    text = "-" if value is None or value == "" else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(runs: list[dict]) -> str:
    """A fixed-width table, one run per line."""
    columns = [
        ("started (UTC)", 16),
        ("dur s", 7),
        ("status", 9),
        ("job", 10),
        ("sites", 24),
        ("pages", 6),
        ("new", 5),
        ("upd", 5),
        ("dup", 5),
        ("drops", 6),
        ("errors", 6),
        ("flags", 30),
    ]
    lines = ["  ".join(name.ljust(width) for name, width in columns)]
    lines.append("-" * len(lines[0]))
    for run in runs:
        counts = run.get("counts") or {}
        started = run.get("started_at")
        flags = run.get("flags") or {}
        values = [
            started.strftime("%Y-%m-%d %H:%M") if isinstance(started, datetime) else started,
            run.get("duration_s"),
            run.get("status"),
            run.get("job"),
            ",".join(run.get("sites") or []),
            counts.get("pages"),
            counts.get("stored_new"),
            counts.get("stored_updated"),
            counts.get("duplicates"),
            counts.get("dropped"),
            counts.get("errors"),
            " ".join(f"{site}:{flag}" for site, flag in flags.items()) or run.get("reason"),
        ]
        lines.append(
            "  ".join(_cell(v, w).ljust(w) for v, (_, w) in zip(values, columns, strict=True))
        )
    return "\n".join(line.rstrip() for line in lines)


def render_json(runs: list[dict]) -> str:
    """The runs as a JSON array (dates in ISO 8601)."""
    return json.dumps(runs, ensure_ascii=False, indent=2, default=str)


# -- the command ------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", "--limit", type=int, default=20, help="how many (default 20)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    database_options(parser)


def run(args: argparse.Namespace) -> int:
    def action(db) -> int:
        runs = list(
            db[CRAWL_RUNS].find({}, {"stats": 0}).sort("started_at", DESCENDING).limit(args.limit)
        )
        print(render_json(runs) if args.json else render_table(runs))
        return 0

    return on_database(args, action)
