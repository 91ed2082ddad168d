"""The `akhbar` command: one module per subcommand, listed in `COMMANDS`.

Each module has `add_arguments(parser)` and `run(args) -> exit code` (a module with
`PASS_THROUGH = True` gets the raw arguments instead). Only the module of the command given is
imported, so `akhbar --help` and each command start fast. A new command is a new module and one
line here.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module in this package, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "crawl": (
        "crawl",
        "run the news spider; other arguments go to `scrapy crawl news` "
        "(-a sites=PATH, -a site=NAME, -a urls=URL,..., -s NAME=VALUE)",
    ),
    "demo": ("demo", "crawl the bundled sample sites into the local store and print a summary"),
    "check-sites": (
        "check_sites",
        "crawl each site briefly and report whether it works from here",
    ),
    "schedule": ("schedule", "run crawls on intervals from a schedule file"),
    "runs": ("runs", "the last crawl runs, from crawl_runs"),
    "enqueue": ("enqueue", "push the start requests of sites to the Redis queue (distributed)"),
    "stats": ("stats", "articles per site, topic, language, day; crawl health"),
    "search": ("search", "find articles (diacritics and letter variants folded)"),
    "export": ("export", "articles to JSONL, CSV or Parquet (streamed)"),
    "report": ("report", "an HTML page with charts of the corpus"),
    "migrate": ("migrate", "add search fields to stored articles (idempotent)"),
    "classify": ("classify", "language and topic of JSON lines texts (id, title, body, ...)"),
    "reannotate": (
        "reannotate",
        "recompute language, topic and keywords of stored articles after a model change",
    ),
    "db": ("db", "the managed local store: start, stop, status, uri"),
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `akhbar` console script."""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="akhbar", description="Crawl Arabic news sites into MongoDB."
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        subcommands.add_parser(name, help=help_text, add_help=False)
    if not argv or argv[0] not in COMMANDS:
        parser.parse_args(argv)  # usage, --help, or the error naming the unknown command
        return 2
    name, rest = argv[0], argv[1:]
    module_name, help_text = COMMANDS[name]
    module = importlib.import_module(f"{__name__}.{module_name}")
    if getattr(module, "PASS_THROUGH", False):
        return module.run(rest)
    command = argparse.ArgumentParser(prog=f"akhbar {name}", description=help_text)
    module.add_arguments(command)
    args = command.parse_args(rest)
    args.command = name
    return module.run(args)
