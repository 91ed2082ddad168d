"""Registry selectors: CSS or XPath, told apart the same way by validation, extraction and the
browser."""

from __future__ import annotations


def is_xpath(expression: str) -> bool:
    """True when a registry selector is an XPath expression rather than CSS."""
    return expression.lstrip().startswith(("/", "(", "./"))
