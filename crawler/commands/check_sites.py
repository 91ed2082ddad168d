"""`akhbar check-sites`: a short crawl of each site with the real spider and extraction, judged.

For each site: reachable, robots.txt allows us, feed/sitemap items found, article pages found and
fully extracted (title, body, date), and a verdict with its reason: ok, bot_wall, unreachable,
robots_disallow, empty_feed, layout_changed, no_articles. Nothing is written to MongoDB.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from itemadapter import ItemAdapter

from crawler.runtime.context import RunContext
from crawler.stats import count, site_counts

BLOCKING = (
    "fetch_error/http_401",
    "fetch_error/http_403",
    "fetch_error/http_429",
    "fetch_error/http_503",
)
XML_KINDS = ("rss", "atom", "rdf", "urlset", "sitemapindex")

# A check is a short crawl: a few pages per site, one hop from the start page, no retries.
CHECK_SETTINGS = {
    "CRAWL_MAX_PAGES_PER_SITE": 12,
    "CRAWL_MAX_DEPTH": 1,
    "CRAWL_MAX_LISTING_PAGES": 1,
    "CRAWL_MAX_SITEMAP_URLS": 5,
    "RETRY_TIMES": 0,
    "DOWNLOAD_TIMEOUT": 20,
    "BROWSER_RENDER_TIMEOUT_MS": 8000,
    "LOG_LEVEL": "WARNING",
    "EXTENSIONS": {"crawler.runtime.extensions.RunRecord": None},  # a check is not a run
    "ITEM_PIPELINES": {
        "pipelines.validate.ValidatePipeline": 100,
        "pipelines.language.LanguagePipeline": 300,
        "pipelines.topic.TopicPipeline": 400,
        "crawler.commands.check_sites.CheckPipeline": 900,
    },
}


class CheckPipeline:
    """Last stage of a check: counts, per site, the articles extracted with title, body and date."""

    def __init__(self, crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler) -> CheckPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        site = adapter.get("site")
        count(self.stats, "check/articles", site=site)
        if adapter.get("published_at") is not None:
            count(self.stats, "check/complete", site=site)
        return item


@dataclass
class SiteReport:
    """What a check found for one site."""

    site: str
    reachable: bool
    robots_allows: bool
    listed_items: int
    article_pages: int
    articles_extracted: int
    articles_complete: int
    browser_needed: str
    verdict: str
    reason: str


def judge(site: str, counts: dict[str, int]) -> SiteReport:
    """Turn a site's crawl counters into a report and a verdict."""
    reachable = counts.get("responses", 0) > 0
    robots_allows = not counts.get("robots/disallows_base_url")
    listed = counts.get("discovery/entries", 0)
    pages = counts.get("pages/article", 0)
    extracted = counts.get("check/articles", 0)
    complete = counts.get("check/complete", 0)
    blocked = counts.get("blocked/challenge", 0) + sum(counts.get(k, 0) for k in BLOCKING)
    feeds = sum(counts.get(f"discovery/{kind}", 0) for kind in XML_KINDS)
    rendered = counts.get("browser/fallback", 0) + counts.get("browser/render", 0)
    errors = {k.split("/", 1)[1]: v for k, v in counts.items() if k.startswith("fetch_error/")}
    drops = {k.split("/", 1)[1]: v for k, v in counts.items() if k.startswith("drop/")}

    if not reachable:
        verdict, reason = "unreachable", f"no response: {_most(errors) or 'no request answered'}"
    elif blocked and not extracted:
        verdict = "bot_wall"
        if counts.get("blocked/challenge"):
            reason = "a challenge page instead of the site"
        else:
            refused = sorted(k.rsplit("_", 1)[1] for k in BLOCKING if k in counts)
            reason = f"refused with HTTP {', '.join(refused)}"
    elif not robots_allows and not extracted:
        verdict, reason = "robots_disallow", "robots.txt disallows the base URL for our user agent"
    elif extracted:
        verdict = "ok"
        reason = f"{extracted} of {pages} article pages extracted, {complete} with a date"
    elif pages:
        verdict = "layout_changed"
        reason = f"{pages} article pages but nothing extracted ({_most(drops) or 'no item'})"
    elif feeds and not listed:
        verdict, reason = "empty_feed", f"{feeds} feed/sitemap documents list no article"
    else:
        verdict, reason = "no_articles", "no page was recognised as an article"
    return SiteReport(
        site=site,
        reachable=reachable,
        robots_allows=robots_allows,
        listed_items=listed,
        article_pages=pages,
        articles_extracted=extracted,
        articles_complete=complete,
        browser_needed="yes" if rendered else "no",
        verdict=verdict,
        reason=reason,
    )


def _most(counter: dict[str, int]) -> str:
    if not counter:
        return ""
    key, value = max(counter.items(), key=lambda kv: kv[1])
    return f"{key} x{value}"


def run_checks(
    registry: str | None, names: Sequence[str], overrides: dict[str, str] | None = None
) -> list[SiteReport]:
    """Crawl each selected site briefly with the news spider and judge what came back."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.registry import select_sites
    from crawler.spiders.news import NewsSpider

    site_argument = ",".join(names) if names else None
    # Validate the registry and the site names first, for a one-line error instead of a traceback.
    select_sites(registry, site_argument, None)
    settings = get_project_settings()
    settings.setdict(CHECK_SETTINGS, priority="cmdline")
    settings.setdict(overrides or {}, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NewsSpider)
    arguments = {}
    if registry:
        arguments["sites"] = registry
    if site_argument:
        arguments["site"] = site_argument
    process.crawl(crawler, **arguments)
    process.start()
    if crawler.spider is None or process.bootstrap_failed:
        raise RuntimeError("the check could not start (see the error above)")
    stats = crawler.stats.get_stats()
    return [
        judge(site.name, site_counts(stats, site.name)) for site in RunContext.of(crawler).sites
    ]


def render_table(reports: list[SiteReport]) -> str:
    """A plain-text table, one line per site."""
    header = f"{'site':<20} {'reach':<5} {'robots':<6} {'listed':>6} {'articles':>9} {'browser':<7} {'verdict':<15} reason"
    lines = [header, "-" * len(header)]
    for r in reports:
        articles = f"{r.articles_extracted}/{r.article_pages}"
        lines.append(
            f"{r.site:<20} {'yes' if r.reachable else 'no':<5} {'yes' if r.robots_allows else 'no':<6} "
            f"{r.listed_items:>6} {articles:>9} {r.browser_needed:<7} {r.verdict:<15} {r.reason}"
        )
    return "\n".join(lines)


def render_json(reports: list[SiteReport]) -> str:
    """The reports as a JSON list, for machines."""
    return json.dumps([asdict(r) for r in reports], ensure_ascii=False, indent=2)


# -- the command ------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sites", help="registry file (default: the built-in crawler/sites.yaml)")
    parser.add_argument("--site", action="append", default=[], help="only this site (repeatable)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
        help="override a setting, as with scrapy crawl",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from crawler.registry import RegistryError

    overrides = dict(item.split("=", 1) for item in args.settings if "=" in item)
    try:
        reports = run_checks(args.sites, args.site, overrides)
    except (RegistryError, RuntimeError) as exc:
        print(f"akhbar check-sites: {exc}", file=sys.stderr)
        return 2
    print(render_json(reports) if args.json else render_table(reports))
    return 0 if all(r.verdict == "ok" for r in reports) else 1
