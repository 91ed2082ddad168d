"""NewsSpider: one generic spider driven by the site registry.

It discovers article URLs (robots.txt sitemaps, sitemaps, feeds, listing pages with pagination,
in-site links), decides per page whether it is an article, and yields an ArticleItem for each article.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import scrapy
from protego import Protego
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.extract.botwall import looks_like_bot_wall
from crawler.extract.discovery import (
    NotXmlError,
    parse_xml_document,
    sitemaps_from_robots,
)
from crawler.extract.pages import (
    BINARY,
    BOT_WALL,
    PAGE_ERROR,
    TOO_DEEP,
    PageAnalysis,
    analyze_page,
)
from crawler.extract.urls import canonical_url, is_page_variant, same_site, url_key
from crawler.items import SCHEMA_VERSION, ArticleItem
from crawler.registry import RegistryError, Site, parse_duration, select_sites
from crawler.runtime.browser import render_meta
from crawler.runtime.context import RunContext
from crawler.runtime.distributed import is_distributed
from crawler.runtime.incremental import StoredUrls
from crawler.runtime.netguard import resolved_internally
from crawler.runtime.workers import Workers
from crawler.stats import count

logger = logging.getLogger(__name__)

FALLBACK_SITEMAPS = ("/sitemap.xml",)


class NewsSpider(scrapy.Spider):
    """Crawl the registry's sites (or ad-hoc start URLs) and yield their articles."""

    name = "news"

    def __init__(
        self,
        sites: str | None = None,
        site: str | None = None,
        urls: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        try:
            self.sites = select_sites(sites, site, urls)
        except RegistryError as exc:
            logger.error("Invalid site registry, nothing crawled: %s", exc)
            raise
        self.sites_by_name = {s.name: s for s in self.sites}
        self.scheduled: Counter[str] = Counter()
        self.seen_urls: set[str] = set()
        # Links as written in pages, already decided: the same menu, footer and "most read" links
        # on every page of a site are canonicalized once, not once per page.
        self.links_done: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        # One download slot per site (its www./m./amp. hosts together), with the registry's
        # concurrency and delay where it sets them; AutoThrottle adapts each slot from there.
        # Settings are still open to changes while the spider is being built.
        slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
        for site in spider.sites:
            slot = dict(slots.get(site.name, {}))
            if site.concurrency is not None:
                slot["concurrency"] = site.concurrency
            if site.delay is not None:
                slot["delay"] = site.delay
            if slot:
                slots[site.name] = slot
        if slots:
            settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
        # What the stages, extensions and the store may know of this run.
        RunContext(tuple(spider.sites), is_distributed(settings)).publish(crawler)
        spider.max_depth = settings.getint("CRAWL_MAX_DEPTH")
        spider.max_pages = settings.getint("CRAWL_MAX_PAGES_PER_SITE")
        spider.max_listing_pages = settings.getint("CRAWL_MAX_LISTING_PAGES")
        spider.max_xml_urls = settings.getint("CRAWL_MAX_SITEMAP_URLS")
        spider.follow_links = settings.getbool("CRAWL_FOLLOW_LINKS")
        spider.max_size = settings.getint("DOWNLOAD_MAXSIZE")
        spider.render_timeout_ms = settings.getint("BROWSER_RENDER_TIMEOUT_MS")
        spider.browser_fallback = settings.getbool("BROWSER_FALLBACK")
        spider.workers = Workers.of(crawler)
        spider.min_body_words = max(1, settings.getint("VALIDATE_MIN_WORDS"))
        spider.refresh = str(getattr(spider, "refresh", "")).lower() in ("1", "true", "yes", "on")
        override = getattr(spider, "max_age", None)
        try:
            spider.max_age_override = parse_duration(override) if override is not None else None
        except ValueError as exc:
            raise RegistryError(f"-a max_age: {exc}") from None
        crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
        spider.stored = StoredUrls(
            crawler, spider.sites, refresh=spider.refresh, max_age=spider.max_age_of
        )
        # Once the arguments are known to be good: the workers import while the crawl starts.
        spider.workers.start(analyze_page.__module__)
        return spider

    def max_age_of(self, site: Site) -> timedelta | None:
        """How old a sitemap or feed entry may be to be fetched; None: any age."""
        age = self.max_age_override if self.max_age_override is not None else site.max_age
        return age if age > timedelta(0) else None

    # -- requests -------------------------------------------------------------------------------

    def _count(self, key: str, n: int = 1, site: Site | None = None) -> None:
        """Count under `akhbar/<key>`, and under `akhbar/site/<name>/<key>` for a site's own figures
        (what `akhbar check-sites` and operators read per site)."""
        count(self.crawler.stats, key, n, site.name if site else None)

    def _matches_pattern(self, site: Site, url: str) -> bool:
        pattern = site.article_url_pattern
        if pattern is None:
            return False
        timeouts = pattern.timeouts
        found = pattern.search(url)
        if pattern.timeouts > timeouts:
            self._count("url_pattern/timeout", site=site)
        return found

    def _page_request(
        self, site: Site, url: str, *, depth: int, listing_page: int = 1, listed: bool = False
    ) -> Request | None:
        """A request for an HTML page of `site`, or None when it is off-site, seen or over budget."""
        try:
            url = canonical_url(url)
        except ValueError:
            self._count("discovery/bad_url", site=site)
            return None
        key = url_key(url)  # "/a/" and "/a" are fetched once
        if key in self.seen_urls or not same_site(url, site.base_url):
            return None
        if self.stored.skip(key):
            # Stored by an earlier run: incremental runs fetch only what is new.
            self._count("incremental/skipped_stored", site=site)
            self.seen_urls.add(key)
            return None
        if self.scheduled[site.name] >= self.max_pages:
            self._count("limit/pages_per_site", site=site)
            return None
        self.scheduled[site.name] += 1
        self.seen_urls.add(key)
        meta = {"site": site.name, "hops": depth, "listing_page": listing_page, "listed": listed}
        meta["download_slot"] = site.name
        if site.render_js and (listed or self._matches_pattern(site, url)):
            # Known to be an article of a site built in the browser: no point fetching the shell.
            meta |= render_meta(site.selectors.get("body"), self.render_timeout_ms)
        return Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            meta=meta,
            # Articles listed in feeds and sitemaps first: they are what we are here for.
            priority=10 if listed else -depth,
        )

    def _render_request(self, site: Site, response: Response, shell: bool = False) -> Request:
        """The same page again, rendered in the browser (once: `rendered` pages are not retried).
        `shell`: an app shell, not known to be an article until rendered."""
        meta = {k: response.meta[k] for k in ("site", "hops", "listing_page", "listed")}
        meta["download_slot"] = site.name
        meta["second_fetch"] = True  # this page was already counted when fetched over HTTP
        return Request(
            response.url,
            callback=self.parse_page,
            errback=self.on_error,
            meta=meta | render_meta(site.selectors.get("body"), self.render_timeout_ms, shell),
            dont_filter=True,
            priority=5,
        )

    def _xml_request(
        self, site: Site, url: str, *, depth: int = 0, guessed: bool = False
    ) -> Request:
        return Request(
            url,
            callback=self.parse_xml,
            errback=self.on_error,
            meta={"site": site.name, "hops": depth, "guessed": guessed, "download_slot": site.name},
            priority=20,
        )

    def site_start_requests(self, site: Site) -> Iterable[Request]:
        """The first requests of one site: robots.txt, listed feeds/sitemaps/sections, the base URL."""
        robots = urljoin(site.base_url, "/robots.txt")
        yield Request(
            robots,
            callback=self.parse_robots,
            errback=self.on_robots_error,
            meta={
                "site": site.name,
                "dont_obey_robotstxt": True,
                "handle_httpstatus_all": True,
                "download_slot": site.name,
            },
            priority=30,
        )
        for url in site.feeds + site.sitemaps:
            yield self._xml_request(site, url)
        for url in (site.base_url, *site.sections):
            request = self._page_request(site, url, depth=0)
            if request is not None:
                yield request

    async def start(self) -> AsyncIterator[Any]:
        await self.stored.load()
        if RunContext.of(self.crawler).distributed:
            # Workers take their requests from the shared queue (`akhbar enqueue` fills it).
            logger.info("Distributed worker: waiting for requests in Redis")
            return
        for site in self.sites:
            logger.info("Crawling site %s from %s", site.name, site.base_url)
            for request in self.site_start_requests(site):
                yield request
            for url in self.stored.refresh_urls(site.name):
                # Refresh: stored articles of the last max_age, fetched again even if unlisted.
                request = self._page_request(site, url, depth=0, listed=True)
                if request is not None:
                    yield request

    # -- discovery ------------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterable[Request]:
        """robots.txt: follow its `Sitemap:` lines, or guess `/sitemap.xml` when it names none."""
        site = self.sites_by_name[response.meta["site"]]
        self._count("responses", site=site)
        found: list[str] = []
        if response.status == 200 and hasattr(response, "text"):
            found = sitemaps_from_robots(response.text, response.url)
            user_agent = self.crawler.settings.get("USER_AGENT")
            if not Protego.parse(response.text).can_fetch(site.base_url, user_agent):
                self._count("robots/disallows_base_url", site=site)
                logger.warning("robots.txt of %s disallows its base URL for us", site.name)
        if found:
            self._count("discovery/robots_sitemaps", len(found), site=site)
            for url in found:
                yield self._xml_request(site, url)
        else:
            yield from self._guessed_sitemaps(site)

    def on_robots_error(self, failure: Failure) -> Iterable[Request]:
        """An unreachable robots.txt is not fatal: fall back to the guessed sitemap."""
        site = self.sites_by_name[failure.request.meta["site"]]
        logger.info("robots.txt of %s unavailable: %s", site.name, failure.getErrorMessage())
        yield from self._guessed_sitemaps(site)

    def _guessed_sitemaps(self, site: Site) -> Iterable[Request]:
        """Where a site that names no sitemap usually keeps one (only tried when the registry
        lists none either)."""
        if not site.sitemaps:
            for path in FALLBACK_SITEMAPS:
                yield self._xml_request(site, urljoin(site.base_url, path), guessed=True)

    def parse_xml(self, response: Response) -> Iterable[Request]:
        """A sitemap, sitemap index or feed: request its articles (newest first) and child sitemaps."""
        site = self.sites_by_name[response.meta["site"]]
        self._count("responses", site=site)
        depth = response.meta.get("hops", 0)
        try:
            document = parse_xml_document(response.body, response.url, self.max_size)
        except NotXmlError as exc:
            if hasattr(response, "text") and looks_like_bot_wall(response.status, response.text):
                self._count("blocked/challenge", site=site)
                logger.warning("Bot wall (challenge page) at %s", response.url)
            elif not response.meta.get("guessed"):
                self._count("discovery/bad_xml", site=site)
                logger.warning("Not a sitemap or feed: %s (%s)", response.url, exc)
            return
        self._count(f"discovery/{document.kind}", site=site)
        self._count("discovery/entries", len(document.entries), site=site)
        newest_first = sorted(
            document.entries,
            key=lambda e: e.date or datetime.min.replace(tzinfo=UTC),
            reverse=True,
        )
        age = self.max_age_of(site)
        cutoff = datetime.now(UTC) - age if age is not None else None
        for entry in newest_first[: self.max_xml_urls]:
            if cutoff is not None and entry.date is not None and entry.date < cutoff:
                self._count("incremental/skipped_old", site=site)
                continue
            # Feeds and news sitemaps list articles; a plain sitemap lists sections too.
            request = self._page_request(site, entry.url, depth=depth + 1, listed=entry.is_news)
            if request is not None:
                yield request
        if depth < self.max_depth:
            for child in document.sitemaps[: self.max_xml_urls]:
                if cutoff is not None and child.date is not None and child.date < cutoff:
                    # A monthly archive sitemap last changed before max_age: nothing new in it.
                    self._count("incremental/skipped_old_sitemaps", site=site)
                    continue
                if same_site(child.url, site.base_url):
                    yield self._xml_request(site, child.url, depth=depth + 1)

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        """An HTML page: yield the article if it is one, and follow what it links to.

        The page is analysed in a worker process (`crawler.extract.pages.analyze_page`); this process
        only counts, builds the item and schedules the links.
        """
        site = self.sites_by_name[response.meta["site"]]
        self._count("responses", site=site)
        second_fetch = response.meta.get("second_fetch", False)
        with contextlib.suppress(ValueError):
            self.seen_urls.add(url_key(response.url))  # where a redirect landed: fetched too
        if not second_fetch:
            self._count("pages/fetched", site=site)
        if not isinstance(response, HtmlResponse):
            self._count("drop/not_html", site=site)
            logger.info("Skipped non-HTML response %s (%s)", response.url, type(response).__name__)
            return
        depth = response.meta.get("hops", 0)
        page = await self.workers.run(
            analyze_page,
            response.body,
            response.url,
            response.encoding,
            listed=response.meta.get("listed", False),
            pattern=site.article_url_pattern,
            selectors=dict(site.selectors),
            tz=site.tz,
            follow=self.follow_links and depth < self.max_depth,
            status=response.status,
        )
        verdict = page.verdict
        if page.pattern_timeouts:
            # The site's pattern gave up on this URL (taken for a non-article): the registry
            # entry needs a look.
            self._count("url_pattern/timeout", page.pattern_timeouts, site=site)
        if verdict.reason == BOT_WALL:
            self._count("blocked/challenge", site=site)
            logger.warning("Bot wall (challenge page) at %s", response.url)
            return
        if verdict.reason in (BINARY, PAGE_ERROR, TOO_DEEP):
            # Not a page that can be read: counted as a drop, never taken for a listing.
            self._count(f"drop/{verdict.reason}", site=site)
            logger.warning("Dropped %s (%s)%s", response.url, verdict.reason,
                           f"\n{page.error}" if page.error else "")  # fmt: skip
            return
        logger.debug("%s: article=%s (%s)", response.url, verdict.is_article, verdict.reason)
        if verdict.is_article:
            if not second_fetch:
                self._count("pages/article", site=site)
            item = self._article_item(site, response, page)
            rendered = response.meta.get("rendered", False)
            too_short = item is not None and len(item["body"].split()) < self.min_body_words
            if too_short and not rendered and self.browser_fallback:
                # Static extraction found no text: the page is built by JavaScript. On a site not
                # marked render_js this is a fallback, counted so operators can mark the site.
                self._count("browser/render" if site.render_js else "browser/fallback", site=site)
                logger.info("No static body on %s; rendering it in the browser", response.url)
                yield self._render_request(site, response)
                item = None
            if item is not None:
                yield item
                if item["alternate_urls"]:
                    # Read the article off its canonical page too: it carries the full metadata.
                    request = self._page_request(site, item["url"], depth=depth)
                    if request is not None:
                        yield request
        elif page.app_shell and site.render_js and not response.meta.get("rendered", False):
            # The static HTML is a skeleton: what the page is shows only once rendered.
            self._count("browser/app_shell", site=site)
            logger.info("App shell at %s; rendering it before judging it", response.url)
            yield self._render_request(site, response, shell=True)
        else:
            self._count("pages/listing", site=site)
            for request in self._follow_listing(site, response, page):
                yield request
        for request in self._follow_links(site, depth, page.links):
            yield request

    def _article_item(
        self, site: Site, response: HtmlResponse, page: PageAnalysis
    ) -> ArticleItem | None:
        article = page.article
        if article is None:
            # Untrusted HTML must never stop the crawl; the page is counted and logged.
            self._count("drop/extract_error", site=site)
            logger.error("Extraction failed for %s\n%s", response.url, page.error)
            return None
        for raw, reason in article.invalid_dates:
            # The date field is left empty (or filled from the next source); the article is kept.
            self._count("invalid_date", site=site)
            self._count(f"invalid_date/{reason}", site=site)
            logger.info("Invalid date (%s) on %s: %r", reason, response.url, raw[:80])
        return ArticleItem(
            url=article.url,
            alternate_urls=article.alternate_urls,
            site=site.name,
            domain=article.domain,
            title=article.title,
            description=article.description,
            body=article.body,
            authors=article.authors,
            published_at=article.published_at,
            modified_at=article.modified_at,
            crawled_at=datetime.now(UTC),
            section=article.section,
            tags=article.tags,
            image_url=article.image_url,
            word_count=article.word_count,
            fetched_with="browser" if response.meta.get("rendered") else "http",
            schema_version=SCHEMA_VERSION,
            fetched_url=response.url,
            site_name=article.site_name,
        )

    def _follow_listing(
        self, site: Site, response: HtmlResponse, page: PageAnalysis
    ) -> Iterable[Request]:
        depth = response.meta.get("hops", 0)
        for url in page.feeds:
            if same_site(url, site.base_url):
                yield self._xml_request(site, url, depth=depth)
        number = response.meta.get("listing_page", 1)
        if number < self.max_listing_pages:
            for url in page.pages:
                # Pagination stays at the listing's depth: page 5 of a section is as close as page 1.
                request = self._page_request(site, url, depth=depth, listing_page=number + 1)
                if request is not None:
                    yield request

    def _follow_links(self, site: Site, depth: int, links: list[str]) -> Iterable[Request]:
        for url in links:
            if url in self.links_done:
                continue
            self.links_done.add(url)
            if is_page_variant(url) and not self._matches_pattern(site, url):
                # The print or send-to-friend form of an article: the article is fetched itself
                # (unless the site's article_url_pattern names such pages).
                self._count("discovery/page_variant", site=site)
                continue
            request = self._page_request(site, url, depth=depth + 1)
            if request is not None:
                yield request

    def on_request_dropped(self, request: Request, spider) -> None:
        """The scheduler refused a request as already seen. The spider never asks twice for a
        page, so this is a redirect that came back to a URL already fetched: a redirect loop,
        whose page is lost, counted as a fetch error."""
        if request.meta.get("redirect_times"):
            site = self.sites_by_name.get(request.meta.get("site"))
            self._count("fetch_error/redirect_loop", site=site)
            logger.warning("Redirect loop at %s", request.url)

    def on_error(self, failure: Failure) -> None:
        """A failed download (HTTP error, redirect loop, timeout, refused, too large): counted per
        reason under `akhbar/fetch_error/`, and the crawl goes on."""
        request = failure.request
        site = self.sites_by_name.get(request.meta.get("site"))
        if request.meta.get("guessed"):
            # A sitemap location we guessed: its absence says nothing about the site's health.
            logger.debug("No %s: %s", request.url, failure.getErrorMessage())
            return
        if failure.check(HttpError):
            reason = f"http_{failure.value.response.status}"
            self._count("responses", site=site)
        elif "download max size" in str(failure.value) or "DOWNLOAD_MAXSIZE" in str(failure.value):
            reason = (
                "too_large"  # a body, or a gzip bomb's decompressed body, over DOWNLOAD_MAXSIZE
            )
        elif failure.check(IgnoreRequest):
            if "redirections" not in str(failure.value):
                # Forbidden by robots.txt (counted by Scrapy as robotstxt/forbidden) or filtered
                # by a middleware: a decision, not an error of the site.
                logger.debug("Not fetched: %s (%s)", request.url, failure.getErrorMessage())
                return
            reason = "redirect_loop"
        elif resolved_internally(request.url):
            # A name that resolves to an internal address (when not retried: retries are refused,
            # and counted, by the guard).
            reason = "blocked_address"
        else:
            reason = failure.type.__name__
        if request.meta.get("rendered"):
            # The browser never got the article: navigation timeout, no text in time, a crash.
            self._count(f"drop/render_failed/{reason}", site=site)
            logger.warning("Rendering failed for %s: %s", request.url, failure.getErrorMessage())
            return
        self._count(f"fetch_error/{reason}", site=site)
        logger.warning("Fetch failed for %s: %s", request.url, reason)
