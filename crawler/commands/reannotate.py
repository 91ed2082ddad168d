"""`akhbar reannotate`: recompute language, topic and keywords of stored articles after a model or
lexicon change (idempotent, resumable; filters by site and date)."""

from __future__ import annotations

import argparse
import sys

from crawler.commands.options import (
    article_annotator,
    database_options,
    on_database,
    project_settings,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    database_options(parser)
    parser.add_argument("--site", action="append", default=[], help="only this site (repeatable)")
    parser.add_argument("--since", help="published on or after this day (YYYY-MM-DD, UTC)")
    parser.add_argument("--until", help="published before this day (YYYY-MM-DD, UTC)")
    parser.add_argument(
        "--sites",
        help="registry whose topic_map entries apply (default: the built-in registry)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="also the articles already annotated with this model version",
    )


def run(args: argparse.Namespace) -> int:
    from crawler.registry import RegistryError, load_registry
    from crawler.store.annotations import reannotate
    from crawler.store.corpus import Filters, parse_day

    try:
        registry = load_registry(args.sites) if args.sites else load_registry()
        filters = Filters(
            sites=args.site,
            since=parse_day(args.since) if args.since else None,
            until=parse_day(args.until) if args.until else None,
        )
    except (RegistryError, ValueError, OSError) as exc:
        print(f"akhbar reannotate: {exc}", file=sys.stderr)
        return 2
    topic_maps = {site.name: site.topic_map for site in registry}
    annotate_article, version = article_annotator(project_settings())

    def annotate(doc: dict) -> dict:
        return annotate_article(
            doc.get("title") or "",
            doc.get("body") or "",
            section=doc.get("section"),
            tags=doc.get("tags") or [],
            url=doc.get("url") or "",
            topic_map=topic_maps.get(doc.get("site")),
        )

    def report(result) -> None:
        print(f"... {result.examined} articles looked at, {result.changed} changed", flush=True)

    def action(db) -> int:
        result = reannotate(
            db, filters.query(), annotate, version, force=args.force, progress=report
        )
        fields = ", ".join(f"{name} {n}" for name, n in sorted(result.fields.items()))
        print(
            f"{result.examined} articles annotated with {version}; "
            f"{result.changed} changed" + (f" ({fields})" if fields else "")
        )
        return 0

    return on_database(args, action)
