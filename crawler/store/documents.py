"""What an article becomes in the `articles` collection: the document inserted for a new one, the
updates for one already stored, two versions of one URL merged, and the URL log's entry.

Pure functions of the item's fields; `crawler.store.articles.ArticleWriter` writes what they give.
"""

from __future__ import annotations

from typing import Any

from pymongo import UpdateOne

from crawler.extract.urls import canonical_url
from crawler.items import TRANSIENT_FIELDS
from crawler.store.corpus import derived_fields


def from_alternate_page(doc: dict[str, Any]) -> bool:
    """True when the document was read off another URL than its canonical one (AMP, print, mobile)."""
    fetched = doc.get("fetched_url")
    return bool(fetched) and canonical_url(fetched) != doc["url"]


def with_derived(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with its query fields (`search_text`, `published_day`), computed while the body's
    folded form is still memoized (see `crawler.text.normalize.matching_form`); the writer keeps them."""
    doc.update(derived_fields(doc))
    return doc


def _derived(doc: dict[str, Any]) -> dict[str, Any]:
    if "search_text" in doc and "published_day" in doc:
        return {}
    return derived_fields(doc)


def new_document(doc: dict[str, Any]) -> dict[str, Any]:
    """The document to insert for an article not stored yet: keyed by its canonical URL."""
    stored = {k: v for k, v in doc.items() if k not in TRANSIENT_FIELDS}
    stored.update(_derived(doc))
    stored["alternate_urls"] = [u for u in doc.get("alternate_urls") or [] if u != doc["url"]]
    return {"_id": doc["url"], **stored}


def article_updates(doc: dict[str, Any]) -> list[UpdateOne]:
    """The updates for an article already stored under its canonical `url`.

    Alternate URLs accumulate. The canonical page's fields replace what is stored only when its
    content changed (another `content_hash`): a re-fetch of an unchanged article writes nothing,
    and a changed one gets `crawled_at` and `modified_at` (the page's, else the crawl time). A copy
    read off an alternate URL only fills a document that does not exist yet, so an AMP page never
    overwrites the full article.
    """
    skip = {"alternate_urls", "_id", *TRANSIENT_FIELDS}
    fields = {k: v for k, v in doc.items() if k not in skip}
    fields.update(_derived(doc))
    alternates = [u for u in doc.get("alternate_urls") or [] if u != doc["url"]]
    # The canonical URL is also the document's _id: a natural key every server looks up directly.
    ops = []
    if alternates:
        ops.append(
            UpdateOne({"_id": doc["url"]}, {"$addToSet": {"alternate_urls": {"$each": alternates}}})
        )
    if from_alternate_page(doc):
        ops.append(UpdateOne({"_id": doc["url"]}, {"$setOnInsert": fields}, upsert=True))
    elif doc.get("content_hash"):
        fields["modified_at"] = fields.get("modified_at") or fields.get("crawled_at")
        ops.append(
            UpdateOne(
                {"_id": doc["url"], "content_hash": {"$ne": doc["content_hash"]}}, {"$set": fields}
            )
        )
    else:
        ops.append(UpdateOne({"_id": doc["url"]}, {"$set": fields}, upsert=True))
    return ops


def merge_pending(older: dict[str, Any], newer: dict[str, Any]) -> dict[str, Any]:
    """Two versions of one url waiting in the same batch: one document, alternates added up.

    The newer version wins, unless it was read off an alternate URL and the older one was not.
    """
    keep_older = from_alternate_page(newer) and not from_alternate_page(older)
    merged = {**newer, **older} if keep_older else {**older, **newer}
    alternates = list(older.get("alternate_urls") or [])
    alternates += [u for u in newer.get("alternate_urls") or [] if u not in alternates]
    merged["alternate_urls"] = alternates
    return merged


def url_entry(doc: dict[str, Any]) -> dict[str, Any]:
    """What the URL log keeps of a stored article: url, site, date and alternate URLs."""
    return {
        "u": doc["url"],
        "s": doc.get("site"),
        "d": doc.get("published_at") or doc.get("crawled_at"),
        "a": [u for u in doc.get("alternate_urls") or [] if u != doc["url"]],
    }
