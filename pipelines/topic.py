"""Topic stage: `topic`, `topic_confidence`, `topic_source`, `topic_method`, `topic_model` and
`keywords` of each article.

The site's own section, tags or URL decide when they name a known section (`topic_source: site`,
with the registry's `topic_map` first); otherwise the trained model and the lexicons read the text
(`content`; `crawler.text.topic.classify_content`).
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from crawler import settings as defaults
from crawler.runtime.context import RunContext
from crawler.text.topic import annotate_topic


class TopicPipeline:
    """Assigns one topic of the taxonomy and up to `TOPIC_KEYWORDS` keywords to each article."""

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.options = topic_options(settings)

    @classmethod
    def from_crawler(cls, crawler) -> TopicPipeline:
        return cls(crawler)

    def _topic_map(self, site: str | None) -> dict[str, str]:
        # The registry entry of the item's site, as the run loaded it.
        entry = RunContext.of(self.crawler).sites_by_name.get(site) if site else None
        return entry.topic_map if entry is not None else {}

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        fields = annotate_topic(
            adapter.get("title") or "",
            adapter.get("body") or "",
            section=adapter.get("section"),
            tags=adapter.get("tags") or [],
            url=adapter.get("url") or "",
            topic_map=self._topic_map(adapter.get("site")),
            **self.options,
        )
        for name, value in fields.items():
            adapter[name] = value
        self.stats.inc_value(f"akhbar/topic/{fields['topic_method']}/{fields['topic']}")
        return item


def topic_options(settings) -> dict[str, Any]:
    """The topic settings, as `annotate_topic` takes them (the stage's, `akhbar classify`'s and
    `akhbar reannotate`'s)."""
    return {
        "sample_chars": settings.getint("TOPIC_SAMPLE_CHARS", defaults.TOPIC_SAMPLE_CHARS),
        "keyword_limit": settings.getint("TOPIC_KEYWORDS", defaults.TOPIC_KEYWORDS),
        "min_probability": settings.getfloat(
            "TOPIC_MIN_PROBABILITY", defaults.TOPIC_MIN_PROBABILITY
        ),
        "lexicon_overrule": settings.getfloat(
            "TOPIC_LEXICON_OVERRULE", defaults.TOPIC_LEXICON_OVERRULE
        ),
        "thin_overrule": settings.getfloat("TOPIC_THIN_OVERRULE", defaults.TOPIC_THIN_OVERRULE),
        "min_confidence": settings.getfloat("TOPIC_MIN_CONFIDENCE", defaults.TOPIC_MIN_CONFIDENCE),
        "min_score": settings.getfloat("TOPIC_MIN_SCORE", defaults.TOPIC_MIN_SCORE),
    }
