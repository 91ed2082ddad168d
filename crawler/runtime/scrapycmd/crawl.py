"""`scrapy crawl` (and `akhbar crawl`), with one more exit code for monitoring: 3 when the run
ended with losses, that is articles that went to the unsaved file or were stored without dedupe
state (`crawl_runs.status` is then `finished_with_losses`). 1 stays Scrapy's: the crawl could not
start (an invalid registry, an unreachable database)."""

from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawl

LOSSES = "akhbar/run/losses"  # set by the run record when the run ends
EXIT_LOSSES = 3


class Command(ScrapyCrawl):
    def _create_crawler(self, spname):
        self.crawler = super()._create_crawler(spname)
        return self.crawler

    def run(self, args, opts) -> None:
        super().run(args, opts)
        crawler = getattr(self, "crawler", None)
        stats = getattr(crawler, "stats", None)
        if self.exitcode == 0 and stats is not None and stats.get_value(LOSSES, 0):
            self.exitcode = EXIT_LOSSES
