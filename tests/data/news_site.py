"""Generated Arabic news sites of any size, for the throughput test and the crawl benchmark.

Each site has a home page, section listings with pagination, a sitemap index with sitemaps of 500
URLs, robots.txt, and article pages shaped like real ones: OpenGraph and JSON-LD metadata, a
navigation bar, a byline, a date line, related links, the site's own header and footer lines
inside the article (boilerplate only learning can find), and a share box. A republisher site
carries light edits of some of another site's articles (a dateline added, a sentence dropped,
its own header and footer), so the dedupe stage has copies to find. Pages are built on request.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from crawler.devtools.sampleserver import Reply, SampleSite
from tests.data.topic_articles import ARTICLES

VOCABULARY = " ".join(text for _, _, text in ARTICLES).split()
SECTIONS = {"politics": "سياسة", "economy": "اقتصاد", "sports": "رياضة", "culture": "ثقافة"}
AUTHORS = ["أحمد منصور", "سارة الخطيب", "محمد العلي", "ليلى حداد", "يوسف الشامي", "هدى النجار"]
PER_PAGE = 20
SITEMAP_CHUNK = 500
# What weighs down a real article page around its text: inline styles, tag-manager and ad-slot
# scripts, a state blob for the front-end framework (real Arabic news pages run 60-200 KB).
STYLE = (
    "<style>"
    + "".join(
        f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i * 2654435761 % 0xFFFFFF:06x}}}"
        for i in range(600)
    )
    + "</style>"
)
SCRIPTS = (
    "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
    "gtag('js',new Date());gtag('config','G-XXXXXXX');</script>"
    + "".join(
        f'<script>googletag.cmd.push(function(){{googletag.defineSlot("/1234/news/slot{i}",'
        f'[[300,250],[728,90]],"div-gpt-ad-{i}").addService(googletag.pubads());}});</script>'
        for i in range(12)
    )
    + '<script id="__STATE__" type="application/json">{"config":{'
    + ",".join(f'"flag{i}":{{"enabled":{str(i % 2 == 0).lower()},"v":{i}}}' for i in range(1000))
    + "}}</script>"
)


@lru_cache(maxsize=4096)
def _text(seed: str, words: int = 240) -> tuple[str, ...]:
    """Six paragraphs of a text no other seed shares."""
    rng = random.Random(seed)
    drawn = [rng.choice(VOCABULARY) for _ in range(words)]
    step = words // 6
    return tuple(" ".join(drawn[i : i + step]) + "." for i in range(0, words, step))


@dataclass
class NewsSite:
    """One generated site; `copies` maps an article of this site to (source site, its article)."""

    name: str
    title: str  # the name the site gives itself
    count: int
    header: str
    footer: str
    published: datetime = field(default_factory=lambda: datetime.now(UTC) - timedelta(hours=1))
    copies: dict[int, tuple[NewsSite, int]] = field(default_factory=dict)
    base_url: str = ""

    def section(self, i: int) -> str:
        return list(SECTIONS)[i % len(SECTIONS)]

    def path(self, i: int) -> str:
        return f"/{self.section(i)}/{i}.html"

    def url(self, i: int) -> str:
        return self.base_url + self.path(i)

    def date(self, i: int) -> datetime:
        return self.published - timedelta(minutes=i)

    def headline(self, i: int) -> str:
        if i in self.copies:
            source, j = self.copies[i]
            return source.headline(j)
        words = _text(f"{self.name}-title-{i}", 60)[0].split()[:8]
        return " ".join(words)

    def paragraphs(self, i: int) -> list[str]:
        """The story's paragraphs: what the article should be stored with."""
        if i in self.copies:
            source, j = self.copies[i]
            original = source.paragraphs(j)
            # A republished wire story: a dateline, one sentence dropped, the rest as it was.
            return [f"(وكالات) {original[0]}", *original[1:3], *original[4:]]
        return list(_text(f"{self.name}-{i}"))

    def article(self, i: int) -> str:
        headline = self.headline(i)
        date = self.date(i).isoformat()
        author = AUTHORS[i % len(AUTHORS)]
        related = "".join(
            f'<li><a href="{self.path((i + k) % self.count)}">{self.headline((i + k) % self.count)}</a></li>'
            for k in (1, 2, 3)
        )
        nav = "".join(f'<a href="/{s}/">{label}</a>' for s, label in SECTIONS.items())
        body = "".join(f"<p>{p}</p>" for p in self.paragraphs(i))
        most_read = "".join(
            f'<li><a href="{self.path((i * 7 + k) % self.count)}">'
            f"{self.headline((i * 7 + k) % self.count)}</a></li>"
            for k in range(10)
        )
        archive = "".join(
            f'<li><a href="/{s}/page/{p}/">{label} {p}</a></li>'
            for s, label in SECTIONS.items()
            for p in range(2, 6)
        )
        return (
            '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
            f"<title>{headline} - {self.title}</title>"
            f'<meta property="og:type" content="article"><meta property="og:title" content="{headline}">'
            f'<meta property="og:site_name" content="{self.title}">'
            f'<meta property="article:published_time" content="{date}">'
            f'<meta property="article:section" content="{SECTIONS[self.section(i)]}">'
            f'<link rel="canonical" href="{self.url(i)}">'
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            f'"headline": "{headline}", "datePublished": "{date}", '
            f'"author": {{"@type": "Person", "name": "{author}"}}}}</script>{STYLE}'
            f'</head><body><header><a href="/">{self.title}</a><nav>{nav}</nav></header>'
            f'<main><article><h1>{headline}</h1><div class="byline">بقلم: {author}</div>'
            f'<div class="content"><p>{self.header}</p>{body}<p>{self.footer}</p>'
            "<p>شارك الخبر</p></div></article>"
            f"<aside><h3>اقرأ أيضا</h3><ul>{related}</ul></aside>"
            f'<aside class="most-read"><h3>الأكثر قراءة</h3><ol>{most_read}</ol></aside>'
            '<section class="comments"><h3>التعليقات</h3><p>لا توجد تعليقات بعد</p>'
            '<form><textarea name="c"></textarea><button>أرسل</button></form></section></main>'
            f"<footer><ul>{archive}</ul>جميع الحقوق محفوظة © {self.title} 2026</footer>"
            f"{SCRIPTS}</body></html>"
        )

    def listing(self, section: str, page: int) -> str:
        members = [i for i in range(self.count) if self.section(i) == section]
        shown = members[(page - 1) * PER_PAGE : page * PER_PAGE]
        links = "".join(f'<li><a href="{self.path(i)}">{self.headline(i)}</a></li>' for i in shown)
        more = ""
        if page * PER_PAGE < len(members):
            more = f'<a rel="next" href="/{section}/page/{page + 1}/">التالي</a>'
        return (
            f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{SECTIONS[section]}'
            f" - {self.title}</title></head><body><h1>{SECTIONS[section]}</h1><ul>{links}</ul>"
            f"{more}</body></html>"
        )

    def home(self) -> str:
        nav = "".join(f'<li><a href="/{s}/">{label}</a></li>' for s, label in SECTIONS.items())
        latest = "".join(
            f'<li><a href="{self.path(i)}">{self.headline(i)}</a></li>'
            for i in range(min(20, self.count))
        )
        return (
            f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{self.title}</title>'
            f"</head><body><ul>{nav}</ul><ul>{latest}</ul></body></html>"
        )

    def sitemap_urls(self) -> list[str]:
        """The sitemaps of the index, in order."""
        chunks = range(0, self.count, SITEMAP_CHUNK)
        return [f"{self.base_url}/sitemap-{n // SITEMAP_CHUNK}.xml" for n in chunks]

    def sitemap(self, chunk: int) -> str:
        start = chunk * SITEMAP_CHUNK
        entries = "".join(
            f"<url><loc>{self.url(i)}</loc><lastmod>{self.date(i).isoformat()}</lastmod></url>"
            for i in range(start, min(self.count, start + SITEMAP_CHUNK))
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        )

    def sitemap_index(self) -> str:
        entries = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in self.sitemap_urls())
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
        )

    def routes(self) -> dict:
        """Routes for `SampleSite` (set `base_url` before serving)."""
        html = "text/html; charset=utf-8"
        xml = "application/xml"
        routes: dict = {
            "/": lambda _: Reply(body=self.home().encode(), content_type=html),
            "/robots.txt": lambda _: Reply(
                body=f"User-agent: *\nAllow: /\nSitemap: {self.base_url}/sitemap.xml\n".encode(),
                content_type="text/plain",
            ),
            "/sitemap.xml": lambda _: Reply(body=self.sitemap_index().encode(), content_type=xml),
        }
        for n in range((self.count + SITEMAP_CHUNK - 1) // SITEMAP_CHUNK):
            routes[f"/sitemap-{n}.xml"] = lambda _, n=n: Reply(
                body=self.sitemap(n).encode(), content_type=xml
            )
        for section in SECTIONS:
            pages = (self.count // len(SECTIONS)) // PER_PAGE + 2
            routes[f"/{section}/"] = lambda _, s=section: Reply(
                body=self.listing(s, 1).encode(), content_type=html
            )
            for page in range(2, pages + 1):
                routes[f"/{section}/page/{page}/"] = lambda _, s=section, p=page: Reply(
                    body=self.listing(s, p).encode(), content_type=html
                )
        for i in range(self.count):
            routes[self.path(i)] = lambda _, i=i: Reply(
                body=self.article(i).encode(), content_type=html
            )
        return routes

    def registry_entry(self) -> dict:
        return {"name": self.name, "base_url": self.base_url + "/", "language": "ar", "max_age": 0}


def news_sites(articles: int, copy_share: float = 0.05) -> list[NewsSite]:
    """Two sites with `articles` articles between them: a large one, and a republisher whose own
    articles are as many as its copies of the large one's (`copy_share` of all articles)."""
    copies = max(1, round(articles * copy_share))
    main = NewsSite(
        "wire",
        "وكالة الخبر العربي",
        articles - 2 * copies,
        header="وكالة الخبر العربي: الخبر كما هو، من مصادره، على مدار الساعة",
        footer="جميع المواد المنشورة في وكالة الخبر العربي محمية بموجب اتفاقيات النشر مع الشركاء",
    )
    republisher = NewsSite(
        "sada",
        "صدى المدينة",
        2 * copies,
        header="صدى المدينة، جريدة إلكترونية مستقلة تصدر من بيروت",
        footer="لإرسال أخباركم وصوركم يرجى مراسلة بريد التحرير في صدى المدينة",
    )
    step = max(1, main.count // copies)
    republisher.copies = {copies + k: (main, k * step) for k in range(copies)}
    return [main, republisher]


def serve(sites: list[NewsSite], root: Path) -> list[SampleSite]:
    """A `SampleSite` server per site (not started); each site's `base_url` is set."""
    servers = []
    for site in sites:
        server = SampleSite(root, {})
        site.base_url = server.base_url
        server.routes.update(site.routes())
        servers.append(server)
    return servers
