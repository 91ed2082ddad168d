"""`akhbar search QUERY`: articles whose title or body holds the query, in the matching form
(diacritics, letter variants and clitics do not get in the way)."""

from __future__ import annotations

import argparse
import json
import sys

from crawler.commands.options import database_options, filter_options, filters_from, on_database


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query")
    parser.add_argument("-n", "--limit", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--bidi", choices=["auto", "on", "off"], default="auto",
        help="reorder Arabic for terminals without bidi support (auto: on a terminal)",
    )  # fmt: skip
    filter_options(parser)
    database_options(parser)


def visual(text: str) -> str:
    """Arabic in visual order with joined letter forms, for terminals that do neither."""
    from arabic_reshaper import reshape
    from bidi import get_display

    return get_display(reshape(text))


def run(args: argparse.Namespace) -> int:
    from crawler.store.corpus import search, snippet

    def action(db) -> int:
        hits = search(db, args.query, filters_from(args), args.limit)
        if args.json:
            print(json.dumps(hits, default=str, ensure_ascii=False, indent=2))
            return 0
        reorder = args.bidi == "on" or (args.bidi == "auto" and sys.stdout.isatty())
        show = visual if reorder else (lambda text: text)
        for hit in hits:
            published = hit.get("published_at")
            day = published.strftime("%Y-%m-%d") if published else "----------"
            print(f"{day}  {hit['site']}  {show(hit.get('title') or '')}")
            print(f"    {hit['_id']}")
            print(f"    {show(snippet(hit.get('body') or '', args.query))}\n")
        print(f"{len(hits)} articles")
        return 0

    return on_database(args, action)
