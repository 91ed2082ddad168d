"""`scrapy crawl` (and `akhbar crawl`) with akhbar's exit codes.

- 1, before any request: the registry is invalid, or the database cannot be reached. The
  database is asked first, here, so that the answer is one line naming the server (password
  masked), not one error per stage and tracebacks from a crawl that never opened.
- 3: the run went on but lost something: articles that went to the unsaved file or were stored
  without dedupe state (`crawl_runs.status` is then `finished_with_losses`).
"""

from __future__ import annotations

import logging

from scrapy.commands.crawl import Command as ScrapyCrawl

logger = logging.getLogger(__name__)

LOSSES = "akhbar/run/losses"  # set by the run record when the run ends
EXIT_LOSSES = 3


def database_problem(settings) -> str | None:
    """Why the crawl's database cannot be used, or None. Without MONGO_URI, the managed local
    store is started here when it is not running."""
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    from crawler.store.local import LocalServerError, resolve_uri
    from crawler.store.schema import redact_uri

    try:
        uri = resolve_uri(settings.get("MONGO_URI") or None)
    except LocalServerError as exc:
        return f"no MONGO_URI and no local store: {exc}"
    timeout = settings.getint("MONGO_TIMEOUT_MS")
    client = MongoClient(uri, serverSelectionTimeoutMS=timeout, connectTimeoutMS=timeout)
    try:
        client.admin.command("ping")
    except PyMongoError as exc:
        # pymongo's message ends with the whole topology: its first clause says what happened.
        reason = str(exc).split(", Timeout:")[0].split(" (configured timeouts")[0]
        return f"cannot reach MongoDB at {redact_uri(uri)}: {reason[:300]}"
    finally:
        client.close()
    return None


class Command(ScrapyCrawl):
    def _create_crawler(self, spname):
        self.crawler = super()._create_crawler(spname)
        return self.crawler

    def run(self, args, opts) -> None:
        problem = database_problem(self.settings)
        if problem:
            logger.error("Crawl not started, %s", problem)
            self.exitcode = 1
            return
        super().run(args, opts)
        crawler = getattr(self, "crawler", None)
        stats = getattr(crawler, "stats", None)
        if self.exitcode == 0 and stats is not None and stats.get_value(LOSSES, 0):
            self.exitcode = EXIT_LOSSES
