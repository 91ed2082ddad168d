"""Browser rendering helpers for scrapy-playwright: a download handler that starts Playwright only
when a page needs it, which requests to abort, how to wait for an article, and the request that
renders a page.

Only article pages ever go through the browser; listings, feeds and sitemaps stay plain HTTP.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.extract.selectors import is_xpath

logger = logging.getLogger(__name__)


class LazyPlaywrightDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, with the Playwright driver started on the first request that
    asks for the browser instead of when the engine starts.

    A run of static sites never starts the driver (a Node.js process, about a second and 50 MB);
    a site with `render_js`, or the first fallback render, starts it once.
    """

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        crawler.signals.disconnect(self._maybe_launch_in_thread, signals.engine_started)
        crawler.signals.disconnect(self._engine_started, signals.engine_started)
        self._driver_lock = asyncio.Lock()
        self._driver_started = False  # set once `_launch` finished, not when it began

    async def _download_request(self, request, spider=None):
        if not self._driver_started:
            async with self._driver_lock:
                if not self._driver_started:
                    logger.info("First page to render (%s): starting the browser", request.url)
                    self.stats.inc_value("akhbar/browser/started")
                    await self._launch()
                    self._driver_started = True
        return await super()._download_request(request, spider)


# Resource types a news article's text never depends on.
ABORTED_RESOURCE_TYPES = frozenset({"image", "media", "font", "imageset", "texttrack", "beacon"})
# Third-party trackers and ad servers (host suffixes).
TRACKER_HOSTS = (
    "google-analytics.com",
    "googletagmanager.com",
    "googlesyndication.com",
    "doubleclick.net",
    "adservice.google.com",
    "facebook.net",
    "connect.facebook.com",
    "scorecardresearch.com",
    "chartbeat.com",
    "chartbeat.net",
    "hotjar.com",
    "taboola.com",
    "outbrain.com",
    "criteo.com",
    "amazon-adsystem.com",
    "quantserve.com",
    "newrelic.com",
    "twitter.com",
    "platform.twitter.com",
)
# Until the page has some article text: a few paragraphs of visible text, as <p> or as text set
# straight into a <div>, <td> or <span> (app shells and legacy layouts build both).
TEXT_PRESENT = (
    "() => Array.from(document.querySelectorAll('p, div, td, span, section, article'))"
    ".filter((e) => (e.tagName === 'P' && e.innerText.trim().length >= 60) ||"
    " Array.from(e.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim().length >= 60))"
    ".length >= 2"
)


def abort_request(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: drop images, fonts, media and trackers before they load."""
    if request.resource_type in ABORTED_RESOURCE_TYPES:
        return True
    host = (urlsplit(request.url).hostname or "").lower()
    return any(host == t or host.endswith("." + t) for t in TRACKER_HOSTS)


# An app shell filled in, whatever it turned out to be (an article, or a list of links): the
# article's paragraphs, or some text with the loading label gone.
SHELL_FILLED = (
    f"() => ({TEXT_PRESENT[6:]}) || (document.body.innerText.trim().length >= 150 &&"
    " !document.querySelector('[class*=loading], [class*=spinner], [class*=loader]'))"
)


def render_meta(body_selector: str | None, timeout_ms: int, shell: bool = False) -> dict[str, Any]:
    """Request meta that renders a page and waits for the article, not for a fixed time: the
    registry's body selector when there is one, else until a few real paragraphs are present
    (or, for an app shell not yet known to be an article, until the shell is filled in)."""
    from scrapy_playwright.page import PageMethod

    if shell:
        wait = PageMethod("wait_for_function", SHELL_FILLED, timeout=timeout_ms)
    elif body_selector:
        selector = f"xpath={body_selector}" if is_xpath(body_selector) else body_selector
        wait = PageMethod("wait_for_selector", selector, timeout=timeout_ms)
    else:
        wait = PageMethod("wait_for_function", TEXT_PRESENT, timeout=timeout_ms)
    return {"playwright": True, "playwright_page_methods": [wait], "rendered": True}
