"""`akhbar enqueue`: push the start requests of sites to the shared Redis queue, for the
distributed workers (see `crawler.runtime.distributed`)."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sites", help="registry file (default: the built-in crawler/sites.yaml)")
    parser.add_argument("--site", action="append", default=[], help="only this site (repeatable)")


def run(args: argparse.Namespace) -> int:
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
