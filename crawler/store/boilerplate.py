"""Site boilerplate knowledge: line counts kept in memory for the run, learned lines as documents.

The clean stage observes every article's candidate lines; counting them costs no database work.
The `boilerplate` collection holds, per site, one counts document (`<site>|counts`: the site's
article count and its most frequent candidate lines, each with the distinct articles it was seen
on, the site's article count when it first appeared, and a few of its article URLs) and one
document per learned line (`<site>|<kind>|<key>`, `learned: true`). All of it is read once at
start for the run's sites (a few documents per site).

A line is learned the moment its counts cross the threshold (`should_learn`), so later articles
of the same run are cleaned of it at once; the learned document is an insert of a new `_id`, so
two workers that learn the same line agree. The counts are written every `flush_seconds` with one
replace per site, guarded by a version number: a worker that finds the version moved (another
worker wrote in between) reads the document again and adds its own observations since its last
write on top. The articles stored before a line was learned are cleaned again after the run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from crawler.text.boilerplate import form_key, should_learn
from crawler.text.cleaning import SiteKnowledge
from crawler.text.normalize import matching_form

logger = logging.getLogger(__name__)

# Article URLs kept per candidate line: the articles to clean again once the line is learned. A
# line is learned after CLEAN_LEARN_MIN_ARTICLES articles at a high share, long before this.
URL_CAP = 20
# Candidate lines kept per site: the most frequent ones. A site's genuine boilerplate is on half
# of its articles, so it is never among the one-off lines (leads, sign-offs) that are pruned.
MAX_LINES = 200
WRITE_ATTEMPTS = 10


def candidate_id(site: str, kind: str, form: str) -> str:
    """The `_id` of a learned line in the `boilerplate` collection."""
    return f"{site}|{kind}|{form_key(form)}"


def counts_id(site: str) -> str:
    """The `_id` of a site's counts document."""
    return f"{site}|counts"


@dataclass
class LineCount:
    """A candidate line of one site: distinct articles it was seen on, and when it first appeared."""

    kind: str
    text: str
    form: str
    seen: int = 0
    base: int = 0  # the site's article count when the line first appeared
    urls: list[str] = field(default_factory=list)

    def as_stored(self) -> dict[str, Any]:
        return {
            "k": self.kind,
            "t": self.text,
            "f": self.form,
            "n": self.seen,
            "b": self.base,
            "u": self.urls[:URL_CAP],
        }

    @classmethod
    def from_stored(cls, doc: dict[str, Any]) -> LineCount:
        return cls(doc["k"], doc["t"], doc["f"], doc.get("n", 0), doc.get("b", 0), doc.get("u", []))


@dataclass
class SiteBook:
    """One site's counts: what the database had at the last read or write, plus this worker's
    observations since (`delta_*`), which are what a conflicting write adds on top."""

    articles: int = 0
    version: int = 0
    lines: dict[str, LineCount] = field(default_factory=dict)
    delta_articles: int = 0
    delta_lines: dict[str, LineCount] = field(default_factory=dict)


@dataclass
class Learned:
    """A line that crossed the threshold in this run."""

    site: str
    kind: str
    text: str
    seen: int
    site_articles: int


class BoilerplateBook:
    """What the crawl knows of its sites' boilerplate, kept in memory and written back in batches."""

    def __init__(
        self,
        collection: AsyncCollection,
        min_articles: int,
        min_share: float,
        flush_seconds: float = 10.0,
    ) -> None:
        self.collection = collection
        self.min_articles = min_articles
        self.min_share = min_share
        self.flush_seconds = flush_seconds
        self.knowledge: dict[str, SiteKnowledge] = {}
        self.books: dict[str, SiteBook] = {}
        self.learned_keys: set[str] = set()
        self.new_learned: list[dict[str, Any]] = []  # learned docs not written yet
        self.retro_urls: dict[str, set[str]] = {}  # site -> articles to clean again
        self.retro_ids: set[str] = set()  # learned docs whose articles are cleaned after the run
        self.lock = asyncio.Lock()
        self._flusher: asyncio.Task | None = None
        self._stop = asyncio.Event()

    def site(self, name: str) -> SiteKnowledge:
        """What is known of a site's boilerplate."""
        return self.knowledge.setdefault(name, SiteKnowledge())

    # -- start-up -------------------------------------------------------------------------------

    async def load(self, sites: Iterable[str]) -> None:
        """Read the counts and learned lines of the run's sites, then flush every `flush_seconds`."""
        names = sorted(set(sites))
        async for doc in self.collection.find({"site": {"$in": names}}):
            if doc.get("kind") == "counts":
                book = self.books.setdefault(doc["site"], SiteBook())
                self._read_counts(book, doc)
            elif doc.get("learned"):
                self._remember(doc)
                if doc.get("retro_done") is False:
                    # A run that learned it stopped before cleaning its articles again.
                    self.retro_ids.add(doc["_id"])
                    self.retro_urls.setdefault(doc["site"], set()).update(doc.get("urls") or [])
        if self.flush_seconds > 0:
            self._flusher = asyncio.ensure_future(self._flush_periodically())

    @staticmethod
    def _read_counts(book: SiteBook, doc: dict[str, Any]) -> None:
        book.articles = doc.get("articles", 0)
        book.version = doc.get("version", 0)
        book.lines = {}
        for stored in doc.get("lines") or []:
            line = LineCount.from_stored(stored)
            book.lines[candidate_id(doc["site"], line.kind, line.form)] = line

    def _remember(self, doc: dict[str, Any]) -> None:
        self.learned_keys.add(doc["_id"])
        knowledge = self.site(doc["site"])
        if doc["kind"] == "line":
            knowledge.line_keys.add(form_key(doc["form"]))
        else:
            knowledge.title_affixes.add(doc["form"])

    # -- the hot path: memory only --------------------------------------------------------------

    def observe(
        self, site: str, url: str, lines: list[str], affixes: list[tuple[str, str]]
    ) -> list[Learned]:
        """Count one article's candidate lines; the lines this article made the site's boilerplate."""
        book = self.books.setdefault(site, SiteBook())
        book.articles += 1
        book.delta_articles += 1
        learned = []
        for kind, text in [("line", line) for line in lines] + affixes:
            form = matching_form(text)
            key = candidate_id(site, kind, form)
            if key in self.learned_keys:
                continue
            line = book.lines.get(key)
            if line is None:
                line = book.lines[key] = LineCount(kind, text, form, base=book.articles - 1)
            if url in line.urls:
                continue  # the same article again (an alternate page, a refresh)
            line.seen += 1
            if len(line.urls) < URL_CAP:
                line.urls.append(url)
            delta = book.delta_lines.setdefault(key, LineCount(kind, text, form, base=line.base))
            delta.seen += 1
            delta.urls.append(url)
            site_articles = book.articles - line.base
            if should_learn(line.seen, site_articles, self.min_articles, self.min_share):
                learned.append(self._learn(site, key, line, site_articles))
        if len(book.lines) > 4 * MAX_LINES:
            self._prune(book)
        return learned

    def _learn(self, site: str, key: str, line: LineCount, site_articles: int) -> Learned:
        doc = {
            "_id": key,
            "site": site,
            "kind": line.kind,
            "text": line.text,
            "form": line.form,
            "learned": True,
            "learned_at": datetime.now(UTC),
            "seen_on": line.seen,
            "site_articles": site_articles,
            "urls": line.urls[:URL_CAP],
            "retro_done": False,
        }
        self._remember(doc)
        self.new_learned.append(doc)
        self.retro_ids.add(key)
        # Every article counted so far carried the line, this one included.
        self.retro_urls.setdefault(site, set()).update(line.urls)
        logger.info(
            "Learned boilerplate of %s (%s, on %d of %d articles): %r",
            site,
            line.kind,
            line.seen,
            site_articles,
            line.text[:80],
        )
        return Learned(site, line.kind, line.text, line.seen, site_articles)

    @staticmethod
    def _prune(book: SiteBook) -> None:
        """Keep the MAX_LINES most frequent lines (the newest first among equals)."""
        ranked = sorted(book.lines.items(), key=lambda kv: (kv[1].seen, kv[1].base), reverse=True)
        book.lines = dict(ranked[:MAX_LINES])

    # -- writing back ---------------------------------------------------------------------------

    async def _flush_periodically(self) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=self.flush_seconds)
            except TimeoutError:
                try:
                    await self.flush()
                except Exception as exc:  # the next flush tries again; close reports it
                    logger.warning("Could not record boilerplate observations: %s", exc)

    async def close(self) -> None:
        """Stop the periodic flush and write what is left."""
        self._stop.set()
        if self._flusher is not None:
            await self._flusher
            self._flusher = None
        await self.flush()

    async def flush(self) -> None:
        """Write learned lines and every site's counts that changed; pick up lines other workers
        learned meanwhile."""
        async with self.lock:
            if self.new_learned:
                docs, self.new_learned = self.new_learned, []
                try:
                    await self.collection.insert_many(docs, ordered=False)
                except BulkWriteError as exc:
                    if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                        self.new_learned = docs + self.new_learned
                        raise
                    # Learned by another worker too: its document stands, ours agreed with it.
            changed = [site for site, book in self.books.items() if book.delta_articles]
            for site in changed:
                await self._write_counts(site, self.books[site])
            if changed:
                async for doc in self.collection.find(
                    {"learned": True, "site": {"$in": sorted(changed)}}
                ):
                    if doc["_id"] not in self.learned_keys:
                        self._remember(doc)
                        # Learned elsewhere: this worker's articles with the line are cleaned again.
                        urls = self._urls_of(doc["site"], doc["_id"])
                        if urls:
                            self.retro_ids.add(doc["_id"])
                            self.retro_urls.setdefault(doc["site"], set()).update(urls)

    def _urls_of(self, site: str, key: str) -> list[str]:
        line = self.books.get(site, SiteBook()).lines.get(key)
        return line.urls if line else []

    async def _write_counts(self, site: str, book: SiteBook) -> None:
        for _ in range(WRITE_ATTEMPTS):
            doc = self._counts_document(site, book)
            try:
                if book.version == 0:
                    await self.collection.insert_one(doc)
                    written = True
                else:
                    result = await self.collection.replace_one(
                        {"_id": doc["_id"], "version": book.version}, doc
                    )
                    written = result.matched_count == 1
            except DuplicateKeyError:
                written = False
            if written:
                book.version = doc["version"]
                book.delta_articles = 0
                book.delta_lines = {}
                return
            # Another worker wrote first: its figures plus this worker's own since the last write.
            stored = await self.collection.find_one({"_id": counts_id(site)}) or {"site": site}
            self._rebase(book, stored)
        logger.warning("Boilerplate counts of %s: gave up after %d conflicts", site, WRITE_ATTEMPTS)

    def _rebase(self, book: SiteBook, stored: dict[str, Any]) -> None:
        self._read_counts(book, stored)
        book.articles += book.delta_articles
        for key, delta in book.delta_lines.items():
            if key in self.learned_keys:
                continue
            line = book.lines.get(key)
            if line is None:
                book.lines[key] = LineCount(
                    delta.kind, delta.text, delta.form, delta.seen, delta.base, delta.urls[:URL_CAP]
                )
                continue
            fresh = [u for u in delta.urls if u not in line.urls]
            line.seen += len(fresh)
            line.urls = (line.urls + fresh)[:URL_CAP]

    def _counts_document(self, site: str, book: SiteBook) -> dict[str, Any]:
        if len(book.lines) > MAX_LINES:
            self._prune(book)
        lines = []
        for key, line in book.lines.items():
            if key not in self.learned_keys:
                lines.append(line.as_stored())
        return {
            "_id": counts_id(site),
            "site": site,
            "kind": "counts",
            "articles": book.articles,
            "version": book.version + 1,
            "updated_at": datetime.now(UTC),
            "lines": lines,
        }

    async def mark_retro_done(self) -> None:
        """Record that the articles of the lines learned are clean again."""
        if self.retro_ids:
            await self.collection.update_many(
                {"_id": {"$in": sorted(self.retro_ids)}}, {"$set": {"retro_done": True}}
            )
            self.retro_ids = set()
