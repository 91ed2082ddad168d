"""Incremental runs: the URLs of the articles already stored for the run's sites.

Loaded once when the run starts (one read of the URL log, `crawler.store.articles`), kept in
memory; the spider asks `known(url_key)` before it schedules a page, so a stored article is never
requested again and costs no part of the site's page budget. With `-a refresh=true` nothing is
skipped: the stored articles published within their site's max_age are fetched again
(`refresh_urls`), and the sink updates those whose content changed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pymongo.errors import PyMongoError

from crawler.extract.urls import url_key
from crawler.registry import Site
from crawler.store import DatabaseUnavailable, Store

logger = logging.getLogger(__name__)


class StoredUrls:
    """What the run's sites have stored, as `url_key`s (canonical and alternate URLs)."""

    def __init__(
        self,
        crawler,
        sites: list[Site],
        *,
        refresh: bool,
        max_age: Callable[[Site], timedelta | None],
    ) -> None:
        self.crawler = crawler
        self.sites = {s.name: s for s in sites}
        self.refresh = refresh
        self.max_age = max_age
        self.keys: set[str] = set()
        self._refresh: dict[str, list[str]] = {}

    async def load(self) -> None:
        now = datetime.now(UTC)
        try:
            stored = await Store.of(self.crawler).stored_articles(list(self.sites))
        except (PyMongoError, DatabaseUnavailable) as exc:
            # The sink fails the run when the database is down; here it only costs re-fetching.
            logger.warning("Could not read stored articles (every article is fetched): %s", exc)
            stored = []
        for article in stored:
            for url in [article.url, *article.alternate_urls]:
                with contextlib.suppress(ValueError):
                    self.keys.add(url_key(url))
            site = self.sites.get(article.site)
            if self.refresh and site is not None:
                age = self.max_age(site)
                if age is None or (article.date is not None and article.date >= now - age):
                    self._refresh.setdefault(site.name, []).append(article.url)
        logger.info(
            "%d stored article URLs known for %s%s",
            len(self.keys),
            ", ".join(self.sites),
            " (refresh: fetched again)" if self.refresh else " (not fetched again)",
        )

    def skip(self, key: str) -> bool:
        """True when the page at `key` is a stored article and this run does not refresh."""
        return not self.refresh and key in self.keys

    def refresh_urls(self, site: str) -> list[str]:
        """The stored articles of `site` to fetch again (refresh runs only)."""
        return self._refresh.get(site, [])
