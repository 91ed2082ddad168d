"""`akhbar migrate`: add the search fields to stored articles that lack them (idempotent)."""

from __future__ import annotations

import argparse

from crawler.commands.options import database_options, on_database


def add_arguments(parser: argparse.ArgumentParser) -> None:
    database_options(parser)


def run(args: argparse.Namespace) -> int:
    from crawler.store.corpus import migrate

    def action(db) -> int:
        print(f"{migrate(db)} articles updated")
        return 0

    return on_database(args, action)
