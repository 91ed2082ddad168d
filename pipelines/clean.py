"""Clean stage: body, title, authors, tags and dates made clean, and site boilerplate learned.

Every article goes through `crawler.text.cleaning.clean_article`. Lines that recur across many articles
of a site are counted in memory and learned by the storage layer's boilerplate book
(`crawler/store/boilerplate.py`), so the knowledge holds across runs and workers. The articles
that went through before a line was learned are cleaned again: in the article writer's queue
when they are still there, in the database after the run when they were already written.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError
from scrapy.exceptions import DropItem

from crawler.runtime.context import RunContext
from crawler.stats import count
from crawler.store import DatabaseUnavailable, Store
from crawler.store.boilerplate import BoilerplateBook
from crawler.store.corpus import search_text
from crawler.store.schema import redact_uri
from crawler.text.boilerplate import strip_boilerplate
from crawler.text.cleaning import SiteKnowledge, clean_article
from crawler.text.fingerprint import content_hash
from crawler.text.normalize import storage_paragraphs
from crawler.text.titles import clean_title, site_names

logger = logging.getLogger(__name__)

# The store's closing step that cleans stored articles again: after the sink wrote everything,
# before the run record.
RECLEAN_ORDER = 100


class CleanDrop(DropItem):
    """An article whose body is empty or too short once its boilerplate is gone."""

    def __init__(self, reason: str, url: str | None) -> None:
        super().__init__(f"{reason}: {url}")
        self.reason = reason


def _cleaned_again(article: dict[str, Any], knowledge: SiteKnowledge, min_words: int) -> dict:
    """The fields of a stored article that change under what was learned since it was stored."""
    update: dict[str, Any] = {}
    body = article.get("body") or ""
    paragraphs = strip_boilerplate(storage_paragraphs(body), knowledge.line_keys).paragraphs
    new_body = "\n\n".join(paragraphs)
    if new_body != body and len(new_body.split()) >= min_words:
        update["body"] = new_body
        update["word_count"] = len(new_body.split())
        if article.get("content_hash"):
            update["content_hash"] = content_hash(new_body)  # the hash of the stored body
    title = article.get("title")
    new_title = clean_title(title, set(), knowledge.title_affixes) if title else title
    if new_title and new_title != title:
        update["title"] = new_title
    if update:
        update["search_text"] = search_text(update.get("title", title), update.get("body", body))
    return update


class CleanPipeline:
    """Second stage: cleans each article's fields and drops bodies that were only boilerplate."""

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.min_words = settings.getint("CLEAN_MIN_WORDS")
        self.learn = settings.getbool("CLEAN_LEARN_ENABLED")
        self.store = Store.of(crawler)
        self.book: BoilerplateBook | None = None

    @classmethod
    def from_crawler(cls, crawler) -> CleanPipeline:
        return cls(crawler)

    async def open_spider(self) -> None:
        if not self.learn:
            return
        sites = RunContext.of(self.crawler).names
        try:
            self.book = await self.store.boilerplate(sites)
        except (PyMongoError, DatabaseUnavailable) as exc:
            # The curated list still applies; only learning is off for this run.
            logger.warning(
                "Boilerplate learning off: %s unreachable (%s)", redact_uri(self.store.uri), exc
            )
            return
        self.store.on_close(RECLEAN_ORDER, self._clean_stored)

    async def close_spider(self) -> None:
        if self.book is not None:
            try:
                await self.book.close()
            except PyMongoError as exc:
                logger.warning("Could not record boilerplate observations: %s", exc)

    def _reclean(self) -> None:
        """Hand the articles that carried a line before it was learned to the article writer, which
        cleans them again before writing them, or after the run if they were written already."""
        book = self.book
        writer = self.store.writer
        if book is None or writer is None or not book.retro_urls:
            return
        retro, book.retro_urls = book.retro_urls, {}
        for site, urls in retro.items():
            knowledge = book.site(site)
            writer.rewrite(
                sorted(urls), lambda doc, k=knowledge: _cleaned_again(doc, k, self.min_words)
            )

    async def _clean_stored(self, reason: str) -> None:
        """After the sink wrote everything: clean again what was written before learning."""
        self._reclean()
        writer = self.store.writer
        if self.book is None or writer is None:
            return
        try:
            stored = await writer.rewrite_stored()
            await self.book.mark_retro_done()
        except PyMongoError as exc:
            logger.error("Could not clean stored articles again (left for the next run): %s", exc)
            return
        changed = writer.rewritten_queued + stored
        if changed:
            count(self.stats, "clean/recleaned", changed)
            count(self.stats, "clean/recleaned_stored", stored)
            logger.info(
                "Cleaned %d articles again with newly learned boilerplate (%d already stored)",
                changed,
                stored,
            )

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        site = adapter.get("site") or ""
        names = site_names(adapter.get("site_name"), site, adapter.get("domain"))
        knowledge = self.book.site(site) if self.book else SiteKnowledge()
        cleaned = clean_article(
            title=adapter.get("title"),
            body=adapter.get("body"),
            description=adapter.get("description"),
            authors=adapter.get("authors"),
            tags=adapter.get("tags"),
            section=adapter.get("section"),
            published_at=adapter.get("published_at"),
            modified_at=adapter.get("modified_at"),
            names=names,
            knowledge=knowledge,
        )
        self._count_changes(cleaned, site)
        if not cleaned.body:
            self._drop("empty_after_clean", adapter, site)
        if cleaned.word_count < self.min_words:
            self._drop("short_after_clean", adapter, site)
        adapter["title"] = cleaned.title or adapter.get("title")
        adapter["description"] = cleaned.description
        adapter["body"] = cleaned.body
        adapter["word_count"] = cleaned.word_count
        adapter["authors"] = cleaned.authors
        adapter["tags"] = cleaned.tags
        adapter["section"] = cleaned.section
        adapter["modified_at"] = cleaned.modified_at
        if self.book is not None and site:
            learned = self.book.observe(
                site, adapter["url"], cleaned.line_candidates, cleaned.title_candidates
            )
            for line in learned:
                count(self.stats, f"clean/learned/{line.kind}", site=site)
            if learned:
                self._reclean()
        return item

    def _count_changes(self, cleaned, site: str) -> None:
        if cleaned.curated_lines:
            count(self.stats, "clean/boilerplate_curated", len(cleaned.curated_lines), site=site)
        if cleaned.learned_lines:
            count(self.stats, "clean/boilerplate_learned", len(cleaned.learned_lines), site=site)
        if cleaned.title_changed:
            count(self.stats, "clean/title_affix", site=site)
        if cleaned.authors_dropped:
            count(self.stats, "clean/authors_dropped", cleaned.authors_dropped, site=site)
        if cleaned.modified_dropped:
            count(self.stats, "invalid_date", site=site)
            count(self.stats, "invalid_date/modified_before_published", site=site)

    def _drop(self, reason: str, adapter: ItemAdapter, site: str) -> None:
        count(self.stats, f"drop/{reason}", site=site)
        raise CleanDrop(reason, adapter.get("url"))
