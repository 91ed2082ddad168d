"""The `akhbar` command: `akhbar crawl` (the news spider, from any directory), `akhbar schedule`
(crawls on intervals), `akhbar enqueue` (start URLs for distributed workers), `akhbar runs` (the
last runs), `akhbar check-sites`, `akhbar demo`, and the analyst tools `akhbar stats`, `akhbar
search`, `akhbar export`, `akhbar report` and `akhbar migrate`.
"""

from __future__ import annotations

import argparse
import os
import sys


def _crawl(args: list[str]) -> int:
    # Settings come from the package, so the command works outside the project directory.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.cmdline import execute

    try:
        execute(["scrapy", "crawl", "news", *args])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `akhbar` console script."""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="akhbar", description="Crawl Arabic news sites into MongoDB."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "crawl",
        help="run the news spider; other arguments go to `scrapy crawl news` "
        "(-a sites=PATH, -a site=NAME, -a urls=URL,..., -s NAME=VALUE)",
        add_help=False,
    )
    commands.add_parser("demo", help="crawl the bundled sample sites and print a summary")
    check = commands.add_parser(
        "check-sites", help="crawl each site briefly and report whether it works from here"
    )
    check.add_argument("--sites", help="registry file (default: the built-in crawler/sites.yaml)")
    check.add_argument("--site", action="append", default=[], help="only this site (repeatable)")
    check.add_argument("--json", action="store_true", help="print JSON instead of a table")
    check.add_argument(
        "-s",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a setting, as with scrapy crawl",
    )
    schedule = commands.add_parser(
        "schedule", help="run crawls on intervals from a schedule file (see README)"
    )
    schedule.add_argument("file", help="the schedule (YAML)")
    schedule.add_argument(
        "--once", action="store_true", help="run each job once, wait for them, and exit (cron)"
    )
    _database_options(schedule)
    runs = commands.add_parser("runs", help="the last crawl runs, from crawl_runs")
    runs.add_argument("-n", "--limit", type=int, default=20, help="how many (default 20)")
    runs.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _database_options(runs)
    enqueue = commands.add_parser(
        "enqueue", help="push the start requests of sites to the Redis queue (distributed mode)"
    )
    enqueue.add_argument("--sites", help="registry file (default: the built-in crawler/sites.yaml)")
    enqueue.add_argument("--site", action="append", default=[], help="only this site (repeatable)")
    stats = commands.add_parser(
        "stats", help="articles per site, topic, language, day; crawl health"
    )
    stats.add_argument(
        "--days", type=int, default=14, help="days of the per-day table (default 14)"
    )
    stats.add_argument("--top", type=int, default=20, help="keywords listed (default 20)")
    stats.add_argument("--json", action="store_true", help="print JSON instead of tables")
    _filter_options(stats)
    _database_options(stats)
    search = commands.add_parser(
        "search", help="find articles (diacritics and letter variants folded)"
    )
    search.add_argument("query")
    search.add_argument("-n", "--limit", type=int, default=20)
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument(
        "--bidi", choices=["auto", "on", "off"], default="auto",
        help="reorder Arabic for terminals without bidi support (auto: on a terminal)",
    )  # fmt: skip
    _filter_options(search)
    _database_options(search)
    export = commands.add_parser("export", help="articles to JSONL, CSV or Parquet (streamed)")
    export.add_argument("--format", choices=["jsonl", "csv", "parquet"], required=True)
    export.add_argument("--out", required=True, help="the file to write")
    export.add_argument("--fields", help="comma-separated fields (default: every article field)")
    export.add_argument(
        "--bom", action="store_true", help="CSV with a UTF-8 byte-order mark (Excel)"
    )
    _filter_options(export)
    _database_options(export)
    report = commands.add_parser("report", help="an HTML page with charts of the corpus")
    report.add_argument("--out", required=True, help="directory for report.html and its PNGs")
    report.add_argument("--days", type=int, default=14)
    _filter_options(report)
    _database_options(report)
    migrate = commands.add_parser(
        "migrate", help="add search fields to stored articles (idempotent)"
    )
    _database_options(migrate)
    known, rest = parser.parse_known_args(argv)
    if known.command in ANALYST_COMMANDS:
        if rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        return _analyst(known)
    if known.command == "crawl":
        return _crawl(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if known.command == "check-sites":
        return _check_sites(known)
    if known.command == "schedule":
        return _schedule(known)
    if known.command == "runs":
        return _runs(known)
    if known.command == "enqueue":
        return _enqueue(known)
    from crawler.devtools.demo import main as demo

    return demo([])


ANALYST_COMMANDS = {"stats", "search", "export", "report", "migrate"}


def _filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", action="append", default=[], help="only this site (repeatable)")
    parser.add_argument("--topic", action="append", default=[], help="only this topic (repeatable)")
    parser.add_argument("--language", action="append", default=[], help="only this language")
    parser.add_argument("--since", help="published on or after this day (YYYY-MM-DD, UTC)")
    parser.add_argument("--until", help="published before this day (YYYY-MM-DD, UTC)")
    parser.add_argument(
        "--unique-stories", action="store_true", help="one article per story (the first)"
    )


def _analyst(args: argparse.Namespace) -> int:
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    from crawler.commands import analyst
    from crawler.store.schema import redact_uri

    uri, database = _database(args)
    client = MongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    try:
        return analyst.run(args, client[database])
    except PyMongoError as exc:
        print(f"akhbar {args.command}: cannot use {redact_uri(uri)}: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"akhbar {args.command}: {exc}", file=sys.stderr)
        return 2
    finally:
        client.close()


def _database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mongo-uri", help="default: MONGO_URI, else mongodb://localhost:27017")
    parser.add_argument("--database", help="default: MONGO_DATABASE, else akhbar")


def _database(args: argparse.Namespace) -> tuple[str, str]:
    from crawler import settings

    return args.mongo_uri or settings.MONGO_URI, args.database or settings.MONGO_DATABASE


def _schedule(args: argparse.Namespace) -> int:
    import logging

    from crawler.commands.schedule import ScheduleError, Scheduler, load_schedule

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s"
    )
    try:
        schedule = load_schedule(args.file)
    except ScheduleError as exc:
        print(f"akhbar schedule: {exc}", file=sys.stderr)
        return 2
    uri, database = _database(args)
    return Scheduler(schedule, uri, database).run(once=args.once)


def _runs(args: argparse.Namespace) -> int:
    from pymongo.errors import PyMongoError

    from crawler.commands.runs import last_runs, render_json, render_table
    from crawler.store.schema import redact_uri

    uri, database = _database(args)
    try:
        runs = last_runs(uri, database, args.limit)
    except PyMongoError as exc:
        print(f"akhbar runs: cannot read {redact_uri(uri)}: {exc}", file=sys.stderr)
        return 2
    print(render_json(runs) if args.json else render_table(runs))
    return 0


def _enqueue(args: argparse.Namespace) -> int:
    from crawler.registry import RegistryError
    from crawler.runtime.distributed import enqueue_sites

    try:
        pushed = enqueue_sites(args.sites, args.site)
    except (RegistryError, RuntimeError) as exc:
        print(f"akhbar enqueue: {exc}", file=sys.stderr)
        return 2
    for site, count in pushed.items():
        print(f"{site}: {count} start requests queued")
    return 0


def _check_sites(args: argparse.Namespace) -> int:
    from crawler.commands.check_sites import render_json, render_table, run_checks
    from crawler.registry import RegistryError

    overrides = dict(item.split("=", 1) for item in args.settings if "=" in item)
    try:
        reports = run_checks(args.sites, args.site, overrides)
    except (RegistryError, RuntimeError) as exc:
        print(f"akhbar check-sites: {exc}", file=sys.stderr)
        return 2
    print(render_json(reports) if args.json else render_table(reports))
    return 0 if all(r.verdict == "ok" for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
