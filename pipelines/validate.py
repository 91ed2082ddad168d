"""Validate stage: drop items that cannot be articles (no URL, no title, empty or too short a body),
and cut fields to sizes no real article reaches.

Every drop is counted in the crawl stats as `akhbar/drop/<reason>`, every cut as
`akhbar/truncated/<field>`. The limits keep a document far under MongoDB's 16 MiB (the body is
stored twice: as written and folded in `search_text`) and keep one hostile page from costing the
stages after this one more than an article does.
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


# Characters per text field, and items (and characters per item) per list field.
TEXT_LIMITS = {"title": 1_000, "description": 5_000, "body": 1_000_000}
LIST_LIMITS = {"authors": (20, 200), "tags": (50, 200), "alternate_urls": (100, 2_000)}


def truncate_fields(item: Any) -> list[str]:
    """Cut the item's oversized fields in place (a body at a paragraph or word boundary); the
    names of the fields cut."""
    adapter = ItemAdapter(item)
    cut = []
    for name, limit in TEXT_LIMITS.items():
        value = adapter.get(name)
        if isinstance(value, str) and len(value) > limit:
            head = value[:limit]
            boundary = max(head.rfind("\n\n"), head.rfind(" "))
            adapter[name] = head[:boundary] if boundary > limit // 2 else head
            cut.append(name)
    for name, (items, chars) in LIST_LIMITS.items():
        values = adapter.get(name)
        if isinstance(values, list) and (
            len(values) > items or any(isinstance(v, str) and len(v) > chars for v in values)
        ):
            adapter[name] = [v[:chars] if isinstance(v, str) else v for v in values[:items]]
            cut.append(name)
    return cut


class ValidatePipeline:
    """First stage: counts and drops items without URL, title or body; cuts oversized fields."""

    def __init__(self, crawler) -> None:
        self.stats = crawler.stats
        self.min_words = crawler.settings.getint("VALIDATE_MIN_WORDS")

    @classmethod
    def from_crawler(cls, crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        site = ItemAdapter(item).get("site")
        for name in truncate_fields(item):
            count(self.stats, f"truncated/{name}", site=site)
        reason = invalid_reason(item, self.min_words)
        if reason is None:
            return item
        count(self.stats, f"drop/{reason}", site=site)
        raise InvalidArticle(reason, ItemAdapter(item).get("url"))
