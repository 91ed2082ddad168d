"""The analyst commands' output: `akhbar stats`, `search`, `export`, `report`, `migrate`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from crawler.store.corpus import Filters, corpus_stats, migrate, parse_day, search, snippet


def filters_from(args: argparse.Namespace) -> Filters:
    """The filters given on the command line."""
    return Filters(
        sites=args.site,
        topics=args.topic,
        languages=args.language,
        since=parse_day(args.since) if args.since else None,
        until=parse_day(args.until) if args.until else None,
        unique_stories=args.unique_stories,
    )


def visual(text: str) -> str:
    """Arabic in visual order with joined letter forms, for terminals that do neither."""
    from arabic_reshaper import reshape
    from bidi import get_display

    return get_display(reshape(text))


def _table(title: str, rows: list[dict], width: int = 28) -> str:
    lines = [title, "-" * len(title)]
    lines += [f"{str(r['value'])[:width]:<{width}} {r['n']:>8}" for r in rows] or ["(none)"]
    return "\n".join(lines)


def render_stats(stats: dict) -> str:
    parts = [
        f"{stats['articles']} articles: {stats['stories']} stories, "
        f"{stats['syndicated_copies']} syndicated copies",
        _table("per site", stats["by_site"]),
        _table("per topic", stats["by_topic"]),
        _table("per language", stats["by_language"]),
        _table("per day (UTC)", stats["by_day"]),
        _table("top keywords", stats["top_keywords"]),
    ]
    health = ["crawl health (last run per site)", "-" * 32]
    for row in stats["crawl_health"]:
        when = row["last_run"].strftime("%Y-%m-%d %H:%M") if row["last_run"] else "-"
        drops = ", ".join(f"{k} {v}" for k, v in sorted(row["drops"].items())) or "no drops"
        health.append(
            f"{row['site']:<20} {when}  {row['status']:<9} {row['stored_new']:>5} new  {drops}"
            + (f"  FLAG {row['flag']}" if row["flag"] else "")
        )
    parts.append("\n".join(health))
    return "\n\n".join(parts)


def run(args: argparse.Namespace, db) -> int:
    """Run one analyst command against `db`; the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "migrate":
        changed = migrate(db)
        print(f"{changed} articles updated")
        return 0
    filters = filters_from(args)
    if args.command == "stats":
        stats = corpus_stats(db, filters, days=args.days, top=args.top)
        print(
            json.dumps(stats, default=str, ensure_ascii=False, indent=2)
            if args.json
            else render_stats(stats)
        )
        return 0
    if args.command == "search":
        hits = search(db, args.query, filters, args.limit)
        if args.json:
            print(json.dumps(hits, default=str, ensure_ascii=False, indent=2))
            return 0
        reorder = args.bidi == "on" or (args.bidi == "auto" and sys.stdout.isatty())
        show = visual if reorder else (lambda text: text)
        for hit in hits:
            day = (
                hit["published_at"].strftime("%Y-%m-%d")
                if hit.get("published_at")
                else "----------"
            )
            print(f"{day}  {hit['site']}  {show(hit.get('title') or '')}")
            print(f"    {hit['_id']}")
            print(f"    {show(snippet(hit.get('body') or '', args.query))}\n")
        print(f"{len(hits)} articles")
        return 0
    if args.command == "export":
        from crawler.commands.export import export

        fields = [f.strip() for f in args.fields.split(",")] if args.fields else None
        n = export(db, Path(args.out), args.format, filters, fields, bom=args.bom)
        print(f"{n} articles written to {args.out}", file=sys.stderr)
        return 0
    if args.command == "report":
        from crawler.commands.report import build_report

        page = build_report(db, Path(args.out), filters, days=args.days)
        print(f"report written to {page}")
        return 0
    raise ValueError(f"unknown command {args.command}")
