"""A local news site of any size, for the operations tests: N distinct articles, a home page and a
sitemap with their dates, and a way to add or change articles between runs."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.devtools.sampleserver import Reply, SampleSite
from tests.data.topic_articles import ARTICLES

VOCABULARY = " ".join(text for _, _, text in ARTICLES).split()


def article_text(seed: str, words: int = 160) -> list[str]:
    """Four paragraphs of a text no other seed shares (distinct to the dedupe stage)."""
    drawn = random.Random(seed).sample(VOCABULARY, words)
    step = words // 4
    return [" ".join(drawn[i : i + step]) + "." for i in range(0, words, step)]


@dataclass
class GeneratedSite:
    """Routes for `SampleSite`; articles can be added or edited while the site is served."""

    count: int
    delay: float = 0.0  # seconds each article page takes (for interrupting a crawl mid-way)
    published: datetime = field(default_factory=lambda: datetime.now(UTC) - timedelta(hours=2))
    old: set[int] = field(default_factory=set)  # articles dated a year back in the sitemap
    edits: dict[int, str] = field(default_factory=dict)  # article -> seed of its new text

    def path(self, i: int) -> str:
        return f"/news/{i}.html"

    def date(self, i: int) -> datetime:
        return self.published - timedelta(days=365) if i in self.old else self.published

    def _article(self, path: str) -> Reply:
        i = int(path.rsplit("/", 1)[1].split(".")[0])
        if i >= self.count:
            return Reply(404)
        if self.delay:
            time.sleep(self.delay)
        paragraphs = article_text(self.edits.get(i, f"article-{i}"))
        text = "".join(f"<p>{p}</p>" for p in paragraphs)
        html = (
            f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>خبر رقم {i}</title>'
            f'<meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="{self.date(i).isoformat()}">'
            f"</head><body><article><h1>خبر رقم {i}</h1>{text}</article></body></html>"
        )
        return Reply(body=html.encode())

    def _home(self, _: str) -> Reply:
        links = "".join(f'<li><a href="{self.path(i)}">{i}</a></li>' for i in range(self.count))
        return Reply(body=f"<html><body><ul>{links}</ul></body></html>".encode())

    def _sitemap(self, _: str) -> Reply:
        urls = "".join(
            f"<url><loc>{{BASE}}{self.path(i)}</loc><lastmod>{self.date(i).isoformat()}</lastmod></url>"
            for i in range(self.count)
        )
        body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        return Reply(body=body.encode(), content_type="application/xml")

    def routes(self, base_url_of) -> dict:
        """The routes; `base_url_of()` gives the server's base URL once it is listening."""

        def sitemap(path: str) -> Reply:
            reply = self._sitemap(path)
            reply.body = reply.body.replace(b"{BASE}", base_url_of().encode())
            return reply

        routes = {
            "/": self._home,
            "/robots.txt": lambda _: Reply(
                body=f"Sitemap: {base_url_of()}/sitemap.xml\n".encode(), content_type="text/plain"
            ),
            "/sitemap.xml": sitemap,
        }
        routes.update({self.path(i): self._article for i in range(1000)})
        return routes

    def server(self, root: Path) -> SampleSite:
        """A local server of this site (start it with `with`)."""
        server = SampleSite(root, {})
        server.routes.update(self.routes(lambda: server.base_url))
        return server
