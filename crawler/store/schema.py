"""MongoDB helpers shared by the sink, the CLI and the tests: indexes, safe documents, redacted URIs.

Everything here works on MongoDB 7 and on FerretDB (the wire-compatible server the tests use).
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import OperationFailure

logger = logging.getLogger(__name__)

ARTICLES = "articles"
CRAWL_RUNS = "crawl_runs"
BOILERPLATE = "boilerplate"  # per-site learned boilerplate lines (the clean stage)

ARTICLE_INDEXES = [
    IndexModel([("url", ASCENDING)], name="url_unique", unique=True),
    IndexModel([("site", ASCENDING), ("published_at", DESCENDING)], name="site_published"),
    IndexModel([("topic", ASCENDING), ("published_at", DESCENDING)], name="topic_published"),
    IndexModel([("language", ASCENDING)], name="language"),
    IndexModel([("story_id", ASCENDING)], name="story_id"),
    # Analysts: per-day counts (a UTC day string, so every server can group by it).
    IndexModel([("published_day", ASCENDING)], name="published_day"),
]
# Where the server has text indexes (MongoDB), search uses one on the matching form of the text.
TEXT_INDEX = IndexModel([("search_text", "text")], name="search_text_text", default_language="none")
CRAWL_RUN_INDEXES = [
    IndexModel([("started_at", DESCENDING)], name="started_at"),
    IndexModel([("sites", ASCENDING), ("started_at", DESCENDING)], name="sites_started_at"),
]

# Lone surrogates cannot be encoded as UTF-8; NUL is refused by several servers and tools.
BAD_CHARS = re.compile(r"[\x00\ud800-\udfff]")
URI_PASSWORD = re.compile(r"(?<=://)([^:/@]+):[^@/]+@")


def redact_uri(uri: str) -> str:
    """`uri` with its password replaced by `***`, for log lines."""
    return URI_PASSWORD.sub(r"\1:***@", uri)


@dataclass
class Sanitized:
    """A document made safe to store, and what had to change."""

    value: Any
    changes: int


def safe_key(key: object) -> str:
    """A field name MongoDB and FerretDB both accept: no leading `$`, no `.`, no NUL."""
    text = BAD_CHARS.sub("", str(key)).replace(".", "_")
    if text.startswith("$"):
        text = "_" + text[1:]
    return text or "_"


def sanitize(value: Any) -> Sanitized:
    """Return `value` with every string, key and number made storable.

    NUL characters and lone surrogates are removed from strings, keys with `$`/`.` are renamed,
    NaN and infinities become None, and nested arrays are flattened (FerretDB refuses them).
    """
    changes = 0

    def clean(node: Any) -> Any:
        nonlocal changes
        if isinstance(node, str):
            fixed = BAD_CHARS.sub("", node)
            changes += fixed != node
            return fixed
        if isinstance(node, float) and not math.isfinite(node):
            changes += 1
            return None
        if isinstance(node, dict):
            out = {}
            for key, child in node.items():
                new_key = safe_key(key)
                changes += new_key != key
                out[new_key] = clean(child)
            return out
        if isinstance(node, list | tuple | set):
            return [clean(child) for child in flatten(node)]
        return node

    def flatten(seq: Any) -> list[Any]:
        nonlocal changes
        flat: list[Any] = []
        for child in seq:
            if isinstance(child, list | tuple | set):
                changes += 1
                flat.extend(flatten(child))
            else:
                flat.append(child)
        return flat

    return Sanitized(clean(value), changes)


async def ensure_indexes(db) -> None:
    """Create the missing indexes of DESIGN.md on an async database handle (idempotent).

    Only missing indexes are sent, one per command: FerretDB 1.24 crashes the connection on a
    `createIndexes` that names several indexes of which some already exist.
    """
    for collection, models in ((ARTICLES, ARTICLE_INDEXES), (CRAWL_RUNS, CRAWL_RUN_INDEXES)):
        existing = {index["name"] async for index in await db[collection].list_indexes()}
        for model in models:
            if model.document["name"] not in existing:
                await db[collection].create_indexes([model])
    existing = {index["name"] async for index in await db[ARTICLES].list_indexes()}
    if TEXT_INDEX.document["name"] not in existing:
        try:
            await db[ARTICLES].create_indexes([TEXT_INDEX])
        except OperationFailure as exc:
            logger.info("No text index on this server (%s): search uses regular expressions", exc)
