"""The corpus as analysts query it: derived fields, filters, Arabic-aware search, stats, migration.

Works on MongoDB 7 and on FerretDB alike: capabilities (a text index) are detected at run time by
trying them, and the queries use what both servers support: `$match`, `$group` with `$sum`,
`$sort`, `$limit`, `$unwind`, and strings denormalized at write time (`published_day`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import DESCENDING, UpdateOne
from pymongo.errors import OperationFailure

from crawler.items import SCHEMA_VERSION
from crawler.store.schema import ARTICLE_INDEXES, ARTICLES, CRAWL_RUNS, TEXT_INDEX
from crawler.text.normalize import matching_form, words

logger = logging.getLogger(__name__)

SNIPPET_WORDS = 12


def search_text(title: str | None, body: str | None) -> str:
    """Title and body in the matching form, as one line: what search compares a query with."""
    # Folded apart (dedupe and topic folded this body already) and joined word by word.
    return " ".join(words(matching_form(title or "")) + words(matching_form(body or "")))


def published_day(value: datetime | None) -> str | None:
    """The UTC day of a publication time as `YYYY-MM-DD` (groups by day on every server)."""
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d")


def derived_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """The fields stored with an article for querying: `search_text` and `published_day`."""
    return {
        "search_text": search_text(doc.get("title"), doc.get("body")),
        "published_day": published_day(doc.get("published_at")),
    }


@dataclass
class Filters:
    """What analysts narrow a question to (every command takes the same ones)."""

    sites: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None
    unique_stories: bool = False

    def query(self) -> dict[str, Any]:
        """The MongoDB filter."""
        query: dict[str, Any] = {}
        for name, values in (
            ("site", self.sites),
            ("topic", self.topics),
            ("language", self.languages),
        ):
            if values:
                query[name] = values[0] if len(values) == 1 else {"$in": values}
        if self.since or self.until:
            window: dict[str, Any] = {}
            if self.since:
                window["$gte"] = self.since
            if self.until:
                window["$lt"] = self.until
            query["published_at"] = window
        if self.unique_stories:
            query["duplicate_of"] = None  # the first article of each story
        return query


def parse_day(text: str) -> datetime:
    """`2026-11-20` (or a full ISO time) as an aware UTC datetime."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# -- indexes and migration -----------------------------------------------------------------------


def ensure_search_index(db) -> bool:
    """A text index on `search_text` where the server has text indexes; False (and one log line)
    where it does not, and search then uses regular expressions on the same field."""
    collection = db[ARTICLES]
    try:
        collection.create_indexes([TEXT_INDEX])
        return True
    except OperationFailure as exc:
        logger.info(
            "This server has no text indexes (%s); search uses regular expressions on search_text",
            exc.details.get("errmsg", exc) if exc.details else exc,
        )
        return False


def has_text_index(db) -> bool:
    """Whether the articles collection has the text index (decided by the server, not its name)."""
    try:
        name = TEXT_INDEX.document["name"]
        return any(ix.get("name") == name for ix in db[ARTICLES].list_indexes())
    except OperationFailure:
        return False


def migrate(db, batch: int = 50) -> int:
    """Add the derived fields to articles stored without them (idempotent); the number changed."""
    collection = db[ARTICLES]
    # The indexes this schema version brought, one per command (see `crawler.store.schema.ensure_indexes`).
    collection.create_indexes([m for m in ARTICLE_INDEXES if m.document["name"] == "published_day"])
    ensure_search_index(db)
    todo = collection.find(
        {"$or": [{"search_text": {"$exists": False}}, {"schema_version": {"$lt": SCHEMA_VERSION}}]},
        {"title": 1, "body": 1, "published_at": 1},
    )
    changed = 0
    ops: list[UpdateOne] = []
    for doc in todo:
        fields = {**derived_fields(doc), "schema_version": SCHEMA_VERSION}
        ops.append(UpdateOne({"_id": doc["_id"]}, {"$set": fields}))
        if len(ops) >= batch:
            changed += collection.bulk_write(ops, ordered=False).modified_count
            ops = []
    if ops:
        changed += collection.bulk_write(ops, ordered=False).modified_count
    return changed


# -- search ---------------------------------------------------------------------------------------


def query_terms(query: str) -> list[str]:
    """The query's words in the matching form ("الأَسَد" and "الاسد" are one term)."""
    return words(matching_form(query))


def search(db, query: str, filters: Filters | None = None, limit: int = 20) -> list[dict]:
    """Articles whose title or body contain every term of `query` (in the matching form), newest
    first. Uses the text index where there is one, regular expressions on `search_text` elsewhere."""
    terms = query_terms(query)
    if not terms:
        return []
    match = (filters or Filters()).query()
    projection = {"search_text": 0}
    if has_text_index(db):
        # Every term required: each one quoted.
        match["$text"] = {"$search": " ".join(f'"{t}"' for t in terms)}
    else:
        match["$and"] = [{"search_text": {"$regex": re.escape(t)}} for t in terms]
    cursor = db[ARTICLES].find(match, projection).sort("published_at", DESCENDING).limit(limit)
    return list(cursor)


def snippet(text: str, query: str, width: int = SNIPPET_WORDS) -> str:
    """The words of `text` around the first one matching a query term, as the site wrote them."""
    terms = query_terms(query)
    tokens = text.split()
    for i, token in enumerate(tokens):
        form = "".join(words(matching_form(token)))
        if any(term in form for term in terms):
            start = max(0, i - width // 2)
            end = min(len(tokens), i + width // 2 + 1)
            return (
                ("… " if start else "")
                + " ".join(tokens[start:end])
                + (" …" if end < len(tokens) else "")
            )
    return " ".join(tokens[:width]) + (" …" if len(tokens) > width else "")


# -- stats ----------------------------------------------------------------------------------------


def _grouped(
    db, match: dict, key: str, limit: int | None = None, unwind: bool = False
) -> list[dict]:
    pipeline: list[dict] = [{"$match": match}]
    if unwind:
        pipeline.append({"$unwind": f"${key}"})
    pipeline += [{"$group": {"_id": f"${key}", "n": {"$sum": 1}}}, {"$sort": {"n": -1, "_id": 1}}]
    if limit:
        pipeline.append({"$limit": limit})
    return [{"value": row["_id"], "n": row["n"]} for row in db[ARTICLES].aggregate(pipeline)]


def corpus_stats(db, filters: Filters | None = None, days: int = 14, top: int = 20) -> dict:
    """The tables of `akhbar stats`: articles per site, topic, language and day, stories versus
    syndicated copies, top keywords, and crawl health per site."""
    match = (filters or Filters()).query()
    since = (datetime.now(UTC) - timedelta(days=days - 1)).strftime("%Y-%m-%d")
    per_day = _grouped(db, {**match, "published_day": {"$gte": since}}, "published_day")
    articles = db[ARTICLES]
    total = articles.count_documents(match)
    firsts = articles.count_documents({**match, "duplicate_of": None})
    return {
        "articles": total,
        "stories": firsts,
        "syndicated_copies": total - firsts,
        "by_site": _grouped(db, match, "site"),
        "by_topic": _grouped(db, match, "topic"),
        "by_language": _grouped(db, match, "language"),
        "by_day": sorted(per_day, key=lambda row: row["value"]),
        "top_keywords": _grouped(db, match, "keywords", limit=top, unwind=True),
        "crawl_health": crawl_health(db),
    }


def crawl_health(db, scan: int = 200) -> list[dict]:
    """The last run of each site: when, its status, the site's articles stored, its drops, its flag."""
    latest: dict[str, dict] = {}
    runs = (
        db[CRAWL_RUNS]
        .find({"status": {"$nin": ["skipped", "running"]}})
        .sort("started_at", DESCENDING)
        .limit(scan)
    )
    for run in runs:
        stats = run.get("stats") or {}
        for site in run.get("sites") or []:
            if site in latest:
                continue
            prefix = f"akhbar/site/{site}/"
            drops = {
                key[len(prefix) + 5 :]: value
                for key, value in stats.items()
                if key.startswith(prefix + "drop/")
            }
            latest[site] = {
                "site": site,
                "last_run": run.get("started_at"),
                "status": run.get("status"),
                "stored_new": stats.get(prefix + "stored/new", 0),
                "dropped": sum(drops.values()),
                "drops": drops,
                "flag": (run.get("flags") or {}).get(site),
            }
    return sorted(latest.values(), key=lambda row: row["site"])
