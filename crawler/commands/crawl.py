"""`akhbar crawl ARGS`: `scrapy crawl news ARGS`, from any directory."""

from __future__ import annotations

import os

PASS_THROUGH = True  # every argument goes to `scrapy crawl news`


def run(args: list[str]) -> int:
    # Settings come from the package, so the command works outside the project directory.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.cmdline import execute

    try:
        execute(["scrapy", "crawl", "news", *args])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0
