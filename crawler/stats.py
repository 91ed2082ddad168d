"""Crawl counters: one helper so the spider and the pipelines name their counts the same way."""

from __future__ import annotations


def count(stats, key: str, n: int = 1, site: str | None = None) -> None:
    """Add `n` to `akhbar/<key>` and, for a known site, to `akhbar/site/<site>/<key>`."""
    stats.inc_value(f"akhbar/{key}", n)
    if site:
        stats.inc_value(f"akhbar/site/{site}/{key}", n)


def site_counts(stats: dict, site: str) -> dict[str, int]:
    """Every `akhbar/site/<site>/...` counter of a finished crawl, keyed by the part after it."""
    prefix = f"akhbar/site/{site}/"
    return {key[len(prefix) :]: value for key, value in stats.items() if key.startswith(prefix)}
