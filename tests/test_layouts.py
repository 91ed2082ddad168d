"""The rules behind extraction on pages without metadata, one by one, and where they must not fire
(the golden corpus, tests/test_golden.py, checks them together on whole pages)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from crawler.extract.article import extract_article
from crawler.extract.blocks import densest_block
from crawler.extract.classify import classify_page, text_stats
from crawler.extract.metadata import extract_metadata
from crawler.extract.pages import looks_like_app_shell
from crawler.extract.urls import is_page_variant
from crawler.extract.visible import is_date_line
from crawler.text.boilerplate import is_curated_boilerplate
from crawler.text.bylines import clean_authors
from crawler.text.dates import parse_date
from crawler.text.normalize import matching_form

BASE = "http://legacy.example"
SENTENCE = (
    "أعلنت الوزارة اليوم عن خطة جديدة لتطوير شبكة الطرق في المحافظات الجنوبية خلال العام المقبل"
)


def verdict(html: str, url: str):
    sel = Selector(text=html)
    return classify_page(url, extract_metadata(sel), text_stats(sel))


def legacy_page(paragraphs: int = 5, extra: str = "") -> str:
    text = "<br><br>".join(f"{SENTENCE} رقم {i}." for i in range(paragraphs))
    return (
        "<html><body><table><tr><td class='menu'><a href='default.asp'>الرئيسية</a> | "
        "<a href='section.asp?id=1'>محليات</a></td></tr>"
        f"<tr><td><font size='4'><b>عنوان الخبر المحلي المهم</b></font></td></tr>{extra}"
        f"<tr><td class='text'><font face='Tahoma'>{text}</font></td></tr></table></body></html>"
    )


def test_a_legacy_table_story_is_an_article_by_its_text_block():
    result = verdict(legacy_page(), f"{BASE}/news.asp?id=1033")
    assert result.is_article and result.reason == "text_block"


def test_a_listing_of_teasers_with_summaries_is_not_an_article():
    teasers = "".join(
        f"<div class='item'><h3><a href='/news.asp?id={i}'>عنوان الخبر رقم {i} في القسم</a></h3>"
        f"<p>{SENTENCE}.</p></div>"
        for i in range(8)
    )
    html = f"<html><body><div class='list'>{teasers}</div></body></html>"
    assert not verdict(html, f"{BASE}/list.asp?cat=2").is_article
    # The same summaries as siblings in one container: a link for every stretch of text.
    flat = "".join(
        f"<h3><a href='/news.asp?id={i}'>عنوان الخبر رقم {i}</a></h3><p>{SENTENCE}.</p>"
        for i in range(8)
    )
    html = f"<html><body><div class='list'>{flat}</div></body></html>"
    block = densest_block(Selector(text=html).root)
    assert block.segments == 8 and block.links == 8
    assert not verdict(html, f"{BASE}/list.asp?cat=2").is_article


def test_legacy_listing_scripts_and_page_variants():
    assert verdict(legacy_page(), f"{BASE}/section.asp?id=1").reason == "listing_url"
    assert verdict(legacy_page(), f"{BASE}/print.asp?id=1033").reason == "page_variant"
    for url in ("/print.asp?id=1", "/sendfriend.asp?id=2", "/print/123", "/email.php?id=4",
                "/send_to_friend.php?x=1"):  # fmt: skip
        assert is_page_variant(BASE + url), url
    for url in ("/news.asp?id=3", "/2024/01/print-media-law", "/news/printing"):
        assert not is_page_variant(BASE + url), url


def test_a_page_nested_thousands_deep_does_not_break_the_block_walk():
    html = "<html><body>" + "<div>" * 5000 + f"<p>{SENTENCE}</p>" + "</div>" * 5000
    block = densest_block(HtmlResponse(url=BASE, body=html.encode()).selector.root)
    assert block.segments <= 1


def test_legacy_fields_from_the_page():
    date_line = (
        "<tr><td><font size='1'>تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً</font></td></tr>"
    )
    byline = "<tr><td><b>بقلم : سامي الجبوري</b></td></tr>"
    html = legacy_page(extra=date_line + byline).replace(
        "<html><body>",
        "<html><head><title>الرأي نيوز :: عنوان الخبر المحلي المهم</title></head><body>",
    )
    article = extract_article(html, f"{BASE}/news.asp?id=1", tz=ZoneInfo("Asia/Amman"))
    assert article.title == "عنوان الخبر المحلي المهم"  # shown, not the <title> with the site
    assert article.published_at == datetime(2020, 4, 24, 18, 22, tzinfo=UTC)
    assert clean_authors(article.authors) == ["سامي الجبوري"]
    assert "تم نشره" not in article.body and "بقلم" not in article.body
    assert "الرئيسية" not in article.body and article.body.startswith(SENTENCE)


def test_sidebar_dates_never_stand_for_the_story():
    html = f"""<html><head><meta name="DC.Date" content="2024-11-24T10:30:00+03:00"></head><body>
    <aside class="sidebar"><ul><li><a href="/a">خبر آخر</a> <time datetime="2023-01-01T00:00:00Z">قديم</time></li></ul></aside>
    <h1>عنوان</h1><p>{SENTENCE}.</p><p>{SENTENCE}.</p><p>{SENTENCE}.</p></body></html>"""
    article = extract_article(html, f"{BASE}/n/1")
    assert article.published_at == datetime(2024, 11, 24, 7, 30, tzinfo=UTC)
    # Without the Dublin Core date, the sidebar's <time> is still not the story's.
    html = html.replace('<meta name="DC.Date" content="2024-11-24T10:30:00+03:00">', "")
    assert extract_article(html, f"{BASE}/n/1").published_at != datetime(2023, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "line, is_date",
    [
        ("الجمعة 24 نيسان 2020 09:22 مساءً", True),
        ("٢٤ أفريل ٢٠٢٠", True),
        ("القاهرة 3 ديسمبر 2024", True),
        ("14:25 - 10/12/2023", True),
        ("ويعتمد اللبنانيون منذ سنوات على المولدات في ظل أزمة منذ عام 2019.", False),
        ("نشر الجيش بيانا عام 2024 عن العملية", False),
    ],
)
def test_date_lines_are_dates_and_nothing_else(line, is_date):
    assert is_date_line(matching_form(line)) is is_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", datetime(2020, 4, 24, 18, 22)),
        ("نشر في ٣ آذار ٢٠٢٥ ١١:٠٥ صباحاً", datetime(2025, 3, 3, 8, 5)),
        ("تاريخ النشر : الثلاثاء 3 ديسمبر 2024 03:09 مساءً", datetime(2024, 12, 3, 12, 9)),
    ],
)
def test_visible_date_lines_parse(text, expected):
    assert parse_date(text, ZoneInfo("Asia/Riyadh")) == expected.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "line, curated",
    [
        ("المقال يعبر عن رأي كاتبه ولا يعكس بالضرورة وجهة نظر الصحيفة.", True),
        ("التعليقات المنشورة تعبر عن رأي أصحابها ولا تعبر بالضرورة عن رأي الموقع.", True),
        ("نرجو الالتزام بآداب الحوار، ويحتفظ الموقع بحق حذف أي تعليق مخالف.", True),
        ("-- أ ف ب --", True),
        ("/ق ن/ ع ب", True),
        ("نسخة للطباعة | أرسل الخبر لصديق", True),
        ("أرسلت بواسطة وائل عثمان في 2023/10/26 - 22:57", True),
        ("عدسة: عمر الفاروق", True),
        ("مباشر", True),
        # A story's sentences that look like them.
        ("وقال المتحدث إن التصريحات لا تعبر عن رأي الحكومة.", False),
        (
            "وأكد أن البيان يعبر عن رأي كاتبه فقط وفق ما ذكرت الصحيفة البريطانية التي نشرته أمس",
            False,
        ),
        ("وأرسل الوزير رسالة إلى نظيره الفرنسي بشأن الاتفاق التجاري الجديد.", False),
    ],
)
def test_curated_lines(line, curated):
    assert is_curated_boilerplate(line) is curated


def test_byline_words():
    assert clean_authors(["أجرى الحوار: ريم عبد الله"]) == ["ريم عبد الله"]
    assert clean_authors(["تغطية: محمد العلي"]) == ["محمد العلي"]
    assert clean_authors(["نشر بواسطة حسن الدباغ"]) == ["حسن الدباغ"]


def test_bylines_from_the_page_not_from_datelines_or_bios():
    html = f"""<html><body><h1>عنوان المقال</h1>
    <div class="writer-box"><div class="writer-name">بقلم: <a href="/w/1">يوسف الشامي</a></div>
    <div class="writer-bio">كاتب وباحث في الشؤون العربية، له عدة مؤلفات.</div></div>
    <p>(أبوظبي - البيان) - {SENTENCE}.</p><p>{SENTENCE}.</p><p>{SENTENCE}.</p></body></html>"""
    article = extract_article(html, f"{BASE}/opinion/1")
    assert clean_authors(article.authors) == ["يوسف الشامي"]
    wire = html.replace('<div class="writer-box">', '<div class="x">').replace(
        '<div class="writer-name">بقلم: <a href="/w/1">يوسف الشامي</a></div>', ""
    )
    wire = wire.replace('<div class="writer-bio">', "<div>")
    assert clean_authors(extract_article(wire, f"{BASE}/opinion/1").authors) == []


def test_app_shells_are_told_from_short_pages():
    shell = (
        "<html><head><script src='/app.js'></script></head><body><div id='app'>"
        "<div class='spinner'>جاري التحميل...</div></div></body></html>"
    )
    sel = Selector(text=shell)
    assert looks_like_app_shell(sel.root, text_stats(sel))
    # A short static page with no script is not a shell; nor is a full page with a root div.
    static = "<html><body><p>صفحة قصيرة</p></body></html>"
    sel = Selector(text=static)
    assert not looks_like_app_shell(sel.root, text_stats(sel))
    full = shell.replace("<div class='spinner'>جاري التحميل...</div>", f"<p>{SENTENCE}</p>" * 6)
    sel = Selector(text=full)
    assert not looks_like_app_shell(sel.root, text_stats(sel))


def test_relative_and_hijri_date_lines_under_the_headline():
    now = datetime.now(UTC)
    body = f"<p>{SENTENCE}.</p>" * 3
    html = f"<html><body><h1>عنوان الخبر</h1><span class='time'>نشر منذ 3 ساعات</span>{body}</body></html>"
    published = extract_article(html, f"{BASE}/n/2").published_at
    assert published is not None and abs((now - published).total_seconds() - 3 * 3600) < 600
    hijri = "الأحد 22 جمادى الأولى 1446 هـ الموافق 24 نوفمبر 2024 م"
    html = f"<html><body><h1>عنوان الخبر</h1><div class='date'>{hijri}</div>{body}</body></html>"
    article = extract_article(html, f"{BASE}/n/3", tz=ZoneInfo("Asia/Riyadh"))
    assert article.published_at == datetime(2024, 11, 23, 21, 0, tzinfo=UTC)
    assert hijri not in article.body
    # A short story line with a relative word is not a date line.
    html = f"<html><body><h1>عنوان الخبر</h1><p>وصل الوفد أمس إلى العاصمة</p>{body}</body></html>"
    assert extract_article(html, f"{BASE}/n/4").published_at is None


def test_a_date_line_after_its_bold_label_is_read_whole():
    body = f"<p>{SENTENCE}.</p>" * 3
    html = (
        "<html><body><h1>عنوان الخبر</h1><div class='date'><b>نشر في:</b> "
        f"3 مارس 2025 - 11:05 ص</div>{body}</body></html>"
    )
    article = extract_article(html, f"{BASE}/n/5", tz=ZoneInfo("Asia/Riyadh"))
    assert article.published_at == datetime(2025, 3, 3, 8, 5, tzinfo=UTC)
