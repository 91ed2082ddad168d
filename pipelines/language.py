"""Language stage: `language` and `language_confidence` from a bounded sample of the article.

Items whose language is not in `LANGUAGE_KEEP` (when set) are dropped as `akhbar/drop/language`.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from crawler.stats import count
from crawler.text.language import article_language


class LanguagePipeline:
    """Detects the language of each article (seeded langdetect, Arabic-script letter evidence)."""

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self.sample_chars = settings.getint("LANGUAGE_SAMPLE_CHARS")
        self.min_letters = settings.getint("LANGUAGE_MIN_LETTERS")
        self.seed = settings.getint("LANGUAGE_SEED")
        self.keep = frozenset(
            code.strip() for code in settings.getlist("LANGUAGE_KEEP") if code.strip()
        )

    @classmethod
    def from_crawler(cls, crawler) -> LanguagePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        guess = article_language(
            adapter.get("title"),
            adapter.get("body") or "",
            sample_chars=self.sample_chars,
            min_letters=self.min_letters,
            seed=self.seed,
        )
        adapter["language"] = guess.language
        adapter["language_confidence"] = guess.confidence
        self.stats.inc_value(f"akhbar/language/{guess.language}")
        if self.keep and guess.language not in self.keep:
            count(self.stats, "drop/language", site=adapter.get("site"))
            raise DropItem(f"language {guess.language} not in LANGUAGE_KEEP: {adapter.get('url')}")
        return item
