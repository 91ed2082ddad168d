"""End to end: `scrapy crawl news` against the local sample sites, read back from the database."""

from __future__ import annotations

import gzip
import itertools
import random
import socket
import subprocess
import time
from datetime import UTC, datetime

from crawler.devtools.demo import PROJECT_ROOT, crawl_command, crawl_env
from crawler.devtools.sampleserver import Reply, SampleSite
from crawler.items import TOPICS
from crawler.runtime.netguard import internal_address
from tests.conftest import interrupt_when, write_registry
from tests.data.topic_articles import ARTICLES as TOPIC_ARTICLES

ALYAWM_ARTICLES = {
    "/news/2026/11/20/arab-ministers-reconstruction.html",  # JSON-LD (with a trailing comma)
    "/news/sharjah-book-fair.html",  # OpenGraph only
    "/news/2026/11/18/central-bank-rates.html",  # only in the news sitemap; JSON-LD @graph
    "/news/2026/11/10/morocco-final.html",  # only on page 3 of a paginated section
}
SADA_ARTICLES = {
    "/2026/11/19/gaza-truce-talks/",  # WordPress + Yoast JSON-LD, registry body selector
    "/2026/11/17/water-crisis-basra/",  # in the feed with utm_* parameters
    "/2026/11/12/olive-harvest-exports/",  # page 2 of a WordPress category
    "/old/tripoli-heritage.html",  # windows-1256, charset only in <meta>, naive <time>
}


def stored_by_path(db, site):
    base = site.base_url
    return {
        doc["url"][len(base) :]: doc for doc in db.articles.find({"url": {"$regex": f"^{base}"}})
    }


def test_crawl_stores_every_article_once_with_typed_fields(
    crawl, db, sample_sites, sample_registry_for
):
    alyawm, sada = sample_sites
    result = crawl(sample_registry_for)
    assert result.returncode == 0, result.log[-3000:]

    alyawm_docs = stored_by_path(db, alyawm)
    sada_docs = stored_by_path(db, sada)
    assert set(alyawm_docs) == ALYAWM_ARTICLES
    assert set(sada_docs) == SADA_ARTICLES
    assert db.articles.count_documents({}) == len(ALYAWM_ARTICLES) + len(SADA_ARTICLES)

    for doc in db.articles.find():
        assert isinstance(doc["title"], str) and doc["title"].strip()
        assert isinstance(doc["body"], str) and len(doc["body"]) > 200
        assert "\n\n" in doc["body"], "paragraphs are separated by a blank line"
        assert doc["title"] not in doc["body"].split("\n\n")[0], "body does not repeat the headline"
        assert isinstance(doc["authors"], list) and isinstance(doc["tags"], list)
        assert isinstance(doc["alternate_urls"], list)
        assert doc["domain"] == "127.0.0.1"
        assert isinstance(doc["published_at"], datetime)
        assert doc["published_at"].utcoffset().total_seconds() == 0
        assert isinstance(doc["crawled_at"], datetime)
        assert doc["word_count"] == len(doc["body"].split())
        assert doc["fetched_with"] == "http"
        assert doc["schema_version"] == 2
        assert "fetched_url" not in doc
        assert "?" not in doc["url"], "tracking parameters are stripped from canonical URLs"

    jsonld = alyawm_docs["/news/2026/11/20/arab-ministers-reconstruction.html"]
    assert jsonld["site"] == "akhbar_alyawm"
    assert (
        jsonld["title"] == "وزراء الخارجية العرب يبحثون في القاهرة خطة لإعادة إعمار المدن المتضررة"
    )
    assert jsonld["authors"] == ["أحمد منصور", "سارة الخطيب"]
    assert jsonld["published_at"] == datetime(2026, 11, 20, 7, 15, tzinfo=UTC)
    assert jsonld["modified_at"] == datetime(2026, 11, 20, 9, 40, tzinfo=UTC)
    assert jsonld["section"] == "سياسة"
    assert jsonld["tags"] == ["الجامعة العربية", "إعادة الإعمار", "القاهرة"]
    assert jsonld["image_url"] == f"{alyawm.base_url}/images/ministers.jpg"
    assert jsonld["description"].startswith("اجتماع طارئ")
    assert jsonld["body"].startswith("عقد وزراء الخارجية العرب اجتماعاً طارئاً")
    # The AMP copy (linked from a tag page) is the same article: one document, the AMP URL recorded.
    assert jsonld["alternate_urls"] == [
        f"{alyawm.base_url}/amp/news/2026/11/20/arab-ministers-reconstruction.html"
    ]

    og = alyawm_docs["/news/sharjah-book-fair.html"]
    assert og["authors"] == ["ليلى حداد"]
    assert og["section"] == "ثقافة وفنون"
    assert og["tags"] == ["معرض الشارقة للكتاب", "النشر العربي"]
    assert og["published_at"] == datetime(2026, 11, 16, 14, 5, tzinfo=UTC)
    assert og["image_url"] == f"{alyawm.base_url}/images/book-fair.jpg"

    graph = alyawm_docs["/news/2026/11/18/central-bank-rates.html"]
    assert graph["authors"] == ["خالد العمري"] and graph["section"] == "اقتصاد"

    wp = sada_docs["/2026/11/19/gaza-truce-talks/"]
    assert wp["section"] == "أخبار عربية ودولية"
    assert wp["authors"] == ["منى الحسيني"]
    assert wp["published_at"] == datetime(2026, 11, 19, 14, 20, tzinfo=UTC)
    # The registry's body selector skips the share box nested in the body element.
    assert "شاركها" not in wp["body"] and "فيسبوك" not in wp["body"]
    assert len(wp["body"].split("\n\n")) == 4

    # Language and topic stages ran on every stored article.
    for doc in db.articles.find():
        assert doc["language"] == "ar" and 0.5 <= doc["language_confidence"] <= 1
        assert doc["topic"] in TOPICS and 0 <= doc["topic_confidence"] <= 1
        assert 1 <= len(doc["keywords"]) <= 10 and all(isinstance(k, str) for k in doc["keywords"])
    topics = {
        path: (doc["topic"], doc["topic_source"])
        for path, doc in {**alyawm_docs, **sada_docs}.items()
    }
    assert topics["/news/2026/11/20/arab-ministers-reconstruction.html"] == ("politics", "site")
    assert topics["/news/sharjah-book-fair.html"] == ("culture", "site")
    assert topics["/news/2026/11/10/morocco-final.html"] == ("sports", "site")
    assert topics["/2026/11/19/gaza-truce-talks/"] == ("politics", "site")  # "أخبار عربية ودولية"
    assert topics["/2026/11/12/olive-harvest-exports/"] == ("economy", "content")
    # A province's water crisis: real newsrooms file it under their Arab-world pages as often as
    # under society; the model (trained on such pages) says politics, the lexicons society.
    assert topics["/2026/11/17/water-crisis-basra/"] in {
        ("society", "content"),
        ("politics", "content"),
    }

    legacy = sada_docs["/old/tripoli-heritage.html"]
    assert legacy["title"] == "ترميم أسواق طرابلس القديمة يعيد الحياة إلى قلب المدينة"
    assert "سوق العطارين" in legacy["body"]
    assert "\ufffd" not in legacy["body"]
    # A naive <time> is read in the site's timezone (Asia/Beirut, UTC+2 in November).
    assert legacy["published_at"] == datetime(2026, 11, 15, 7, 30, tzinfo=UTC)


def test_crawl_follows_listings_and_feeds_but_stores_no_listing(
    crawl, db, sample_sites, sample_registry_for
):
    alyawm, sada = sample_sites
    result = crawl(sample_registry_for)
    assert result.returncode == 0, result.log[-3000:]
    requested = alyawm.paths()
    # Listing, tag, author and search pages were fetched (followed) ...
    for listing in (
        "/section/politics/?page=2",
        "/section/politics/?page=3",
        "/tag/gaza/",
        "/author/ahmad/",
    ):
        assert listing in requested
    assert any(p.startswith("/search?q=") for p in requested)
    assert "/feed.xml" in requested and "/sitemap-news.xml" in requested
    assert "/category/economy/page/2/" in sada.paths() and "/feed/" in sada.paths()
    # ... but never stored.
    urls = [doc["url"] for doc in db.articles.find({}, {"url": 1})]
    for fragment in ("/section/", "/tag/", "/author/", "/search", "/category/", "/feed"):
        assert not [u for u in urls if fragment in u]
    assert not [u for u in urls if u.rstrip("/") in (alyawm.base_url, sada.base_url)]


def test_robots_disallowed_path_is_never_requested(crawl, db, sample_sites, sample_registry_for):
    alyawm, _ = sample_sites
    result = crawl(sample_registry_for)
    assert result.returncode == 0, result.log[-3000:]
    assert not [p for p in alyawm.paths() if p.startswith("/private/")]
    assert db.articles.count_documents({"url": {"$regex": "/private/"}}) == 0


def test_crawl_run_is_recorded(crawl, db, sample_registry_for):
    result = crawl(sample_registry_for)
    assert result.returncode == 0, result.log[-3000:]
    runs = list(db.crawl_runs.find())
    assert len(runs) == 1
    run = runs[0]
    assert run["status"] == "finished"
    assert run["spider"] == "news"
    assert run["sites"] == ["akhbar_alyawm", "sada_wp"]
    assert run["finished_at"] >= run["started_at"]
    assert run["counts"]["stored_new"] == 8
    assert run["counts"]["articles_found"] >= 8
    assert run["counts"]["pages"] >= 20
    assert run["counts"]["dropped"] == 0
    assert run["counts"]["errors"] == 0  # the sample sites have no broken links
    assert all("." not in key and not key.startswith("$") for key in run["stats"])


def test_second_run_fetches_no_stored_article_and_stores_nothing(
    crawl, db, sample_sites, sample_registry_for
):
    alyawm, sada = sample_sites
    assert crawl(sample_registry_for).returncode == 0
    first = {d["url"]: d["crawled_at"] for d in db.articles.find()}
    stored_paths = {url.split("/", 3)[3] for url in first} | {
        u.split("/", 3)[3] for d in db.articles.find() for u in d["alternate_urls"]
    }
    alyawm.requests.clear()
    sada.requests.clear()
    result = crawl(sample_registry_for)
    assert result.returncode == 0, result.log[-3000:]
    fetched = {p.lstrip("/") for p in alyawm.paths() + sada.paths()}
    assert not fetched & stored_paths, "no stored article (or alternate URL) is requested again"
    assert "/" in alyawm.paths() and "/" in sada.paths(), "listings are still read"
    second = {d["url"]: d["crawled_at"] for d in db.articles.find()}
    assert second == first
    last = db.crawl_runs.find_one(sort=[("started_at", -1)])
    assert last["counts"]["stored_new"] == 0 and last["counts"]["stored_updated"] == 0
    assert last["stats"]["akhbar/incremental/skipped_stored"] >= len(first)


def test_site_argument_limits_the_crawl(crawl, db, sample_sites, sample_registry_for):
    alyawm, sada = sample_sites
    result = crawl(sample_registry_for, "-a", "site=sada_wp")
    assert result.returncode == 0, result.log[-3000:]
    assert alyawm.paths() == []
    assert "/robots.txt" in sada.paths()
    assert {d["site"] for d in db.articles.find()} == {"sada_wp"}


def test_generic_mode_crawls_start_urls_without_registry(crawl, db, sample_sites):
    _, sada = sample_sites
    result = crawl(None, "-a", f"urls={sada.base_url}/")
    assert result.returncode == 0, result.log[-3000:]
    docs = list(db.articles.find())
    assert {d["url"][len(sada.base_url) :] for d in docs} == SADA_ARTICLES
    assert {d["site"] for d in docs} == {"127.0.0.1"}


def test_bad_input_is_counted_and_the_crawl_goes_on(crawl, db, tmp_path):
    good = (
        "<html><head><meta charset='utf-8'><meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='not a date at all'>"
        # JSON escapes smuggle a NUL and a lone surrogate past the HTML parser.
        """<script type="application/ld+json">{"@type": "NewsArticle", "headline": "خبر سليم\\u0000",
        "keywords": ["وسم\\ud800"], "datePublished": "2026-13-45"}</script>"""
        "<title>خبر سليم</title></head><body><article><h1>خبر سليم</h1>"
        + "".join(
            f"<p>فقرة رقم {i} من خبر سليم يجب أن يخزن رغم كل الصفحات المعطوبة حوله في الموقع نفسه.</p>"
            for i in range(5)
        )
        + "</article></body></html>"
    ).encode()
    deep = (
        "<html><head><meta charset='utf-8'><meta property='og:type' content='article'>"
        '<script type="application/ld+json">' + "[" * 90_000 + "]" * 90_000 + "</script>"
        "<title>خبر عميق</title></head><body><article>"
        + "".join(
            f"<p>سطر {i} من تقرير آخر عن المعرض السنوي للكتاب واقبال الزوار على الندوات.</p>"
            for i in range(5)
        )
        + "</article></body></html>"
    ).encode()
    hops = itertools.count()
    routes = {
        "/": Reply(
            body=(
                "<html><body>"
                + "".join(
                    f"<a href='{path}'>{path}</a>"
                    for path in (
                        "/ok.html",
                        "/boom.html",
                        "/photo",
                        "/huge.html",
                        "/loop.html",
                        "/empty.html",
                        "/broken.html",
                        "/no-title.html",
                        "/short.html",
                        "/binary.html",
                        "/deep.html",
                        "/nested.html",
                        "/bomb.html",
                        "/cycle.html",
                    )
                )
                + "</body></html>"
            ).encode()
        ),
        "/robots.txt": Reply(status=404, body=b"", content_type="text/plain"),
        "/ok.html": Reply(body=good),
        "/boom.html": Reply(status=500, body=b"<html><body>Internal error</body></html>"),
        "/photo": Reply(body=b"\xff\xd8\xff\xe0" + b"\x00" * 2000, content_type="image/jpeg"),
        "/huge.html": Reply(
            body=b"<html><body>" + b"<p>" + "ا".encode() * 300_000 + b"</p></body></html>"
        ),
        # Every hop redirects to a new URL, so only the redirect limit ends it.
        "/loop.html": lambda path: Reply(
            status=302, headers={"Location": f"/loop.html?hop={next(hops)}"}
        ),
        "/empty.html": Reply(body=b""),
        # Random bytes that call themselves HTML: a drop, never a listing.
        "/binary.html": Reply(body=random.Random(7).randbytes(5000)),
        # JSON-LD nested 90,000 deep beside a readable article: the article is kept.
        "/deep.html": Reply(body=deep),
        # The text nested 15,000 elements deep, below what the HTML parsers read: a counted drop
        # (`too_deep`), not a render and a `short_body`.
        "/nested.html": Reply(
            body=(
                "<html><head><meta property='og:type' content='article'><title>خبر دفين</title>"
                "</head><body>"
                + "<div>" * 15_000
                + "<p>نص الخبر المدفون في أعماق الصفحة.</p>" * 30
                + "</div>" * 15_000
                + "</body></html>"
            ).encode()
        ),
        # 5 MB of zeros in 5 KB of gzip: refused when it grows past DOWNLOAD_MAXSIZE.
        "/bomb.html": Reply(
            body=gzip.compress(b"\x00" * 5_000_000), headers={"Content-Encoding": "gzip"}
        ),
        # A redirect that comes back to where it started: the page is lost, and counted.
        "/cycle.html": Reply(status=302, headers={"Location": "/cycle-2.html"}),
        "/cycle-2.html": Reply(status=302, headers={"Location": "/cycle.html"}),
        "/broken.html": Reply(
            body="<html><head><meta property='og:type' content='article'><title>صفحة مكسورة</title><body><article><p><b><div><span>".encode()
        ),
        "/short.html": Reply(
            body="<html><head><meta property='og:type' content='article'><title>عاجل</title></head><body><p>عاجل: انفجار في الميناء</p></body></html>".encode()
        ),
        "/no-title.html": Reply(
            body=(
                "<html><head><meta property='og:type' content='article'></head><body>"
                + "<p>فقرة طويلة بما يكفي لتعد نصاً رئيسياً لكن الصفحة بلا عنوان على الإطلاق.</p>" * 5
                + "</body></html>"
            ).encode()
        ),
    }
    with SampleSite(tmp_path, routes=routes) as site:
        registry = {"sites": [{"name": "flaky", "base_url": f"{site.base_url}/"}]}
        # Static path only: what the browser makes of such pages is tested in test_browser.py.
        result = crawl(
            registry,
            "-s",
            "DOWNLOAD_MAXSIZE=200000",
            "-s",
            "RETRY_TIMES=0",
            "-s",
            "BROWSER_FALLBACK=False",
        )
        assert result.returncode == 0, result.log[-3000:]
        assert "/huge.html" in site.paths() and "/loop.html" in site.paths()

    docs = {d["title"]: d for d in db.articles.find()}
    assert sorted(docs) == ["خبر سليم", "خبر عميق"]
    assert docs["خبر سليم"]["tags"] == ["وسم"]
    assert docs["خبر سليم"]["published_at"] is None  # an invalid date is dropped, not guessed

    run = db.crawl_runs.find_one()
    assert run["status"] == "finished"
    assert run["drops"].get("not_html") == 1
    assert run["drops"].get("missing_title") == 1
    assert run["drops"].get("empty_body") == 1  # the broken page has a title but no text
    assert run["drops"].get("short_body") == 1
    assert run["fetch_errors"].get("http_500") == 1
    assert run["drops"].get("binary") == 1
    assert run["drops"].get("too_deep") == 1
    assert run["fetch_errors"].get("redirect_loop") == 2  # the endless one and the cycle
    assert run["fetch_errors"].get("too_large") == 2  # past DOWNLOAD_MAXSIZE, as sent or unzipped
    assert run["stats"].get("akhbar/invalid_date") == 2
    assert run["stats"].get("akhbar/mongo/sanitized_values", 0) >= 1


def test_interrupted_crawl_stores_every_scraped_article(mongo_uri, db, tmp_path):
    vocabulary = " ".join(story for _, _, story in TOPIC_ARTICLES).split()

    def slow_article(path: str) -> Reply:
        time.sleep(0.1)
        # A different text per article: identical bodies would be one article to the dedupe stage.
        words = random.Random(path).sample(vocabulary, 160)
        paragraphs = "".join(f"<p>{' '.join(words[i : i + 40])}.</p>" for i in range(0, 160, 40))
        return Reply(
            body=(
                f"<html><head><meta property='og:type' content='article'><title>خبر {path}</title>"
                f"</head><body>{paragraphs}</body></html>"
            ).encode()
        )

    links = "".join(f"<a href='/a/{i}.html'>{i}</a>" for i in range(300))
    routes = {"/": Reply(body=f"<html><body>{links}</body></html>".encode())}
    routes |= {f"/a/{i}.html": slow_article for i in range(300)}
    with SampleSite(tmp_path, routes=routes) as site:
        registry = write_registry(
            tmp_path, {"sites": [{"name": "slow", "base_url": f"{site.base_url}/"}]}
        )
        # A batch far larger than the crawl and no timed flush: only the shutdown flush can save it.
        command = crawl_command(
            "-a",
            f"sites={registry}",
            mongo_uri=mongo_uri,
            database=db.name,
            MONGO_BATCH_SIZE="1000",
            MONGO_FLUSH_INTERVAL="600",
        )
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=crawl_env(), stderr=subprocess.PIPE, text=True
        )
        log = interrupt_when(process, lambda: sum(p.startswith("/a/") for p in site.paths()) >= 20)
    assert process.returncode == 0, log[-2000:]
    run = db.crawl_runs.find_one()
    assert run["status"] == "shutdown"
    assert 20 <= run["counts"]["items_scraped"] < 300
    assert db.articles.count_documents({}) == run["counts"]["items_scraped"]


def _name_resolving_internally() -> str | None:
    """A host name (not `localhost`) that resolves to an internal IPv4 address here: this
    machine's own name usually does (127.0.0.1 or a private address)."""
    name = socket.gethostname()
    try:
        return name if internal_address(socket.gethostbyname(name)) else None
    except OSError:
        return None


def test_redirects_to_internal_addresses_other_than_the_sites_own_are_refused(crawl, db, tmp_path):
    rebinding = _name_resolving_internally()
    with SampleSite(
        tmp_path / "other", routes={"/secret": Reply(body=b"<html>secret</html>")}
    ) as other:
        port = other.base_url.rsplit(":", 1)[1]
        routes = {
            "/": Reply(
                body=b"<html><body><a href='/moved.html'>1</a><a href='/meta.html'>2</a>"
                b"<a href='/hex.html'>3</a><a href='/name.html'>4</a></body></html>"
            ),
            "/robots.txt": Reply(status=404, content_type="text/plain"),
            "/moved.html": Reply(status=302, headers={"Location": f"{other.base_url}/secret"}),
            "/meta.html": Reply(
                status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
            ),
            "/hex.html": Reply(
                status=302, headers={"Location": f"http://0x7f000001:{port}/secret"}
            ),
            # A name, not an address, that resolves to this machine: refused when resolved.
            "/name.html": Reply(
                status=302, headers={"Location": f"http://{rebinding or '0'}:{port}/secret"}
            ),
        }
        with SampleSite(tmp_path / "site", routes=routes) as site:
            result = crawl({"sites": [{"name": "s", "base_url": f"{site.base_url}/"}]})
            assert result.returncode == 0, result.log[-3000:]
            assert {"/moved.html", "/meta.html", "/hex.html", "/name.html"} <= set(site.paths())
        assert other.paths() == []  # the site's own address only
    run = db.crawl_runs.find_one()
    assert run["fetch_errors"].get("blocked_address") == 4
    if rebinding:
        assert f"Refused {rebinding}: it resolves to the internal address" in result.log


def test_front_and_section_pages_with_article_jsonld_are_not_stored(crawl, db, tmp_path):
    """A JSON-LD site whose front page carries a NewsArticle node and whose section page lists
    its stories as NewsArticle nodes: only the two articles are stored."""
    import json

    def html(title: str, node: dict, links: str = "", text: str = "") -> bytes:
        ld = json.dumps(node, ensure_ascii=False)
        return (
            f'<html><head><title>{title}</title><script type="application/ld+json">{ld}</script>'
            f"</head><body><h1>{title}</h1>{links}{text}</body></html>"
        ).encode()

    story = "".join(f"<p>{body}</p>" for _, _, body in TOPIC_ARTICLES[:6])
    other_story = "".join(f"<p>{body}</p>" for _, _, body in TOPIC_ARTICLES[10:16])
    teaser = {"@type": "NewsArticle", "headline": "الخبر الرئيسي", "datePublished": "2026-11-20"}
    links = "<a href='/economy/'>اقتصاد</a><a href='/news/a.html'>أ</a><a href='/news/b.html'>ب</a>"
    with SampleSite(tmp_path, routes={}) as site:
        base = site.base_url
        site.routes.update({
            "/robots.txt": Reply(status=404, content_type="text/plain"),
            "/": Reply(body=html("الرئيسية", teaser, links, story)),
            "/economy/": Reply(body=html("اقتصاد", {
                "@type": "CollectionPage",
                "mainEntity": [{**teaser, "url": f"{base}/news/a.html"},
                               {**teaser, "url": f"{base}/news/b.html"}],
            }, links, story)),
            "/news/a.html": Reply(body=html("خبر أ", {**teaser, "url": f"{base}/news/a.html"}, text=story)),
            "/news/b.html": Reply(body=html("خبر ب", teaser, text=other_story)),
        })  # fmt: skip
        result = crawl({"sites": [{"name": "ld", "base_url": f"{base}/"}]})
        assert result.returncode == 0, result.log[-3000:]
        assert {"/", "/economy/", "/news/a.html", "/news/b.html"} <= set(site.paths())
    stored = sorted(d["url"].rsplit("/", 1)[-1] for d in db.articles.find())
    assert stored == ["a.html", "b.html"]
    run = db.crawl_runs.find_one()
    assert run["stats"]["akhbar/pages/listing"] == 2
