"""`akhbar demo`: crawl the bundled sample sites and print what was stored (see
`crawler.devtools.demo`)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from crawler.devtools.demo import main

    return main([])
