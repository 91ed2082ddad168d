"""Writes the golden extraction corpus: article pages in the template families of Arabic news
sites, each with the JSON of what a reader sees in it (`python -m tests.golden.build`).

The pages imitate what each family does to an extractor: WordPress themes (Yoast JSON-LD, captions
and share rows inside the content), Drupal (Dublin Core dates, a sidebar of dated archive links),
legacy ASP/PHP tables (windows-1256 declared in a `<meta>`, `<font>` and `<br><br>`, print and
send-to-friend links, a visible date line), app shells once rendered, AMP, Blogger, wire agency
pages (a dateline, no author), live blogs, opinion columns, interviews, photo stories, video pages
with a text summary, and a regional news portal (byline in the first line, lead block, comment
policy). The story text is the fourth topic round of `tests/data/topic_dev.py`: the topic held-out
set when the corpus was written. (The held-out file is rewritten after every topic change; the
pages, and the layout crawl tests built from them, must not change with it.) The noise around the
story is what the families put there. Each page's JSON lists the strings that must not end up in
the body.

The written files are the corpus (tests and `make bench` read them); this script is how they were
made, kept so that a new family is added the same way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.data.topic_dev import FOURTH_ROUND as ARTICLES

OUT = Path(__file__).parent / "pages"

SECTIONS = {
    "politics": "سياسة",
    "economy": "اقتصاد",
    "sports": "رياضة",
    "technology": "تكنولوجيا",
    "health": "صحة",
    "culture": "ثقافة",
    "science": "علوم",
    "religion": "دين",
    "society": "مجتمع",
    "other": "منوعات",
}
PEOPLE = [
    "أحمد منصور", "سارة الخطيب", "محمد العلي", "ليلى حداد", "يوسف الشامي", "نور الهدى سالم",
    "خالد الزعبي", "ريم عبد الله", "عمر الفاروق", "هالة يوسف", "طارق بن علي", "منى الحسيني",
    "سامي الجبوري", "دينا فؤاد", "كريم الصباغ", "أمل التونسي", "فادي نصار", "رنا العمري",
    "حسن الدباغ", "إيمان بوزيد", "وائل عثمان", "جميلة المراكشي", "باسل قاسم", "سلمى الراشد",
]  # fmt: skip
CITIES = ["القاهرة", "بيروت", "عمان", "الرباط", "تونس", "الدوحة", "أبوظبي", "الرياض", "بغداد"]
AGENCIES = ["وام", "واس", "قنا", "كونا", "بنا", "أ ف ب", "رويترز", "الأناضول"]
MONTHS_EG = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
             "أكتوبر", "نوفمبر", "ديسمبر"]  # fmt: skip
MONTHS_LEV = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
              "تشرين الأول", "تشرين الثاني", "كانون الأول"]  # fmt: skip
MONTHS_MAGHREB = ["جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر",
                  "أكتوبر", "نوفمبر", "ديسمبر"]  # fmt: skip
WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

DISCLAIMERS = [
    "التعليقات المنشورة تعبر عن رأي أصحابها ولا تعبر بالضرورة عن رأي الموقع.",
    "المقال يعبر عن رأي كاتبه ولا يعكس بالضرورة وجهة نظر الصحيفة.",
    "نرجو من القراء الالتزام بآداب الحوار وعدم الإساءة في التعليقات، ويحتفظ الموقع بحق حذف أي تعليق مخالف.",
]
CAPTIONS = [
    "جانب من الاجتماع الذي عقد أمس (تصوير: أحمد علي)",
    "صورة أرشيفية للموقع (رويترز)",
    "المشاركون خلال الجلسة الافتتاحية - المصدر: الصفحة الرسمية",
    "لقطة من الفعالية، مساء الخميس",
]


@dataclass
class Story:
    """What a reader sees: the truth a page is built around."""

    index: int
    topic: str
    title: str
    paragraphs: list[str]
    published: datetime  # aware, in the site's timezone
    author: str | None
    section: str

    @property
    def iso(self) -> str:
        return self.published.isoformat()


@dataclass
class Page:
    """A written page and its expected extraction."""

    family: str
    url: str
    html: str
    story: Story
    authors: list[str]
    section: str | None
    boilerplate: list[str] = field(default_factory=list)
    site: str = ""
    site_name: str = ""
    timezone: str = "Asia/Riyadh"
    encoding: str = "utf-8"
    lead: str | None = None  # a standfirst shown before the body: part of the body
    batch: int = 1  # 1: the pages extraction was developed on; 2: written after, kept apart

    def expected(self) -> dict:
        paragraphs = ([self.lead] if self.lead else []) + self.story.paragraphs
        return {
            "family": self.family,
            "url": self.url,
            "site": self.site,
            "site_name": self.site_name,
            "timezone": self.timezone,
            "encoding": self.encoding,
            "title": self.story.title,
            "body": paragraphs,
            "authors": self.authors,
            "published_at": self.story.published.isoformat(),
            "section": self.section,
            "boilerplate": self.boilerplate,
            "batch": self.batch,
        }


def _sentences(body: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!؟])\s+", body) if s.strip()]


def story(index: int, tz: str, *, author: bool = True) -> Story:
    """The `index`-th story: one held-out article's headline over the sentences of three."""
    topic, title, _body = ARTICLES[index % len(ARTICLES)]
    paragraphs = []
    for k in (0, 37, 71):
        paragraphs += _sentences(ARTICLES[(index + k) % len(ARTICLES)][2])
    base = datetime(2025, 3, 3, 8, 5, tzinfo=ZoneInfo(tz))
    published = base - timedelta(days=index * 11, hours=index * 5, minutes=index * 7)
    return Story(
        index,
        topic,
        title,
        paragraphs,
        published.replace(second=0),
        PEOPLE[index % len(PEOPLE)] if author else None,
        SECTIONS[topic],
    )


def _p(paragraphs: list[str]) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def _nav(site_name: str, base: str) -> str:
    items = "".join(
        f'<li><a href="{base}/category/{k}/">{v}</a></li>' for k, v in list(SECTIONS.items())[:7]
    )
    return f'<header class="site-header"><a class="logo" href="{base}/">{site_name}</a><nav><ul>{items}</ul></nav></header>'


def _sidebar(base: str, story_: Story, tz: str, n: int = 4) -> str:
    """A "latest" list with dated teasers: dates an extractor must not take for the article's."""
    rows = []
    for k in range(1, n + 1):
        other = ARTICLES[(story_.index + 13 * k) % len(ARTICLES)]
        when = story_.published - timedelta(days=30 * k, hours=3)
        rows.append(
            f'<li><a href="{base}/news/{story_.index + 1000 * k}.html">{escape(other[1])}</a>'
            f' <time datetime="{when.isoformat()}">{when:%d/%m/%Y}</time></li>'
        )
    return f'<aside class="sidebar"><h3>الأكثر قراءة</h3><ul>{"".join(rows)}</ul></aside>'


def _related(base: str, story_: Story) -> str:
    rows = "".join(
        f'<li><a href="{base}/news/r{story_.index}-{k}.html">'
        f"{escape(ARTICLES[(story_.index + 5 * k) % len(ARTICLES)][1])}</a></li>"
        for k in range(1, 4)
    )
    return f'<div class="related-posts"><h3>أخبار ذات صلة</h3><ul>{rows}</ul></div>'


def _footer(site_name: str) -> str:
    return f'<footer class="site-footer"><p>جميع الحقوق محفوظة © 2025 {site_name}</p></footer>'


def _ar_date(when: datetime, months: list[str], *, eastern: bool = False, clock: bool = True,
             weekday: bool = False) -> str:  # fmt: skip
    text = f"{when.day} {months[when.month - 1]} {when.year}"
    if weekday:
        text = f"{WEEKDAYS[when.weekday()]} {text}"
    if clock:
        hour = when.hour % 12 or 12
        text += f" {hour:02d}:{when.minute:02d} {'مساءً' if when.hour >= 12 else 'صباحاً'}"
    return text.translate(EASTERN) if eastern else text


# ---- families ------------------------------------------------------------------------------


def wordpress(i: int) -> Page:
    tz = "Asia/Riyadh"
    s = story(i, tz)
    base, name = "https://sada-alkhaleej.example", "صدى الخليج"
    url = f"{base}/{s.published:%Y/%m/%d}/story-{i}/"
    caption = CAPTIONS[i % len(CAPTIONS)]
    disclaimer = DISCLAIMERS[0]
    read_also = f"اقرأ أيضا: {ARTICLES[(i + 3) % 100][1]}"
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "@id": f"{base}/#org", "name": name},
            {"@type": "WebPage", "@id": url, "url": url, "name": f"{s.title} - {name}"},
            {
                "@type": "NewsArticle",
                "headline": s.title,
                "mainEntityOfPage": {"@id": url},
                "datePublished": s.iso,
                "dateModified": (s.published + timedelta(hours=2)).isoformat(),
                "author": {"@type": "Person", "name": s.author},
                "articleSection": [s.section],
                "publisher": {"@id": f"{base}/#org"},
            },
            {"@type": "BreadcrumbList", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "الرئيسية", "item": base},
                {"@type": "ListItem", "position": 2, "name": s.section},
            ]},
        ],
    }  # fmt: skip
    body = [*s.paragraphs[:2], None, *s.paragraphs[2:4], "READ", *s.paragraphs[4:]]
    content = []
    for p in body:
        if p is None:
            content.append(
                f'<figure class="wp-block-image"><img src="{base}/wp-content/uploads/{i}.jpg" '
                f'alt=""><figcaption>{escape(caption)}</figcaption></figure>'
            )
        elif p == "READ":
            content.append(f"<p><strong>{escape(read_also)}</strong></p>")
        else:
            content.append(f"<p>{escape(p)}</p>")
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{escape(s.title)} - {name}</title>
<meta property="og:type" content="article"><meta property="og:title" content="{escape(s.title)}">
<meta property="og:site_name" content="{name}"><link rel="canonical" href="{url}">
<script type="application/ld+json">{json.dumps(graph, ensure_ascii=False)}</script>
</head><body class="post-template-default single single-post">
{_nav(name, base)}
<div id="content" class="site-content"><main id="main">
<article class="post type-post">
<header class="entry-header"><span class="cat-links"><a href="{base}/category/x/" rel="category tag">{s.section}</a></span>
<h1 class="entry-title">{escape(s.title)}</h1>
<div class="entry-meta"><span class="byline">بواسطة <a class="url fn n" href="{base}/author/u{i}/">{s.author}</a></span>
<time class="entry-date published" datetime="{s.iso}">{_ar_date(s.published, MONTHS_EG, clock=False)}</time></div>
</header>
<div class="entry-content">
{"".join(content)}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">شارك هذا المقال:</h3><ul><li><a href="#">فيسبوك</a></li><li><a href="#">تويتر</a></li></ul></div>
</div>
<footer class="entry-footer"><span class="tags-links">الوسوم: <a href="{base}/tag/a/" rel="tag">{s.section}</a></span></footer>
</article>
{_related(base, s)}
<div id="comments" class="comments-area"><p class="comment-notes">{escape(disclaimer)}</p>
<h3 id="reply-title">اترك تعليقاً</h3></div>
</main>{_sidebar(base, s, tz)}</div>
{_footer(name)}
</body></html>"""
    return Page("wordpress", url, html, s, [s.author], s.section, [caption, read_also, disclaimer],
                site="sada", site_name=name, timezone=tz)  # fmt: skip


def drupal(i: int) -> Page:
    tz = "Africa/Cairo"
    s = story(i, tz)
    base, name = "https://masr-today.example", "مصر اليوم"
    url = f"{base}/node/{52000 + i}"
    caption = CAPTIONS[(i + 1) % len(CAPTIONS)]
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{escape(s.title)} | {name}</title>
<meta name="DC.title" content="{escape(s.title)}">
<meta name="DC.date" content="{s.published:%Y-%m-%dT%H:%M:%S%z}">
<meta name="DC.creator" content="{s.author}">
<link rel="canonical" href="{url}">
</head><body class="path-node page-node-type-article">
{_nav(name, base)}
<div class="region region-sidebar-first">{_sidebar(base, s, tz)}</div>
<main role="main"><div class="region region-content">
<nav class="breadcrumb" aria-labelledby="system-breadcrumb"><ol><li><a href="{base}/">الرئيسية</a></li><li><a href="{base}/taxonomy/term/{i}">{s.section}</a></li></ol></nav>
<article class="node node--type-article node--view-mode-full">
<h1 class="page-title"><span class="field field--name-title">{escape(s.title)}</span></h1>
<div class="node__meta"><span class="field--name-uid"><a href="{base}/user/{i}">{s.author}</a></span></div>
<div class="field field--name-field-image"><img src="{base}/sites/default/files/{i}.jpg" alt="">
<div class="field--name-field-image-caption">{escape(caption)}</div></div>
<div class="clearfix text-formatted field field--name-body field--type-text-with-summary field__item">
{_p(s.paragraphs)}
</div>
<div class="field field--name-field-tags"><div class="field__label">الكلمات المفتاحية</div>
<div class="field__item"><a href="{base}/taxonomy/term/9{i}" hreflang="ar">{s.section}</a></div></div>
</article>{_related(base, s)}
</div></main>
{_footer(name)}
</body></html>"""
    return Page("drupal", url, html, s, [s.author], s.section, [caption],
                site="masr", site_name=name, timezone=tz)  # fmt: skip


def legacy_asp(i: int) -> Page:
    tz = "Asia/Amman"
    s = story(i, tz)
    base, name = "http://www.alrai-news.example", "الرأي نيوز"
    news_id = 1033 + i
    url = f"{base}/news.asp?id={news_id}"
    months = MONTHS_LEV if i % 2 else MONTHS_EG
    if i % 3 == 0:
        # "الجمعة 24 نيسان / أبريل 2020 09:22 مساءً": both month series side by side.
        when = s.published
        hour = when.hour % 12 or 12
        date_line = (
            f"تم نشره {WEEKDAYS[when.weekday()]} {when.day} {MONTHS_LEV[when.month - 1]} / "
            f"{MONTHS_EG[when.month - 1]} {when.year} {hour:02d}:{when.minute:02d} "
            f"{'مساءً' if when.hour >= 12 else 'صباحاً'}"
        )
    else:
        date_line = f"تاريخ النشر : {_ar_date(s.published, months, weekday=True)}"
    byline = f"بقلم : {s.author}" if i % 2 else f"كتب : {s.author}"
    paragraphs = "<br><br>\n".join(escape(p) for p in s.paragraphs)
    html = f"""<html dir="rtl">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>{name} :: {escape(s.title)}</title>
<link rel="stylesheet" href="style.css">
</head>
<body bgcolor="#FFFFFF" topmargin="0">
<table width="770" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td colspan="2"><img src="images/banner.gif" width="770" height="90"></td></tr>
<tr><td class="menu" colspan="2">
<a href="default.asp">الرئيسية</a> | <a href="section.asp?id=1">محليات</a> | <a href="section.asp?id=2">عربي ودولي</a> |
<a href="section.asp?id=3">اقتصاد</a> | <a href="section.asp?id=4">رياضة</a> | <a href="archive.asp">الأرشيف</a></td></tr>
<tr>
<td width="160" valign="top" class="side">
<table width="100%"><tr><td class="sidetitle">آخر الأخبار</td></tr>
<tr><td><a href="news.asp?id={news_id - 1}">{escape(ARTICLES[(i + 7) % 100][1])}</a><br><font size="1">{_ar_date(s.published - timedelta(days=40), months, clock=False)}</font></td></tr>
<tr><td><a href="news.asp?id={news_id - 2}">{escape(ARTICLES[(i + 9) % 100][1])}</a><br><font size="1">{_ar_date(s.published - timedelta(days=70), months, clock=False)}</font></td></tr>
</table></td>
<td width="610" valign="top">
<table width="100%" cellpadding="4">
<tr><td class="title"><font size="4" color="#990000"><b>{escape(s.title)}</b></font></td></tr>
<tr><td><font size="1" color="#666666">{date_line}</font></td></tr>
<tr><td><font size="2"><b>{byline}</b></font></td></tr>
<tr><td class="text"><font face="Tahoma" size="2">
{paragraphs}
</font></td></tr>
<tr><td align="left"><a href="print.asp?id={news_id}"><img src="images/print.gif" border="0"> طباعة</a> &nbsp;
<a href="sendfriend.asp?id={news_id}"><img src="images/mail.gif" border="0"> أرسل لصديق</a></td></tr>
</table>
</td></tr>
<tr><td colspan="2" align="center" class="footer"><font size="1">جميع الحقوق محفوظة لـ {name} 2005</font></td></tr>
</table>
</body></html>"""
    return Page("legacy_asp", url, html, s, [s.author], None, [date_line, byline],
                site="alrai", site_name=name, timezone=tz, encoding="windows-1256")  # fmt: skip


def app_shell(i: int) -> Page:
    """The DOM of an app-shell page once the browser ran its scripts (what the crawl stores from)."""
    tz = "Asia/Dubai"
    s = story(i, tz)
    base, name = "https://alaan-app.example", "الآن"
    url = f"{base}/article/{s.published:%Y%m%d}{i:04d}"
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{name}</title>
<meta name="viewport" content="width=device-width"><link rel="stylesheet" href="/static/app.css">
<script src="/static/js/main.3f9a.js" defer></script>
</head><body>
<div id="root"><div class="App">
<div class="TopBar"><a href="/">{name}</a><div class="TopBar-menu"><a href="/section/news">أخبار</a><a href="/section/sport">رياضة</a><a href="/section/tech">تقنية</a></div></div>
<div class="ArticlePage">
<div class="ArticlePage-breadcrumbs"><a href="/">الرئيسية</a> / <a href="/section/{s.topic}">{s.section}</a></div>
<h1 class="ArticlePage-headline">{escape(s.title)}</h1>
<div class="ArticlePage-byline byline"><a href="/author/{i}">{s.author}</a></div>
<div class="ArticlePage-date"><time datetime="{s.iso}">{_ar_date(s.published, MONTHS_EG)}</time></div>
<div class="ArticlePage-body">
{_p(s.paragraphs)}
</div>
<div class="ArticlePage-more"><h3>المزيد من الآن</h3>
<a href="/article/x{i}1">{escape(ARTICLES[(i + 11) % 100][1])}</a>
<a href="/article/x{i}2">{escape(ARTICLES[(i + 12) % 100][1])}</a></div>
</div></div></div>
</body></html>"""
    return Page("app_shell", url, html, s, [s.author], s.section, [],
                site="alaan", site_name=name, timezone=tz)  # fmt: skip


def amp(i: int) -> Page:
    tz = "Asia/Qatar"
    s = story(i, tz)
    base, name = "https://doha-news.example", "أخبار الدوحة"
    url = f"{base}/amp/news/{s.published:%Y/%m/%d}/{i}"
    canonical = f"{base}/news/{s.published:%Y/%m/%d}/{i}"
    caption = CAPTIONS[(i + 2) % len(CAPTIONS)]
    ld = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": s.title,
        "datePublished": s.iso, "author": [{"@type": "Person", "name": s.author}],
        "publisher": {"@type": "Organization", "name": name}, "articleSection": s.section,
    }  # fmt: skip
    html = f"""<!doctype html>
<html ⚡ lang="ar" dir="rtl"><head><meta charset="utf-8">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<title>{escape(s.title)} | {name}</title><link rel="canonical" href="{canonical}">
<meta name="viewport" content="width=device-width">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<style amp-custom>body{{font-family:sans-serif}}</style>
</head><body>
<header class="amp-header"><a href="{base}/">{name}</a></header>
<amp-sidebar id="sidebar" layout="nodisplay"><ul><li><a href="{base}/politics">سياسة</a></li><li><a href="{base}/sport">رياضة</a></li></ul></amp-sidebar>
<article class="amp-article">
<h1>{escape(s.title)}</h1>
<div class="amp-meta"><span class="amp-author">{s.author}</span> · <span class="amp-date">{_ar_date(s.published, MONTHS_EG)}</span></div>
<figure><amp-img src="{base}/img/{i}.jpg" width="600" height="400" layout="responsive"></amp-img><figcaption>{escape(caption)}</figcaption></figure>
<div class="amp-body">
{_p(s.paragraphs)}
</div>
<amp-social-share type="twitter"></amp-social-share><amp-social-share type="facebook"></amp-social-share>
</article>
<div class="amp-related"><h3>اقرأ أيضاً</h3><ul>
<li><a href="{base}/amp/news/r{i}">{escape(ARTICLES[(i + 21) % 100][1])}</a></li></ul></div>
<footer><p>© 2025 {name}</p></footer>
</body></html>"""
    return Page("amp", url, html, s, [s.author], s.section, [caption],
                site="doha", site_name=name, timezone=tz)  # fmt: skip


def blogger(i: int) -> Page:
    tz = "Africa/Algiers"
    s = story(i, tz)
    base, name = "https://akhbar-eldjazair.blogspot.example", "أخبار الجزائر"
    url = f"{base}/{s.published:%Y/%m}/blog-post_{i}.html"
    text = "<br />\n<br />\n".join(escape(p) for p in s.paragraphs)
    html = f"""<!DOCTYPE html>
<html dir="rtl" xmlns:b="http://www.google.com/2005/gml/b"><head>
<meta content="text/html; charset=UTF-8" http-equiv="Content-Type">
<title>{name}: {escape(s.title)}</title>
<meta content="{url}" property="og:url"><meta content="{escape(s.title)}" property="og:title">
</head><body>
<div class="header-outer"><h1 class="title"><a href="{base}/">{name}</a></h1></div>
<div class="main-outer"><div class="date-outer">
<h2 class="date-header"><span>{WEEKDAYS[s.published.weekday()]}، {_ar_date(s.published, MONTHS_MAGHREB, clock=False)}</span></h2>
<div class="post hentry">
<h3 class="post-title entry-title">{escape(s.title)}</h3>
<div class="post-header"></div>
<div class="post-body entry-content" id="post-body-{i}">
<div dir="rtl" style="text-align: right;">{text}</div>
</div>
<div class="post-footer"><div class="post-footer-line post-footer-line-1">
<span class="post-author vcard">نشر بواسطة <span class="fn" itemprop="author"><span itemprop="name">{s.author}</span></span></span>
<span class="post-timestamp">في <a class="timestamp-link" href="{url}"><abbr class="published" itemprop="datePublished" title="{s.iso}">{s.published:%H:%M}</abbr></a></span>
</div><div class="post-footer-line post-footer-line-2"><span class="post-labels">التسميات: <a href="{base}/search/label/x" rel="tag">{s.section}</a></span></div></div>
</div></div>
<div class="blog-pager"><a class="blog-pager-newer-link" href="{base}/p/newer">رسالة أحدث</a> <a class="blog-pager-older-link" href="{base}/p/older">رسالة أقدم</a></div>
</div>
<div class="sidebar"><h2>أرشيف المدونة</h2><ul><li><a href="{base}/2024/">2024</a> (120)</li><li><a href="{base}/2023/">2023</a> (98)</li></ul></div>
</body></html>"""
    return Page("blogger", url, html, s, [s.author], None, [],
                site="djazair", site_name=name, timezone=tz)  # fmt: skip


def wire(i: int) -> Page:
    tz = "Asia/Dubai"
    s = story(i, tz, author=False)
    base, name = "https://wam-news.example", "وكالة أنباء الخليج"
    url = f"{base}/ar/article/{s.published:%Y%m%d}{i}"
    city, agency = CITIES[i % len(CITIES)], AGENCIES[i % len(AGENCIES)]
    dateline = f"{city} - {agency}"
    first = (
        f"({dateline}) - {s.paragraphs[0]}"
        if i % 2
        else f"{city}، {s.published.day} {MONTHS_EG[s.published.month - 1]} / {agency} / {s.paragraphs[0]}"
    )
    s.paragraphs = [first, *s.paragraphs[1:]]
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{escape(s.title)}</title>
<meta property="og:type" content="article"><meta property="og:title" content="{escape(s.title)}">
<meta property="article:published_time" content="{s.iso}">
<meta property="article:section" content="{s.section}">
<meta property="og:site_name" content="{name}">
</head><body>
{_nav(name, base)}
<div class="container"><div class="article-wrapper">
<h1 class="article-title">{escape(s.title)}</h1>
<div class="article-info"><span class="source">المصدر: {agency}</span> <span class="time">{s.published:%H:%M} - {s.published:%d/%m/%Y}</span></div>
<div class="article-text">
{_p(s.paragraphs)}
<p class="end-mark">-- {agency} --</p>
</div></div>
{_sidebar(base, s, tz, 3)}</div>
{_footer(name)}
</body></html>"""
    return Page("wire", url, html, s, [], s.section, [f"المصدر: {agency}", f"-- {agency} --"],
                site="wam", site_name=name, timezone=tz)  # fmt: skip


def liveblog(i: int) -> Page:
    tz = "Asia/Beirut"
    s = story(i, tz)
    base, name = "https://lebanon-live.example", "لبنان مباشر"
    url = f"{base}/live/{s.published:%Y-%m-%d}-{i}"
    updates = []
    for k, p in enumerate(s.paragraphs):
        when = s.published + timedelta(minutes=15 * (len(s.paragraphs) - k))
        updates.append(
            f'<div class="live-update"><time class="live-time" datetime="{when.isoformat()}">'
            f"{when:%H:%M}</time><p>{escape(p)}</p></div>"
        )
    ld = {
        "@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": s.title,
        "datePublished": s.iso, "coverageStartTime": s.iso,
        "author": {"@type": "Person", "name": s.author}, "articleSection": s.section,
    }  # fmt: skip
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>مباشر | {escape(s.title)}</title>
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<meta property="og:title" content="{escape(s.title)}">
</head><body>
{_nav(name, base)}
<main><div class="live-header"><span class="live-badge">مباشر</span><h1>{escape(s.title)}</h1>
<div class="live-meta">تغطية: <a href="{base}/author/{i}">{s.author}</a></div></div>
<div class="live-feed">{"".join(reversed(updates))}</div>
<button class="load-more">عرض المزيد</button></main>
{_sidebar(base, s, tz, 2)}
{_footer(name)}
</body></html>"""
    return Page("liveblog", url, html, s, [s.author], s.section, ["مباشر", "عرض المزيد"],
                site="lebanon", site_name=name, timezone=tz)  # fmt: skip


def opinion(i: int) -> Page:
    tz = "Asia/Riyadh"
    s = story(i, tz)
    base, name = "https://al-watan-opinion.example", "الوطن"
    url = f"{base}/opinion/{i + 7000}"
    disclaimer = DISCLAIMERS[1]
    bio = "كاتب وباحث في الشؤون العربية، له عدة مؤلفات."
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(s.title)} - {name}</title>
<meta property="og:type" content="article"><meta property="og:title" content="{escape(s.title)}">
<meta property="article:published_time" content="{s.iso}">
<meta property="article:section" content="مقالات الرأي">
</head><body>
{_nav(name, base)}
<div class="opinion-page"><div class="writer-box"><img src="{base}/writers/{i}.jpg" alt="">
<div class="writer-name">بقلم: <a href="{base}/writers/{i}">{s.author}</a></div>
<div class="writer-bio">{bio}</div></div>
<h1 class="opinion-title">{escape(s.title)}</h1>
<div class="opinion-body">
{_p(s.paragraphs)}
<p class="disclaimer"><em>{escape(disclaimer)}</em></p>
</div>
<div class="writer-more"><h3>مقالات أخرى للكاتب</h3><ul>
<li><a href="{base}/opinion/{i + 6000}">{escape(ARTICLES[(i + 31) % 100][1])}</a></li></ul></div></div>
{_footer(name)}
</body></html>"""
    return Page("opinion", url, html, s, [s.author], "مقالات الرأي", [disclaimer, bio],
                site="watan", site_name=name, timezone=tz)  # fmt: skip


def interview(i: int) -> Page:
    tz = "Africa/Tunis"
    s = story(i, tz)
    base, name = "https://tunis-hebdo.example", "تونس الأسبوعية"
    url = f"{base}/interviews/{i}-hiwar.html"
    lead = f"في حوار خاص، يتحدث ضيفنا عن {s.title} وعن رهانات المرحلة المقبلة."
    qa = []
    for k, p in enumerate(s.paragraphs):
        qa.append(f"<p><strong>{escape(p)}</strong></p>" if k % 2 == 0 else f"<p>{escape(p)}</p>")
    when = _ar_date(s.published, MONTHS_MAGHREB)
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{name} | {escape(s.title)}</title>
<meta name="description" content="{escape(lead)}">
</head><body>
{_nav(name, base)}
<div class="page"><div class="breadcrumbs"><a href="{base}/">الرئيسية</a> » <a href="{base}/interviews/">حوارات</a></div>
<h1 class="post-title">{escape(s.title)}</h1>
<div class="post-meta"><span class="author-line">حوار: {s.author}</span> | <span class="post-date">نشر في {when}</span></div>
<div class="standfirst"><p>{escape(lead)}</p></div>
<div class="post-content">
{"".join(qa)}
</div>
<div class="share-buttons"><a href="#">فيسبوك</a> <a href="#">تويتر</a> <a href="#">واتساب</a></div>
</div>
{_sidebar(base, s, tz, 3)}
{_footer(name)}
</body></html>"""
    return Page("interview", url, html, s, [s.author], "حوارات", [f"نشر في {when}"],
                site="tunishebdo", site_name=name, timezone=tz, lead=lead)  # fmt: skip


def photo_story(i: int) -> Page:
    tz = "Africa/Casablanca"
    s = story(i, tz)
    base, name = "https://maghreb-images.example", "صور المغرب"
    url = f"{base}/photos/{s.published:%Y/%m}/{i}-story.html"
    blocks = []
    captions = []
    for k, p in enumerate(s.paragraphs):
        blocks.append(f"<p>{escape(p)}</p>")
        if k % 2 == 1:
            cap = f"{CAPTIONS[(i + k) % len(CAPTIONS)].split(' (')[0]} - تصوير: {PEOPLE[(i + k + 5) % len(PEOPLE)]}"
            captions.append(cap)
            blocks.append(
                f'<div class="gallery-item"><img src="{base}/img/{i}-{k}.jpg" alt="">'
                f'<p class="caption">{escape(cap)}</p></div>'
            )
    ld = {"@context": "https://schema.org", "@type": "Article", "headline": s.title,
          "datePublished": s.iso, "articleSection": s.section}  # fmt: skip
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(s.title)} | {name}</title>
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
</head><body>
{_nav(name, base)}
<article class="photo-story"><h1>{escape(s.title)}</h1>
<div class="meta"><span class="byline">كتبت: {s.author}</span></div>
<div class="story-body">{"".join(blocks)}</div></article>
{_related(base, s)}
{_footer(name)}
</body></html>"""
    return Page("photo_story", url, html, s, [s.author], s.section, captions,
                site="maghrebimg", site_name=name, timezone=tz)  # fmt: skip


def video(i: int) -> Page:
    tz = "Asia/Baghdad"
    s = story(i, tz)
    base, name = "https://iraq-tv.example", "تلفزيون العراق"
    url = f"{base}/video/{i + 880}"
    updated = s.published + timedelta(hours=3, minutes=20)
    published_line = (
        f"نشر في: {_ar_date(s.published, MONTHS_LEV if i % 2 else MONTHS_EG, eastern=i % 3 == 0)}"
    )
    updated_line = f"آخر تحديث: {_ar_date(updated, MONTHS_EG)}"
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(s.title)} | {name}</title>
<meta property="og:type" content="video.other"><meta property="og:title" content="{escape(s.title)}">
</head><body>
{_nav(name, base)}
<div class="video-page"><div class="player"><iframe src="https://player.example/embed/{i}" allowfullscreen></iframe></div>
<h1 class="video-title">{escape(s.title)}</h1>
<div class="video-dates"><span>{updated_line}</span> <span>{published_line}</span></div>
<div class="video-meta">إعداد: {s.author}</div>
<div class="video-summary">
{_p(s.paragraphs)}
</div>
<div class="video-related"><h3>شاهد أيضاً</h3><ul>
<li><a href="{base}/video/{i + 900}">{escape(ARTICLES[(i + 17) % 100][1])}</a></li>
<li><a href="{base}/video/{i + 901}">{escape(ARTICLES[(i + 18) % 100][1])}</a></li></ul></div></div>
{_footer(name)}
</body></html>"""
    return Page("video", url, html, s, [s.author], None, [published_line, updated_line],
                site="iraqtv", site_name=name, timezone=tz)  # fmt: skip


def portal(i: int) -> Page:
    tz = "Africa/Cairo"
    s = story(i, tz)
    base, name = "https://elbalad-news.example", "البلد نيوز"
    url = f"{base}/News/{4400000 + i}/"
    lead = s.paragraphs[0]
    rest = s.paragraphs[1:]
    s_paragraphs = rest
    byline = f"كتب - {s.author}" if i % 2 else f"كتبت: {s.author}"
    published_line = f"نشر في {_ar_date(s.published, MONTHS_EG)}"
    disclaimer = DISCLAIMERS[2]
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{name} - {escape(s.title)}</title>
<meta property="og:type" content="article"><meta name="description" content="{escape(lead)}">
</head><body>
{_nav(name, base)}
<div class="container"><div class="col-main">
<div class="breadcrumb"><a href="{base}/">الرئيسية</a> &gt; <a href="{base}/Section/{s.topic}">{s.section}</a></div>
<h1>{escape(s.title)}</h1>
<div class="news-date">{published_line}</div>
<div class="news-lead"><strong>{escape(lead)}</strong></div>
<div class="news-body">
<p>{byline}</p>
{_p(s_paragraphs)}
</div>
<div class="comments-policy"><p>{escape(disclaimer)}</p></div>
</div>{_sidebar(base, s, tz)}</div>
{_footer(name)}
</body></html>"""
    s.paragraphs = rest
    return Page("portal", url, html, s, [s.author], s.section,
                [byline, published_line, disclaimer], site="elbalad", site_name=name,
                timezone=tz, lead=lead)  # fmt: skip


# ---- the second batch: other members of the same families, written after extraction was
# developed on the first and not used to tune it (its first scores are in docs/decisions.md) ----


def _b(page: Page) -> Page:
    page.batch = 2
    return page


def wordpress_b(i: int) -> Page:
    """A tagDiv-style magazine theme: OpenGraph only, caption box and a "read also" link line."""
    tz = "Asia/Kuwait"
    s = story(i, tz)
    base, name = "https://alqabas-today.example", "القبس اليوم"
    url = f"{base}/{s.published:%Y/%m/%d}/{i}-news/"
    caption = f"{CAPTIONS[i % len(CAPTIONS)].split(' (')[0]} (أرشيفية)"
    also = ARTICLES[(i + 4) % 100][1]
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="UTF-8"><title>{escape(s.title)} | {name}</title>
<meta property="og:type" content="article"><meta property="og:title" content="{escape(s.title)}">
<meta property="article:published_time" content="{s.iso}">
<meta property="article:section" content="{s.section}">
</head><body class="single">
<div class="td-header-wrap">{_nav(name, base)}</div>
<div class="td-main-content-wrap"><div class="td-container">
<div class="td-post-header"><ul class="td-category"><li class="entry-category"><a href="{base}/category/c/">{s.section}</a></li></ul>
<header class="td-post-title"><h1 class="entry-title">{escape(s.title)}</h1>
<div class="td-module-meta-info"><div class="td-post-author-name"><div class="td-author-by">الكاتب</div> <a href="{base}/author/a{i}/">{s.author}</a></div>
<span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{s.iso}">{_ar_date(s.published, MONTHS_EG, clock=False)}</time></span>
<div class="td-post-views"><span class="td-icon-views"></span>1,204</div></div></header></div>
<div class="td-post-content tagdiv-type">
{_p(s.paragraphs[:3])}
<div class="wp-caption aligncenter"><img src="{base}/wp-content/uploads/{i}.jpg" alt=""><p class="wp-caption-text">{escape(caption)}</p></div>
<p><strong>اقرأ أيضًا: </strong><a href="{base}/{i}-also/">{escape(also)}</a></p>
{_p(s.paragraphs[3:])}
</div>
<div class="td-post-source-tags"><ul class="td-tags"><li><span>الوسوم</span></li><li><a href="{base}/tag/t/">{s.section}</a></li></ul></div>
<div class="td-post-sharing-bottom"><a class="td-social-sharing-button" href="#">فيسبوك</a><a class="td-social-sharing-button" href="#">تويتر</a></div>
</div></div>
<div class="td-footer-wrapper">{_footer(name)}</div>
</body></html>"""
    return _b(
        Page(
            "wordpress",
            url,
            html,
            s,
            [s.author],
            s.section,
            [caption, f"اقرأ أيضًا: {also}"],
            site="qabas",
            site_name=name,
            timezone=tz,
        )
    )


def drupal_b(i: int) -> Page:
    """Drupal 7: RDFa dates, "submitted by" line, no Dublin Core <meta>, no JSON-LD."""
    tz = "Asia/Amman"
    s = story(i, tz)
    base, name = "https://ammon-post.example", "عمون بوست"
    url = f"{base}/ar/content/{i}-story"
    submitted = f"أرسلت بواسطة {s.author} في {s.published:%Y/%m/%d - %H:%M}"
    html = f"""<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="ar" dir="rtl"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{escape(s.title)} | {name}</title></head>
<body class="html not-front node-type-article">
<div id="page">{_nav(name, base)}
<div id="main"><div id="content" class="column">
<h1 class="title" id="page-title">{escape(s.title)}</h1>
<div id="node-{i}" class="node node-article" about="/ar/content/{i}-story" typeof="sioc:Item foaf:Document">
<div class="submitted"><span property="dc:date dc:created" content="{s.iso}" datatype="xsd:dateTime" rel="sioc:has_creator">{submitted.replace(s.author, f'<a href="{base}/users/{i}" class="username">{s.author}</a>')}</span></div>
<div class="content"><div class="field field-name-body field-type-text-with-summary"><div class="field-items"><div class="field-item even" property="content:encoded">
{_p(s.paragraphs)}
</div></div></div>
<div class="field field-name-field-tags"><div class="field-label">التصنيف:&nbsp;</div><div class="field-items"><div class="field-item"><a href="{base}/ar/taxonomy/term/{i}" typeof="skos:Concept" property="rdfs:label skos:prefLabel">{s.section}</a></div></div></div>
</div></div></div>
<div id="sidebar-second" class="column sidebar">{_sidebar(base, s, tz, 3)}</div></div>
<div id="footer">{_footer(name)}</div></div>
</body></html>"""
    return _b(
        Page(
            "drupal",
            url,
            html,
            s,
            [s.author],
            None,
            [submitted],
            site="ammon",
            site_name=name,
            timezone=tz,
        )
    )


def legacy_php_b(i: int) -> Page:
    """A PHP portal of the 2000s: windows-1256, <div>s with <font>, `article.php?sid=`."""
    tz = "Asia/Damascus"
    s = story(i, tz)
    base, name = "http://www.sham-press.example", "شام برس"
    url = f"{base}/article.php?sid={7700 + i}&cat=3"
    when = s.published
    date_line = (
        f"{WEEKDAYS[when.weekday()]}, {when.day} {MONTHS_LEV[when.month - 1]} {when.year}"
        f" - {when.hour % 12 or 12}:{when.minute:02d} {'م' if when.hour >= 12 else 'ص'}"
    )
    writer = f"إعداد: {s.author}"
    body = "<br>\n<br>\n".join(
        f"<font face='Arial' size='3'>{escape(p)}</font>" for p in s.paragraphs
    )
    html = f"""<html dir="rtl"><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>{name} - {escape(s.title)}</title></head>
<body leftmargin="0" topmargin="0">
<div align="center"><div id="top"><img src="img/logo.gif"></div>
<div id="menu"><a href="index.php">الرئيسية</a> :: <a href="news.php?cat=1">سياسة</a> :: <a href="news.php?cat=3">محليات</a> :: <a href="contact.php">اتصل بنا</a></div>
<div id="right"><div class="blocktitle">الأكثر قراءة</div>
<a href="article.php?sid={7600 + i}">{escape(ARTICLES[(i + 8) % 100][1])}</a><br>
<a href="article.php?sid={7601 + i}">{escape(ARTICLES[(i + 9) % 100][1])}</a></div>
<div id="center">
<div class="newstitle"><font size="4" color="#003366"><b>{escape(s.title)}</b></font></div>
<div class="newsdate"><font size="1">{date_line}</font></div>
<div class="writer"><font size="2">{writer}</font></div>
<div class="newsbody">{body}</div>
<div class="tools"><a href="print.php?sid={7700 + i}">نسخة للطباعة</a> | <a href="friend.php?sid={7700 + i}">أرسل الخبر لصديق</a></div>
</div>
<div id="bottom"><font size="1">جميع الحقوق محفوظة {name} © 2006</font></div></div>
</body></html>"""
    return _b(
        Page(
            "legacy_asp",
            url,
            html,
            s,
            [s.author],
            None,
            [date_line, writer],
            site="shampress",
            site_name=name,
            timezone=tz,
            encoding="windows-1256",
        )
    )


def app_shell_b(i: int) -> Page:
    """A Next.js site after rendering: utility classes, an unlabelled numeric date."""
    tz = "Asia/Riyadh"
    s = story(i, tz)
    base, name = "https://sabq-next.example", "سبق نكست"
    url = f"{base}/news/{i}a7f"
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(s.title)}</title>
<script src="/_next/static/chunks/main.js" defer></script></head>
<body><div id="__next"><div class="min-h-screen">
<header class="sticky top-0"><a href="/">{name}</a><nav class="flex gap-4"><a href="/politics">سياسة</a><a href="/economy">اقتصاد</a></nav></header>
<main class="container mx-auto"><article class="prose">
<h1 class="text-3xl font-bold">{escape(s.title)}</h1>
<div class="flex text-sm text-gray-500"><p class="ml-2">بقلم <a href="/authors/{i}">{s.author}</a></p><span>{s.published:%d/%m/%Y %H:%M}</span></div>
{_p(s.paragraphs)}
</article>
<section class="mt-8"><h2>اقرأ المزيد</h2><div class="grid">
<a href="/news/{i}b1"><h3>{escape(ARTICLES[(i + 2) % 100][1])}</h3></a>
<a href="/news/{i}b2"><h3>{escape(ARTICLES[(i + 3) % 100][1])}</h3></a></div></section></main></div></div>
<script id="__NEXT_DATA__" type="application/json">{{"props":{{"pageProps":{{"id":"{i}a7f"}}}}}}</script>
</body></html>"""
    return _b(
        Page(
            "app_shell",
            url,
            html,
            s,
            [s.author],
            None,
            [],
            site="sabqnext",
            site_name=name,
            timezone=tz,
        )
    )


def amp_b(i: int) -> Page:
    """AMP with microdata instead of JSON-LD."""
    tz = "Asia/Bahrain"
    s = story(i, tz)
    base, name = "https://bahrain-amp.example", "أخبار البحرين"
    url = f"{base}/amp/{i}.html"
    html = f"""<!doctype html>
<html amp lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(s.title)}</title>
<script async src="https://cdn.ampproject.org/v0.js"></script><link rel="canonical" href="{base}/{i}.html">
</head><body>
<header><a href="{base}/">{name}</a></header>
<article itemscope itemtype="https://schema.org/NewsArticle">
<meta itemprop="datePublished" content="{s.iso}">
<h1 itemprop="headline">{escape(s.title)}</h1>
<p class="byline"><span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">{s.author}</span></span></p>
<div itemprop="articleBody">{_p(s.paragraphs)}</div>
</article>
<amp-social-share type="whatsapp"></amp-social-share>
<footer>{name} © 2025</footer>
</body></html>"""
    return _b(
        Page("amp", url, html, s, [s.author], None, [], site="bahrain", site_name=name, timezone=tz)
    )


def blogger_b(i: int) -> Page:
    """Blogger's newer themes: <time class="published">, a labelled byline, <div> lines."""
    tz = "Africa/Casablanca"
    s = story(i, tz)
    base, name = "https://maroc-info.blogspot.example", "مغرب إنفو"
    url = f"{base}/{s.published:%Y/%m}/post-{i}.html"
    lines = "\n".join(f"<div>{escape(p)}</div>" for p in s.paragraphs)
    html = f"""<!DOCTYPE html>
<html dir="rtl"><head><meta charset="UTF-8"><title>{escape(s.title)}</title>
<meta content="{url}" property="og:url"></head>
<body class="version-1-3-3"><div class="page"><header class="centered-top-container"><h1><a href="{base}/">{name}</a></h1></header>
<main class="centered"><div class="post-outer-container"><div class="post">
<h3 class="post-title entry-title">{escape(s.title)}</h3>
<div class="post-header"><div class="byline post-author vcard"><span class="byline-label">بواسطة</span> <span class="fn">{s.author}</span></div>
<div class="byline post-timestamp"><time class="published" datetime="{s.iso}" title="{s.iso}">{_ar_date(s.published, MONTHS_MAGHREB, clock=False)}</time></div></div>
<div class="post-body entry-content float-container">{lines}</div>
<div class="post-footer"><div class="byline post-share-buttons"><a href="#">مشاركة</a></div></div>
</div></div></main></div></body></html>"""
    return _b(
        Page(
            "blogger",
            url,
            html,
            s,
            [s.author],
            None,
            ["مشاركة"],
            site="marocinfo",
            site_name=name,
            timezone=tz,
        )
    )


def wire_b(i: int) -> Page:
    """A national agency: the dateline in the first line, the agency in slashes, no author."""
    tz = "Asia/Qatar"
    s = story(i, tz, author=False)
    base, name = "https://qna-wire.example", "وكالة الأنباء الوطنية"
    url = f"{base}/ar-qa/News-Area/News/{s.published:%Y-%m/%d}/{i}"
    first = (
        f"الدوحة في {s.published.day} {MONTHS_EG[s.published.month - 1]} /قنا/ {s.paragraphs[0]}"
    )
    s.paragraphs = [first, *s.paragraphs[1:]]
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(s.title)}</title>
<meta property="og:type" content="article"><meta property="og:title" content="{escape(s.title)}">
<meta name="date" content="{s.published:%Y-%m-%dT%H:%M:%S%z}">
</head><body>{_nav(name, base)}
<div class="news-details"><h2 class="news-title">{escape(s.title)}</h2>
<div class="news-date">{s.published:%d/%m/%Y} | {s.published:%H:%M}</div>
<div class="news-body">{_p(s.paragraphs)}<p>/ق ن/ ع ب</p></div></div>
{_footer(name)}</body></html>"""
    return _b(
        Page("wire", url, html, s, [], None, ["/ق ن/ ع ب"], site="qna", site_name=name, timezone=tz)
    )


def liveblog_b(i: int) -> Page:
    """Live coverage without JSON-LD: entries with their times, a coverage byline."""
    tz = "Asia/Gaza"
    s = story(i, tz)
    base, name = "https://falastin-live.example", "فلسطين الآن"
    url = f"{base}/live/{i}"
    entries = "".join(
        f'<article class="liveblog-entry"><header><time>{(s.published + timedelta(minutes=10 * k)):%H:%M}</time></header>'
        f"<p>{escape(p)}</p></article>"
        for k, p in enumerate(s.paragraphs)
    )
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(s.title)} - {name}</title>
<meta property="og:type" content="article"><meta property="og:title" content="{escape(s.title)}">
<meta property="article:published_time" content="{s.iso}">
</head><body>{_nav(name, base)}
<main><h1>{escape(s.title)}</h1><p class="coverage">تغطية: {s.author}</p>
<div class="liveblog">{entries}</div></main>
{_footer(name)}</body></html>"""
    return _b(
        Page(
            "liveblog",
            url,
            html,
            s,
            [s.author],
            None,
            [f"تغطية: {s.author}"],
            site="falastin",
            site_name=name,
            timezone=tz,
        )
    )


def opinion_b(i: int) -> Page:
    """A column whose article:author is a profile URL; the name shows in an <h3>."""
    tz = "Asia/Riyadh"
    s = story(i, tz)
    base, name = "https://okaz-opinion.example", "عكاظ"
    url = f"{base}/articles/authors/{i}"
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(s.title)}</title>
<meta property="og:type" content="article"><meta property="og:title" content="{escape(s.title)}">
<meta property="article:author" content="https://www.facebook.com/okaz.writer.{i}">
<meta property="article:published_time" content="{s.iso}">
</head><body>{_nav(name, base)}
<div class="article-page"><h1>{escape(s.title)}</h1>
<div class="writer-card"><h3 class="article-writer"><a href="{base}/writers/{i}">{s.author}</a></h3></div>
<div class="article-text">{_p(s.paragraphs)}</div></div>
{_footer(name)}</body></html>"""
    return _b(
        Page(
            "opinion", url, html, s, [s.author], None, [], site="okaz", site_name=name, timezone=tz
        )
    )


def interview_b(i: int) -> Page:
    """ "أجرى الحوار" byline, a subtitle in an <h2>, س/ج paragraphs."""
    tz = "Africa/Khartoum"
    s = story(i, tz)
    base, name = "https://sudan-tribune-ar.example", "سودان تريبيون"
    url = f"{base}/interviews/{i}"
    lead = f"ضيفنا يتحدث عن {s.title} وعن التحديات المقبلة."
    qa = "".join(
        f"<p>{'س: ' if k % 2 == 0 else 'ج: '}{escape(p)}</p>" for k, p in enumerate(s.paragraphs)
    )
    s.paragraphs = [("س: " if k % 2 == 0 else "ج: ") + p for k, p in enumerate(s.paragraphs)]
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(s.title)}</title>
<meta property="og:type" content="article"><meta property="article:published_time" content="{s.iso}">
</head><body>{_nav(name, base)}
<div class="interview"><h1>{escape(s.title)}</h1><h2 class="sub-title">{escape(lead)}</h2>
<p class="meta">أجرى الحوار: {s.author}</p>
<div class="interview-body">{qa}</div></div>
{_footer(name)}</body></html>"""
    return _b(
        Page(
            "interview",
            url,
            html,
            s,
            [s.author],
            None,
            [f"أجرى الحوار: {s.author}"],
            site="sudantribune",
            site_name=name,
            timezone=tz,
            lead=lead,
        )
    )


def photo_story_b(i: int) -> Page:
    """Figures with captions between paragraphs, a lens credit, author in <meta name=author>."""
    tz = "Asia/Muscat"
    s = story(i, tz)
    base, name = "https://oman-lens.example", "عدسة عمان"
    url = f"{base}/gallery-story/{i}"
    credit = f"عدسة: {PEOPLE[(i + 3) % len(PEOPLE)]}"
    parts = []
    for k, p in enumerate(s.paragraphs):
        parts.append(f"<p>{escape(p)}</p>")
        if k == 1:
            parts.append(
                f'<figure><img src="/g/{i}.jpg" alt=""><figcaption>{escape(CAPTIONS[2])}</figcaption></figure><p class="credit">{credit}</p>'
            )
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(s.title)}</title>
<meta property="og:type" content="article"><meta name="author" content="{s.author}">
<meta property="article:published_time" content="{s.iso}">
</head><body>{_nav(name, base)}
<article><h1>{escape(s.title)}</h1><div class="story">{"".join(parts)}</div></article>
{_footer(name)}</body></html>"""
    return _b(
        Page(
            "photo_story",
            url,
            html,
            s,
            [s.author],
            None,
            [CAPTIONS[2], credit],
            site="omanlens",
            site_name=name,
            timezone=tz,
        )
    )


def video_b(i: int) -> Page:
    """A video page with a numeric publication line and no author."""
    tz = "Asia/Beirut"
    s = story(i, tz, author=False)
    base, name = "https://lbc-video.example", "ال بي سي فيديو"
    url = f"{base}/videos/watch/{i}"
    line = f"تاريخ النشر: {s.published:%Y/%m/%d - %H:%M}"
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(s.title)} | {name}</title>
</head><body>{_nav(name, base)}
<div class="video-wrap"><video src="/v/{i}.mp4" controls></video>
<h1>{escape(s.title)}</h1><div class="pub">{line}</div>
<div class="desc">{_p(s.paragraphs)}</div>
<div class="more-videos"><a href="{base}/videos/watch/{i + 1}">{escape(ARTICLES[(i + 1) % 100][1])}</a></div></div>
{_footer(name)}</body></html>"""
    return _b(
        Page("video", url, html, s, [], None, [line], site="lbcvideo", site_name=name, timezone=tz)
    )


def portal_b(i: int) -> Page:
    """An Egyptian portal: the byline bold at the top of the text, a comma after the weekday."""
    tz = "Africa/Cairo"
    s = story(i, tz)
    base, name = "https://youm-news.example", "اليوم نيوز"
    url = f"{base}/story/{s.published:%Y/%m/%d}/{i}"
    when = s.published
    date_line = (
        f"{WEEKDAYS[when.weekday()]}، {when.day} {MONTHS_EG[when.month - 1]} {when.year} "
        f"{when.hour % 12 or 12:02d}:{when.minute:02d} {'م' if when.hour >= 12 else 'ص'}"
    )
    byline = f"كتبت - {s.author}"
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(s.title)} | {name}</title>
</head><body>{_nav(name, base)}
<div class="article"><div class="article-header"><h1>{escape(s.title)}</h1><div class="date">{date_line}</div></div>
<div class="article-body"><p><strong>{byline}</strong></p>{_p(s.paragraphs)}
<div class="share">شارك</div></div>
<div class="comments"><p>{escape(DISCLAIMERS[0])}</p></div></div>
{_sidebar(base, s, tz, 3)}{_footer(name)}</body></html>"""
    return _b(
        Page(
            "portal",
            url,
            html,
            s,
            [s.author],
            None,
            [byline, date_line, DISCLAIMERS[0]],
            site="youm",
            site_name=name,
            timezone=tz,
        )
    )


SECOND_BATCH = [
    wordpress_b,
    drupal_b,
    legacy_php_b,
    app_shell_b,
    amp_b,
    blogger_b,
    wire_b,
    liveblog_b,
    opinion_b,
    interview_b,
    photo_story_b,
    video_b,
    portal_b,
]

FAMILIES = [
    (wordpress, 4), (drupal, 4), (legacy_asp, 4), (app_shell, 3), (amp, 3), (blogger, 3),
    (wire, 4), (liveblog, 3), (opinion, 3), (interview, 3), (photo_story, 3), (video, 3),
    (portal, 3),
]  # fmt: skip


def pages() -> list[Page]:
    """Every page of the corpus, each family drawing different stories."""
    out = []
    index = 0
    for family, count in FAMILIES:
        for _ in range(count):
            out.append(family(index))
            index += 1
    out += [family(index + k) for k, family in enumerate(SECOND_BATCH)]
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    for number, page in enumerate(pages()):
        stem = f"{number:02d}-{page.family}"
        (OUT / f"{stem}.html").write_bytes(page.html.encode(page.encoding))
        expected = json.dumps(page.expected(), ensure_ascii=False, indent=1)
        (OUT / f"{stem}.json").write_text(expected + "\n", encoding="utf-8")
    print(f"{len(pages())} pages in {OUT}")


if __name__ == "__main__":
    main()
