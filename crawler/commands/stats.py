"""`akhbar stats`: articles per site, topic, language and day, top keywords, and crawl health."""

from __future__ import annotations

import argparse
import json

from crawler.commands.options import database_options, filter_options, filters_from, on_database


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--days", type=int, default=14, help="days of the per-day table (default 14)"
    )
    parser.add_argument("--top", type=int, default=20, help="keywords listed (default 20)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    filter_options(parser)
    database_options(parser)


def run(args: argparse.Namespace) -> int:
    from crawler.store.corpus import corpus_stats

    def action(db) -> int:
        stats = corpus_stats(db, filters_from(args), days=args.days, top=args.top)
        if args.json:
            print(json.dumps(stats, default=str, ensure_ascii=False, indent=2))
        else:
            print(render_stats(stats))
        return 0

    return on_database(args, action)


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
