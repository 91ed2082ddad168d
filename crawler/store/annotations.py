"""Annotations of stored articles recomputed after a model or lexicon change (`akhbar reannotate`).

Each article's language, topic fields and keywords are computed again from its stored title,
body, section, tags and URL, exactly as the crawl's stages would now; only the fields whose value
changed are written, with `topic_model` (the model version) on every article looked at, so a
run that stops half way resumes where it stopped and a second run finds nothing to do. One read
of the matching articles, then updates by `_id` in small batches (FerretDB scans per update).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pymongo import UpdateOne

from crawler.store.schema import ARTICLES

# What an annotation reads, and what it may change.
SOURCE_FIELDS = ("title", "body", "section", "tags", "url", "site")
ANNOTATION_FIELDS = (
    "language",
    "language_confidence",
    "topic",
    "topic_confidence",
    "topic_source",
    "topic_method",
    "topic_model",
    "keywords",
)
UPDATE_BATCH = 50


@dataclass
class Reannotated:
    examined: int = 0  # articles not yet annotated with this model version (or all, forced)
    changed: int = 0  # of those, articles whose language, topic or keywords changed
    fields: dict[str, int] | None = None  # field -> articles where it changed


def reannotate(
    db,
    match: dict[str, Any],
    annotate: Callable[[dict[str, Any]], dict[str, Any]],
    version: str,
    *,
    force: bool = False,
    progress: Callable[[Reannotated], None] | None = None,
) -> Reannotated:
    """Annotate again the articles matching `match` (`annotate(doc)` gives the annotation
    fields, `topic_model` among them); see the module docstring."""
    query = dict(match)
    if not force:
        query["topic_model"] = {"$ne": version}
    collection = db[ARTICLES]
    projection = dict.fromkeys(SOURCE_FIELDS + ANNOTATION_FIELDS, 1)
    result = Reannotated(fields={})
    ops: list[UpdateOne] = []
    for doc in collection.find(query, projection, sort=[("_id", 1)]):
        result.examined += 1
        fresh = annotate(doc)
        update = {name: value for name, value in fresh.items() if doc.get(name) != value}
        changed = [name for name in update if name != "topic_model"]
        if changed:
            result.changed += 1
            for name in changed:
                result.fields[name] = result.fields.get(name, 0) + 1
        if update:
            ops.append(UpdateOne({"_id": doc["_id"]}, {"$set": update}))
        if len(ops) >= UPDATE_BATCH:
            collection.bulk_write(ops, ordered=False)
            ops = []
            if progress:
                progress(result)
    if ops:
        collection.bulk_write(ops, ordered=False)
    return result
