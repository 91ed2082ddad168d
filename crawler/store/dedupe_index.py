"""The dedupe window in memory: recent articles' signatures, hashes and decisions, searched by
LSH band keys. Pure numpy, no database: `crawler.store.dedupe.DedupeLog` fills it from the shared
log at start and asks it for every article.

Signatures sit in one array, band keys in a sorted array searched with `searchsorted` (a new
article's keys are merged in small batches), so memory stays at about 2 KB per article and a
lookup costs the same whatever the window's size.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from crawler.text.fingerprint import (
    NUM_PERM,
    Fingerprint,
    band_matrix,
    estimated_jaccard,
    hash_key,
    story_id_for,
)

DECISION_FIELDS = ("story_id", "first", "alias_of", "similarity")


@dataclass
class Article:
    """An article to decide: canonical URL, site and fingerprint."""

    url: str
    site: str
    found: Fingerprint


@dataclass
class Block:
    """Decided articles read from the log, in their order, as the index takes them."""

    urls: list[str]
    sites: list[str]
    hashes: np.ndarray  # `hash_key` of each content hash
    signatures: np.ndarray  # (n, NUM_PERM) uint32
    decisions: list[dict[str, Any] | None]

    @classmethod
    def from_records(cls, records: list[dict[str, Any]]) -> Block:
        """A block of log records (see `DedupeLog._record`)."""
        return cls(
            [r["url"] for r in records],
            [sys.intern(r["site"]) for r in records],
            np.array([hash_key(r["hash"]) for r in records], dtype=np.uint64),
            np.frombuffer(b"".join(r["sig"] for r in records), dtype="<u4").reshape(-1, NUM_PERM),
            [compact_decision(r["url"], r) for r in records],
        )

    @classmethod
    def concat(cls, blocks: list[Block]) -> Block:
        """One block of several, in order (the index sorts its keys once, not once per block)."""
        return cls(
            [u for b in blocks for u in b.urls],
            [s for b in blocks for s in b.sites],
            np.concatenate([b.hashes for b in blocks]),
            np.concatenate([b.signatures for b in blocks]),
            [d for b in blocks for d in b.decisions],
        )

    def tail(self, n: int) -> Block:
        """The last `n` articles of the block."""
        return Block(
            self.urls[-n:],
            self.sites[-n:],
            self.hashes[-n:],
            self.signatures[-n:],
            self.decisions[-n:],
        )


def compact_decision(url: str, decision: dict[str, Any]) -> dict[str, Any] | None:
    """None for the first article of its own story (most articles), else the decision's fields."""
    kept = {k: decision[k] for k in DECISION_FIELDS if decision.get(k) is not None}
    return None if kept == {"story_id": story_id_for(url), "first": url} else kept


class DedupeIndex:
    """Decided articles in memory: who they are, their signatures, and their LSH keys.

    About 1.3 KB per article: the URL, a pointer to the (interned) site, the content hash as one
    64-bit key, the signature (512 bytes), its 33 keys in a sorted numpy array (16 bytes each) and
    a decision only for articles that are not the first of their own story. Keys of articles
    added during the run go to a dict, merged into the array when it grows large.
    """

    MERGE_AT = 200_000  # dict keys before they are merged into the sorted array

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.urls: list[str] = []
        self.sites: list[str] = []
        self.decisions: list[dict[str, Any] | None] = []
        self.by_url: dict[str, int] = {}
        self.joined: dict[str, list[int]] = {}  # story -> members other than its first
        self.hashes = np.zeros(1024, dtype=np.uint64)
        self.signatures = np.zeros((1024, NUM_PERM), dtype=np.uint32)
        self.sorted_keys = np.zeros(0, dtype=np.uint64)
        self.sorted_owners = np.zeros(0, dtype=np.int64)
        self.recent_keys: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self.urls)

    def _decision(self, index: int) -> dict[str, Any]:
        compact = self.decisions[index]
        if compact is not None:
            return compact
        url = self.urls[index]
        return {"story_id": story_id_for(url), "first": url}

    def decision_of(self, url: str) -> dict[str, Any] | None:
        """The decision already made for a URL, if any."""
        index = self.by_url.get(url)
        return None if index is None else {"_id": url, **self._decision(index)}

    def decide(self, article: Article) -> dict[str, Any]:
        """The decision for an article not in the index: `story_id`, `first`, and `alias_of` (the
        stored article it is a same-site copy of) and `similarity` when it joins a story."""
        found = article.found
        digest = np.uint64(hash_key(found.content_hash))
        confirmed: dict[int, float] = {}
        for i in self._candidates(self.keys_of(found)):
            if self.hashes[i] == digest:
                similarity = 1.0
            else:
                similarity = estimated_jaccard(found.signature, self.signatures[i])
            if similarity >= self.threshold:
                confirmed[i] = similarity
        if not confirmed:
            return {"story_id": story_id_for(article.url), "first": article.url}

        def rank(i: int) -> tuple[float, int]:  # most similar, then earliest
            return confirmed[i], -i

        same_site = [i for i in confirmed if self.sites[i] == article.site]
        best = max(same_site or confirmed, key=rank)
        decision = self._decision(best)
        outcome = {
            "story_id": decision["story_id"],
            "first": decision["first"],
            "similarity": round(confirmed[best], 3),
        }
        if same_site:
            outcome["alias_of"] = decision.get("alias_of") or self.urls[best]
            return outcome
        # The story may hold a copy on this site whose keys other sites' copies own: look there too.
        alias = self._same_site_member(decision, article.site, found.signature)
        if alias:
            outcome["alias_of"] = alias
        return outcome

    def _same_site_member(
        self, decision: dict[str, Any], site: str, signature: np.ndarray
    ) -> str | None:
        first = self.by_url.get(decision["first"])
        members = ([] if first is None else [first]) + self.joined.get(decision["story_id"], [])
        best, best_similarity = None, self.threshold
        for i in members:
            if self.sites[i] != site or self._decision(i).get("alias_of"):
                continue
            similarity = estimated_jaccard(signature, self.signatures[i])
            if similarity >= best_similarity:
                best, best_similarity = self.urls[i], similarity
        return best

    @staticmethod
    def keys_of(found: Fingerprint) -> np.ndarray:
        """The article's 33 keys: its band keys and its content hash."""
        keys = band_matrix(found.signature[None, :])[0]
        return np.append(keys, np.uint64(hash_key(found.content_hash)))

    def _candidates(self, keys: np.ndarray) -> set[int]:
        found: set[int] = set()
        if len(self.sorted_keys):
            left = np.searchsorted(self.sorted_keys, keys, side="left")
            right = np.searchsorted(self.sorted_keys, keys, side="right")
            for lo, hi in zip(left.tolist(), right.tolist(), strict=True):
                found.update(self.sorted_owners[lo:hi].tolist())
        for key in keys.tolist():
            found.update(self.recent_keys.get(key, ()))
        return found

    def add(self, url: str, site: str, found: Fingerprint, decision: dict[str, Any]) -> None:
        """Remember a decided article (keys go to the recent dict)."""
        index = len(self.urls)
        self._reserve(index + 1)
        self.hashes[index] = hash_key(found.content_hash)
        self.signatures[index] = found.signature
        self._append(url, sys.intern(site), compact_decision(url, decision))
        for key in self.keys_of(found).tolist():
            self.recent_keys.setdefault(key, []).append(index)

    def add_block(self, block: Block) -> None:
        """Remember many decided articles at once (start-up): keys go straight to the sorted array."""
        if not block.urls:
            return
        start, n = len(self.urls), len(block.urls)
        self._reserve(start + n)
        self.hashes[start : start + n] = block.hashes
        self.signatures[start : start + n] = block.signatures
        for url, site, decision in zip(block.urls, block.sites, block.decisions, strict=True):
            self._append(url, site, decision)
        keys = np.concatenate([band_matrix(block.signatures), block.hashes[:, None]], axis=1)
        owners = np.repeat(np.arange(start, start + n, dtype=np.int64), keys.shape[1])
        self._merge(keys.ravel(), owners)

    def compact(self) -> None:
        """Merge the recent keys into the sorted array once they are many (never while a batch is
        provisional: `truncate` can only forget recent keys)."""
        if len(self.recent_keys) >= self.MERGE_AT:
            self._merge_recent()

    def truncate(self, size: int) -> None:
        """Forget every article added after the first `size` (provisional decisions of a batch
        that lost its log position); only articles in the recent dict can be forgotten."""
        for index in range(len(self.urls) - 1, size - 1, -1):
            url = self.urls.pop()
            self.sites.pop()
            decision = self.decisions.pop()
            if self.by_url.get(url) == index:
                del self.by_url[url]
            if decision is not None:
                members = self.joined.get(decision["story_id"], [])
                if members and members[-1] == index:
                    members.pop()
                    if not members:
                        del self.joined[decision["story_id"]]
        for key in list(self.recent_keys):
            owners = [i for i in self.recent_keys[key] if i < size]
            if owners:
                self.recent_keys[key] = owners
            else:
                del self.recent_keys[key]

    def _reserve(self, size: int) -> None:
        if size <= len(self.signatures):
            return
        capacity = max(size, 2 * len(self.signatures))
        signatures = np.zeros((capacity, NUM_PERM), dtype=np.uint32)
        signatures[: len(self.urls)] = self.signatures[: len(self.urls)]
        hashes = np.zeros(capacity, dtype=np.uint64)
        hashes[: len(self.urls)] = self.hashes[: len(self.urls)]
        self.signatures, self.hashes = signatures, hashes

    def _append(self, url: str, site: str, decision: dict[str, Any] | None) -> None:
        index = len(self.urls)
        self.urls.append(url)
        self.sites.append(site)
        self.decisions.append(decision)
        self.by_url.setdefault(url, index)
        if decision is not None:
            self.joined.setdefault(decision["story_id"], []).append(index)

    def _merge_recent(self) -> None:
        keys = [k for k, owners in self.recent_keys.items() for _ in owners]
        owners = [i for owners in self.recent_keys.values() for i in owners]
        self.recent_keys = {}
        self._merge(np.array(keys, dtype=np.uint64), np.array(owners, dtype=np.int64))

    def _merge(self, keys: np.ndarray, owners: np.ndarray) -> None:
        keys = np.concatenate([self.sorted_keys, keys])
        owners = np.concatenate([self.sorted_owners, owners])
        order = np.argsort(keys, kind="stable")
        self.sorted_keys, self.sorted_owners = keys[order], owners[order]

    @property
    def nbytes(self) -> int:
        """Bytes held by the numpy parts of the index (signatures, hashes and sorted keys)."""
        n = len(self.urls)
        return (
            self.signatures[:n].nbytes
            + self.hashes[:n].nbytes
            + self.sorted_keys.nbytes
            + self.sorted_owners.nbytes
        )
