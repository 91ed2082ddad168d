"""A local news site whose article pages carry the noise real Arabic sites add, with the clean text
each article should be stored with: used by the clean stage's end-to-end test and its benchmark.

Every article page has the site's own header and footer lines inside the article body (in no
curated list: only site-level learning can find them), curated noise (share box, comment prompt,
"read also" link, follow prompt, paywall teaser, mobile switcher), a headline suffixed with the site
name in `<title>` only, a byline with "بقلم" and two names, and a date written out in Arabic with a
12-hour time. A background sentence closes a few articles: genuine text that must stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.devtools.sampleserver import Reply
from tests.data.topic_articles import ARTICLES

SITE_NAME = "نافذة الشرق"
HEADER = "موقع نافذة الشرق الإخباري، صوت المواطن العربي منذ عام 1998"
FOOTERS = [
    "لإرسال أخباركم وصوركم ومقترحاتكم يرجى مراسلة بريد التحرير في نافذة الشرق",
    "الآراء الواردة في المقالات تعبر عن أصحابها ولا تعبر بالضرورة عن رأي الموقع",
]
CURATED_NOISE_TOP = ["افتح ملخص المحرر مجانًا"]
CURATED_NOISE_BOTTOM = [
    "شاركها.",
    "تابعونا على تلغرام وفيسبوك",
    "اترك تعليقاً",
    "Exit mobile version",
]
BACKGROUND = (
    "ويشهد السودان منذ أبريل 2023 حربا بين الجيش وقوات الدعم السريع أودت بحياة عشرات الآلاف "
    "وشردت الملايين داخل البلاد وخارجها."
)
BYLINES = [
    ("بقلم: أحمد منصور وسارة الخطيب", ["أحمد منصور", "سارة الخطيب"]),
    ("كتب - محمد وليد العلي، مراسل نافذة الشرق", ["محمد وليد العلي"]),
    ("رويترز", ["رويترز"]),
]
# Every noise line an article of this site may carry: none of them may be stored.
NOISE = [HEADER, *FOOTERS, *CURATED_NOISE_TOP, *CURATED_NOISE_BOTTOM]


@dataclass
class NoisyArticle:
    """One article page of the site and the fields it should be stored with."""

    path: str
    title: str
    paragraphs: list[str]
    authors: list[str]
    html: str

    @property
    def body(self) -> str:
        """The expected stored body."""
        return "\n\n".join(self.paragraphs)


def _page(title: str, byline: str, day: int, blocks: list[str], read_also: str) -> str:
    paragraphs = "\n".join(f"      <p>{block}</p>" for block in blocks[:3])
    paragraphs += f'\n      <p><strong>اقرأ أيضا:</strong> <a href="/news/1">{read_also}</a></p>\n'
    paragraphs += "\n".join(f"      <p>{block}</p>" for block in blocks[3:])
    return f"""<!doctype html>
<html lang="ar" dir="rtl">
<head>
  <meta charset="utf-8">
  <title>{title} - {SITE_NAME}</title>
  <meta name="author" content="{byline}">
  <meta property="og:type" content="article">
</head>
<body>
  <header><nav><a href="/">الرئيسية</a> <a href="/">سياسة</a> <a href="/">اقتصاد</a></nav></header>
  <main>
    <article>
      <div class="date">الأحد {day} نوفمبر 2026 - 10:30 م</div>
      <div class="entry-content">
{paragraphs}
      </div>
    </article>
  </main>
  <footer><a href="#top">Exit mobile version</a> <p>© 2026 {SITE_NAME}</p></footer>
</body>
</html>
"""


def noisy_articles(count: int = 12, background_on: int = 3) -> list[NoisyArticle]:
    """`count` articles (at most 15), the last `background_on` closing with the background sentence."""
    articles = []
    for i in range(count):
        # Three distinct labelled stories make one article's three paragraphs.
        (_, title, first), (_, _, second), (_, _, third) = (
            ARTICLES[i],
            ARTICLES[i + 15],
            ARTICLES[i + 30],
        )
        genuine = [first, second, third]
        if i >= count - background_on:
            genuine.append(BACKGROUND)
        blocks = [*CURATED_NOISE_TOP, HEADER, *genuine, *FOOTERS, *CURATED_NOISE_BOTTOM[:3]]
        byline, authors = BYLINES[i % len(BYLINES)]
        read_also = ARTICLES[(i + 1) % 45][1]
        html = _page(title, byline, 1 + i, blocks, read_also)
        articles.append(NoisyArticle(f"/news/{1000 + i}", title, genuine, authors, html))
    return articles


def noisy_routes(articles: list[NoisyArticle]) -> dict[str, Reply]:
    """The site's routes for `SampleSite`: a home page linking every article, and the articles."""
    links = "\n".join(f'<li><a href="{a.path}">{a.title}</a></li>' for a in articles)
    home = f"""<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{SITE_NAME}</title></head><body><h1>{SITE_NAME}</h1><ul>{links}</ul></body></html>"""
    routes = {"/": Reply(body=home.encode()), "/robots.txt": Reply(404)}
    for article in articles:
        routes[article.path] = Reply(body=article.html.encode())
    return routes
