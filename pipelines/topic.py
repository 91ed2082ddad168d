"""Topic stage: `topic`, `topic_confidence`, `topic_source` and `keywords` of each article.

The site's own section, tags or URL decide when they name a known section (`topic_source: site`,
with the registry's `topic_map` first); otherwise a lexicon classifier reads the text (`content`).
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from crawler.runtime.context import RunContext
from crawler.text.language import text_sample
from crawler.text.topic import content_topic, keywords, site_topic


class TopicPipeline:
    """Assigns one topic of the taxonomy and up to `TOPIC_KEYWORDS` keywords to each article."""

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.sample_chars = settings.getint("TOPIC_SAMPLE_CHARS")
        self.min_confidence = settings.getfloat("TOPIC_MIN_CONFIDENCE")
        self.min_score = settings.getfloat("TOPIC_MIN_SCORE")
        self.keyword_limit = settings.getint("TOPIC_KEYWORDS")

    @classmethod
    def from_crawler(cls, crawler) -> TopicPipeline:
        return cls(crawler)

    def _topic_map(self, site: str | None) -> dict[str, str]:
        # The registry entry of the item's site, as the run loaded it.
        entry = RunContext.of(self.crawler).sites_by_name.get(site) if site else None
        return entry.topic_map if entry is not None else {}

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        title = adapter.get("title") or ""
        sample = text_sample(None, adapter.get("body") or "", self.sample_chars)
        guess = site_topic(
            adapter.get("section"),
            adapter.get("tags") or [],
            adapter.get("url") or "",
            self._topic_map(adapter.get("site")),
        ) or content_topic(
            title, sample, min_confidence=self.min_confidence, min_score=self.min_score
        )
        adapter["topic"] = guess.topic
        adapter["topic_confidence"] = guess.confidence
        adapter["topic_source"] = guess.source
        adapter["keywords"] = keywords(title, sample, self.keyword_limit)
        self.stats.inc_value(f"akhbar/topic/{guess.source}/{guess.topic}")
        return item
