"""What a registry entry gives to match pages with: selectors, CSS or XPath (told apart the same
way by validation, extraction and the browser), and the article URL pattern."""

from __future__ import annotations

import logging

import regex

logger = logging.getLogger(__name__)


def is_xpath(expression: str) -> bool:
    """True when a registry selector is an XPath expression rather than CSS."""
    return expression.lstrip().startswith(("/", "(", "./"))


class UrlPattern:
    """A registry's `article_url_pattern`, matched with the `regex` module under a time limit.

    A pattern that backtracks without end on the probes below is refused when the registry is
    loaded; one that still does on a real URL gives up after `TIMEOUT` seconds and does not match
    (`timeouts` counts it, for the caller to report per site), instead of freezing the crawl.
    """

    TIMEOUT = 0.05
    # Long runs of what URLs are made of, ending in a character no pattern expects, so that a
    # pattern with nested or overlapping repeats has to try every way to split the run.
    PROBES = tuple(
        f"https://www.example.com/{run * 30}\u2603"
        for run in ("a", "1", "a-", "a/", "1/", "a.", "%d8%a7", "a=1&")
    ) + tuple(run * 30 + "\u2603" for run in ("a", "1", "/a"))

    def __init__(self, source: str) -> None:
        self.pattern = source
        self._compiled = regex.compile(source)
        self.timeouts = 0  # searches that gave up
        for probe in self.PROBES:
            self._compiled.search(probe, timeout=self.TIMEOUT)  # TimeoutError: refused

    def search(self, url: str) -> bool:
        try:
            return self._compiled.search(url, timeout=self.TIMEOUT) is not None
        except TimeoutError:
            self.timeouts += 1
            logger.warning("article_url_pattern %r gave up on %s", self.pattern[:80], url[:200])
            return False

    def __reduce__(self):  # to worker processes: compiled again there
        return (UrlPattern, (self.pattern,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UrlPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"UrlPattern({self.pattern!r})"
