"""The `akhbar` command: `akhbar crawl` (the news spider, from any directory), `akhbar check-sites`
and `akhbar demo`.

Later subcommands (scheduling, analyst tools) hang off the same entry point.
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
    known, rest = parser.parse_known_args(argv)
    if known.command == "crawl":
        return _crawl(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if known.command == "check-sites":
        return _check_sites(known)
    from crawler.demo import main as demo

    return demo([])


def _check_sites(args: argparse.Namespace) -> int:
    from crawler.checks import render_json, render_table, run_checks
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
