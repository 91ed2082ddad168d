"""Validate stage: drop items that cannot be articles (no URL, no title, empty or too short a body).

Every drop is counted in the crawl stats as `akhbar/drop/<reason>`.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from crawler.stats import count


class InvalidArticle(DropItem):
    """An item without the fields every stored article must have."""

    def __init__(self, reason: str, url: str | None) -> None:
        super().__init__(f"{reason}: {url}")
        self.reason = reason


def invalid_reason(item: Any, min_words: int = 0) -> str | None:
    """The drop reason for an item, or None when it may proceed.

    A body under `min_words` words is a teaser, a paywall stub or a page built by JavaScript,
    not an article.
    """
    adapter = ItemAdapter(item)
    if not str(adapter.get("url") or "").strip():
        return "missing_url"
    if not str(adapter.get("title") or "").strip():
        return "missing_title"
    body = str(adapter.get("body") or "")
    if not body.strip():
        return "empty_body"
    if len(body.split()) < min_words:
        return "short_body"
    return None


class ValidatePipeline:
    """First stage: counts and drops items without URL, title or body."""

    def __init__(self, crawler) -> None:
        self.stats = crawler.stats
        self.min_words = crawler.settings.getint("VALIDATE_MIN_WORDS")

    @classmethod
    def from_crawler(cls, crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        reason = invalid_reason(item, self.min_words)
        if reason is None:
            return item
        count(self.stats, f"drop/{reason}", site=ItemAdapter(item).get("site"))
        raise InvalidArticle(reason, ItemAdapter(item).get("url"))
