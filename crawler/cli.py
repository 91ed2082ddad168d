"""The `akhbar` command: `akhbar crawl` (the news spider, from any directory) and `akhbar demo`.

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
    known, rest = parser.parse_known_args(argv)
    if known.command == "crawl":
        return _crawl(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    from crawler.demo import main as demo

    return demo([])


if __name__ == "__main__":
    sys.exit(main())
