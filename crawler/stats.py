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


# Drop reasons that mean an article page came back without its text (a bot wall, a JS shell, a
# changed layout), as opposed to a page that was not an article or a copy.
EMPTY_REASONS = (
    "empty_body",
    "short_body",
    "empty_after_clean",
    "short_after_clean",
    "extract_error",
    "render_failed",
)
EMPTY_SHARE = 0.5  # more article pages than this came back empty: the site is flagged


def site_flag(counts: dict[str, int]) -> str | None:
    """Why a site's run deserves an operator's look, from its `site_counts`; None when it is fine.

    `no_pages`: nothing could be fetched. `blocked`: challenge pages and no article. `no_articles`:
    pages but no article page and none already known (discovery or layout broke).
    `empty_articles`: most article pages had no text. `nothing_new`: every article found was
    already stored (normal for a quiet site between two runs, worth a look when it persists).
    `stored_nothing`: articles were found but none was stored. `slow_pattern`: the registry's
    `article_url_pattern` gave up on some URLs (taken for non-articles); said after the others,
    and when nothing else is wrong.
    """
    pages = counts.get("pages/fetched", 0)
    articles = counts.get("pages/article", 0)
    known = counts.get("incremental/skipped_stored", 0)
    stored = counts.get("stored/new", 0)
    empty = sum(
        v for k, v in counts.items() if k.startswith(tuple(f"drop/{r}" for r in EMPTY_REASONS))
    )
    if pages == 0:
        return "no_pages"
    if articles == 0 and counts.get("blocked/challenge", 0):
        return "blocked"
    if articles == 0 and known == 0:
        return "no_articles"
    if articles and empty / articles > EMPTY_SHARE:
        return "empty_articles"
    if stored:
        return "slow_pattern" if counts.get("url_pattern/timeout") else None
    if articles == 0:
        return "nothing_new"
    already = counts.get("stored/existing", 0) + counts.get("duplicates", 0)
    return "nothing_new" if already >= articles else "stored_nothing"


FLAG_HELP = {
    "no_pages": "nothing could be fetched: unreachable, or every request failed",
    "blocked": "challenge pages (bot wall) and no article",
    "no_articles": "pages fetched but no article page found: discovery or layout changed",
    "empty_articles": "most article pages had no text: bot wall, JavaScript shell or new layout",
    "nothing_new": "every article found was already stored",
    "stored_nothing": "articles found but none stored",
    "slow_pattern": "article_url_pattern gave up on some URLs: simplify it",
}
