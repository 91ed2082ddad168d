"""Scrapy settings for akhbar.

Every akhbar setting below can also be set by an environment variable of the same name
(`MONGO_URI=... scrapy crawl news`); `-s NAME=VALUE` on the command line wins over both.
"""

from __future__ import annotations

import os


def _env(name: str, default):
    """The environment's value for `name`, converted to the type of `default`."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


BOT_NAME = "akhbar"
SPIDER_MODULES = ["crawler.spiders"]
COMMANDS_MODULE = "crawler.runtime.scrapycmd"  # `crawl` with an exit code for losses
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves honestly; operators put a contact address here.
USER_AGENT = _env(
    "USER_AGENT",
    "akhbar/0.1 (Arabic news research crawler; +https://github.com/akhbar/akhbar)",
)
ROBOTSTXT_OBEY = True

# Politeness: AutoThrottle adapts to each server, bounded per domain.
CONCURRENT_REQUESTS = _env("CONCURRENT_REQUESTS", 32)
CONCURRENT_REQUESTS_PER_DOMAIN = _env("CONCURRENT_REQUESTS_PER_DOMAIN", 4)
DOWNLOAD_DELAY = _env("DOWNLOAD_DELAY", 0.5)
AUTOTHROTTLE_ENABLED = _env("AUTOTHROTTLE_ENABLED", True)
AUTOTHROTTLE_START_DELAY = _env("AUTOTHROTTLE_START_DELAY", 1.0)
AUTOTHROTTLE_MAX_DELAY = _env("AUTOTHROTTLE_MAX_DELAY", 30.0)
AUTOTHROTTLE_TARGET_CONCURRENCY = _env("AUTOTHROTTLE_TARGET_CONCURRENCY", 2.0)

# Bad input: huge pages, slow servers, redirect loops.
DOWNLOAD_MAXSIZE = _env("DOWNLOAD_MAXSIZE", 10 * 1024 * 1024)
DOWNLOAD_WARNSIZE = _env("DOWNLOAD_WARNSIZE", 4 * 1024 * 1024)
DOWNLOAD_TIMEOUT = _env("DOWNLOAD_TIMEOUT", 30)
RETRY_TIMES = _env("RETRY_TIMES", 2)
REDIRECT_MAX_TIMES = _env("REDIRECT_MAX_TIMES", 5)

# No control ports: neither the telnet console nor Scrapy's remote-control HTTP server (which runs
# arbitrary code) belongs on a production crawler.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = _env("REMOTE_CONTROL_ENABLED", False)
LOG_LEVEL = _env("LOG_LEVEL", "INFO")
EXTENSIONS = {
    "crawler.runtime.extensions.Progress": 500,
    "crawler.runtime.extensions.RunRecord": 510,
    "crawler.runtime.jobdir.JobDirGuard": 0,  # only with JOBDIR
}
# Distributed mode (below) is an add-on: it changes the scheduler only when REDIS_URL is set.
ADDONS = {"crawler.runtime.distributed.Distributed": 100}
PROGRESS_INTERVAL = _env("PROGRESS_INTERVAL", 60.0)  # seconds between progress lines; 0: none
FEED_EXPORT_ENCODING = "utf-8"

# Discovery limits (per site).
CRAWL_MAX_DEPTH = _env("CRAWL_MAX_DEPTH", 3)  # link hops from the start page, feeds and sitemaps
CRAWL_MAX_PAGES_PER_SITE = _env("CRAWL_MAX_PAGES_PER_SITE", 2000)  # requests scheduled per site
CRAWL_MAX_LISTING_PAGES = _env("CRAWL_MAX_LISTING_PAGES", 5)  # pagination depth of one listing
CRAWL_MAX_SITEMAP_URLS = _env("CRAWL_MAX_SITEMAP_URLS", 1000)  # URLs taken from one sitemap or feed
CRAWL_FOLLOW_LINKS = _env("CRAWL_FOLLOW_LINKS", True)  # follow in-domain links of HTML pages

# Browser rendering (scrapy-playwright), for article pages only: registry `render_js: true`, or
# the automatic fallback when static extraction finds no body. The browser starts on first use.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"  # Playwright needs it
# Plain HTTP until a request asks for the browser: the Playwright driver starts on first use.
# No request to an internal address (loopback, private, link-local: cloud metadata) other than
# the site's own, redirects included (crawler/runtime/netguard.py).
DOWNLOADER_MIDDLEWARES = {"crawler.runtime.netguard.InternalAddressGuard": 50}
# Names that resolve to such an address are refused too, unless they are a site's own host.
TWISTED_DNS_RESOLVER = "crawler.runtime.netguard.GuardedResolver"
DOWNLOAD_HANDLERS = {
    "http": "crawler.runtime.browser.LazyPlaywrightDownloadHandler",
    "https": "crawler.runtime.browser.LazyPlaywrightDownloadHandler",
}
BROWSER_EXECUTABLE = _env("BROWSER_EXECUTABLE", "/usr/bin/chromium")
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": BROWSER_EXECUTABLE,
    "headless": True,
    # No sandbox (containers, root), and no calls home from the browser itself.
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ],
}
PLAYWRIGHT_MAX_CONTEXTS = _env("PLAYWRIGHT_MAX_CONTEXTS", 2)
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = _env("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 4)
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = _env("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", 30000)
PLAYWRIGHT_ABORT_REQUEST = "crawler.runtime.browser.abort_request"
BROWSER_RENDER_TIMEOUT_MS = _env("BROWSER_RENDER_TIMEOUT_MS", 15000)  # wait for the article text
BROWSER_FALLBACK = _env("BROWSER_FALLBACK", True)  # render article pages with no static body

# Worker processes for the per-page CPU work (parsing, classification, extraction, links), so a
# crawl uses more than one core; 0 runs it in the crawl's own process. Default: one per core
# beyond the first, at most four.
CPU_WORKERS = _env("CPU_WORKERS", min(4, max(0, (os.cpu_count() or 1) - 1)))

ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.clean.CleanPipeline": 200,
    "pipelines.language.LanguagePipeline": 300,
    "pipelines.topic.TopicPipeline": 400,
    "pipelines.dedupe.DedupePipeline": 500,
    "pipelines.mongo.MongoPipeline": 900,
}

# Validate stage: bodies shorter than this are stubs (teasers, paywalls, JS shells), not articles.
VALIDATE_MIN_WORDS = _env("VALIDATE_MIN_WORDS", 10)

# Clean stage: bodies shorter than this once their boilerplate is gone are dropped.
CLEAN_MIN_WORDS = _env("CLEAN_MIN_WORDS", VALIDATE_MIN_WORDS)
# Site boilerplate learning: a line at the start or end of the body is the site's boilerplate once
# it appeared on this many articles of the site and on this share of the site's articles since it
# first appeared. Counted in memory; written to the `boilerplate` collection every N seconds.
CLEAN_LEARN_ENABLED = _env("CLEAN_LEARN_ENABLED", True)
CLEAN_LEARN_MIN_ARTICLES = _env("CLEAN_LEARN_MIN_ARTICLES", 5)
CLEAN_LEARN_MIN_SHARE = _env("CLEAN_LEARN_MIN_SHARE", 0.5)
CLEAN_LEARN_FLUSH_SECONDS = _env("CLEAN_LEARN_FLUSH_SECONDS", 10.0)

# Language stage: a bounded sample keeps the cost flat however long the article.
LANGUAGE_SAMPLE_CHARS = _env("LANGUAGE_SAMPLE_CHARS", 1000)
LANGUAGE_MIN_LETTERS = _env("LANGUAGE_MIN_LETTERS", 15)  # fewer letters: `und`, confidence 0
LANGUAGE_SEED = _env("LANGUAGE_SEED", 0)  # langdetect is random; a seed makes it repeatable
LANGUAGE_KEEP = _env("LANGUAGE_KEEP", "")  # comma-separated codes to store; empty: all

# Topic stage.
TOPIC_SAMPLE_CHARS = _env("TOPIC_SAMPLE_CHARS", 2000)  # body characters classifier/keywords read
# The trained model's answer is taken from this probability up (crawler/text/topic.py)...
TOPIC_MIN_PROBABILITY = _env("TOPIC_MIN_PROBABILITY", 0.5)
# ... and the lexicons may overrule it below this one (religion, service pages, strong evidence).
TOPIC_LEXICON_OVERRULE = _env("TOPIC_LEXICON_OVERRULE", 0.6)
# ... or below this one for a topic the model learnt mostly from one publisher (society).
TOPIC_THIN_OVERRULE = _env("TOPIC_THIN_OVERRULE", 0.9)
TOPIC_MIN_CONFIDENCE = _env("TOPIC_MIN_CONFIDENCE", 0.15)  # lexicon margin over the runner-up
TOPIC_MIN_SCORE = _env("TOPIC_MIN_SCORE", 4.0)  # less lexicon evidence than this: not sure
TOPIC_KEYWORDS = _env("TOPIC_KEYWORDS", 10)

# Dedupe stage: near-duplicates are bodies whose estimated Jaccard similarity (word 3-shingles of
# the matching form) reaches the threshold; see crawler/text/fingerprint.py for how it was chosen. `link`
# stores syndicated copies with a shared story_id; `drop` adds their URLs to the first article.
DEDUPE_MODE = _env("DEDUPE_MODE", "link")
DEDUPE_THRESHOLD = _env("DEDUPE_THRESHOLD", 0.5)
# Decisions are made in memory against the window of recent articles, loaded once per run, and
# committed to the shared log in batches (see crawler/store/dedupe.py).
DEDUPE_BATCH_SIZE = _env("DEDUPE_BATCH_SIZE", 50)  # articles decided and committed together
DEDUPE_BATCH_SECONDS = _env("DEDUPE_BATCH_SECONDS", 0.5)  # longest an article waits for its batch
DEDUPE_WINDOW_DAYS = _env("DEDUPE_WINDOW_DAYS", 90.0)  # how far back copies are looked for
DEDUPE_WINDOW_MAX_ARTICLES = _env("DEDUPE_WINDOW_MAX_ARTICLES", 300_000)  # ~2 KB of memory each

# Distributed mode (scrapy-redis): with REDIS_URL set, every crawler process shares one Redis queue
# and dupefilter (see crawler/runtime/distributed.py); `akhbar enqueue` pushes the start requests.
REDIS_URL = _env("REDIS_URL", "")
DISTRIBUTED_IDLE_CLOSE = _env(
    "DISTRIBUTED_IDLE_CLOSE", 0.0
)  # idle seconds before a worker exits; 0: never

# MongoDB sink.
# Unset: the managed local store (a FerretDB akhbar starts on demand; see `akhbar db`).
MONGO_URI = _env("MONGO_URI", "")
MONGO_DATABASE = _env("MONGO_DATABASE", "akhbar")
MONGO_BATCH_SIZE = _env("MONGO_BATCH_SIZE", 100)  # documents per bulk write
MONGO_FLUSH_INTERVAL = _env(
    "MONGO_FLUSH_INTERVAL", 5.0
)  # seconds between flushes of a partial batch
# Articles waiting to be written; when full, the crawl waits for the database (backpressure).
MONGO_QUEUE_SIZE = _env("MONGO_QUEUE_SIZE", 1000)
# At the end of a crawl (a stop included), how long queued articles may take to be written before
# the rest goes to the unsaved file.
MONGO_CLOSE_TIMEOUT = _env("MONGO_CLOSE_TIMEOUT", 30.0)
MONGO_RETRIES = _env("MONGO_RETRIES", 5)  # attempts per batch on transient errors
# While the server is unreachable (a restart, a failover), writes and dedupe commits are tried
# again for this long, the crawl waiting meanwhile, before articles go to the unsaved file.
MONGO_OUTAGE_SECONDS = _env("MONGO_OUTAGE_SECONDS", 120.0)
MONGO_RETRY_BACKOFF = _env(
    "MONGO_RETRY_BACKOFF", 0.5
)  # first back-off in seconds, doubled each time
MONGO_TIMEOUT_MS = _env("MONGO_TIMEOUT_MS", 5000)  # server selection and connect timeout
# A command not answered within this is a failure (retried, then spooled): a hung server never
# holds a crawl, or its stop, forever.
MONGO_SOCKET_TIMEOUT_MS = _env("MONGO_SOCKET_TIMEOUT_MS", 30000)
# Where a batch goes when the database keeps refusing it, so no article is lost.
MONGO_UNSAVED_DIR = _env("MONGO_UNSAVED_DIR", ".")
