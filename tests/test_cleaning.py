"""Cleaning functions on real-shaped inputs: normal forms, boilerplate, headlines, bylines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.text.boilerplate import (
    candidate_lines,
    is_curated_boilerplate,
    line_key,
    should_learn,
    strip_boilerplate,
)
from crawler.text.bylines import clean_authors
from crawler.text.cleaning import SiteKnowledge, clean_article
from crawler.text.normalize import matching_form, storage_form, storage_line
from crawler.text.titles import clean_title, site_names

# What a generic extractor returns for a Financial Times Arabic article republished on a WordPress
# site: a paywall teaser first, the theme's share box, comment prompt and mobile switcher last.
FT_EXTRACTED = """افتح ملخص المحرر مجانًا

تواجه الشركات الأوروبية ضغوطا متزايدة لخفض التكاليف مع تباطؤ الطلب في الصين وارتفاع أسعار الطاقة، بحسب مسؤولين تنفيذيين تحدثوا إلى فاينانشال تايمز.
وقال رئيس إحدى أكبر شركات الكيماويات إن «الوضع الحالي هو الأصعب منذ عقدين».

ويتوقع محللون أن تواصل الشركات إعلان خطط لتسريح العمال خلال الأشهر المقبلة.
شاركها.

اترك تعليقاً
Exit mobile version"""
FT_PARAGRAPHS = [
    "تواجه الشركات الأوروبية ضغوطا متزايدة لخفض التكاليف مع تباطؤ الطلب في الصين وارتفاع أسعار الطاقة، بحسب مسؤولين تنفيذيين تحدثوا إلى فاينانشال تايمز.",
    "وقال رئيس إحدى أكبر شركات الكيماويات إن «الوضع الحالي هو الأصعب منذ عقدين».",
    "ويتوقع محللون أن تواصل الشركات إعلان خطط لتسريح العمال خلال الأشهر المقبلة.",
]


def test_republished_ft_article_is_reduced_to_its_paragraphs():
    cleaned = clean_article(title="الشركات الأوروبية تحت الضغط", body=FT_EXTRACTED)
    assert cleaned.body.split("\n\n") == FT_PARAGRAPHS
    assert cleaned.curated_lines == [
        "افتح ملخص المحرر مجانًا",
        "شاركها.",
        "اترك تعليقاً",
        "Exit mobile version",
    ]


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        # Presentation forms (as PDFs and old CMSs emit them) become the letters they show.
        ("ﺍﻟﺴﻼﻡ ﻋﻠﻴﻜﻢ", "السلام عليكم"),
        ("ﻻ ﺗﻮﺟﺪ", "لا توجد"),
        # Tatweel goes; tashkeel stays: the stored text reads as the site wrote it.
        ("الرئيـــــس", "الرئيس"),
        ("قَالَ الوَزِيرُ", "قَالَ الوَزِيرُ"),
        ("مُـحَـمَّـد ﷺ", "مُحَمَّد صلى الله عليه وسلم"),
        # Bidi marks, zero-width spaces and joiners, BOM and soft hyphens go.
        ("\u200fالقاهرة\u200e (أ ف ب)\u202b", "القاهرة (أ ف ب)"),
        ("\ufeffكلمة\u200bأخرى\u00ad", "كلمةأخرى"),
        # ZWNJ stays between Persian letters, goes elsewhere.
        ("می\u200cخواهم \u200cنه", "می\u200cخواهم نه"),
        # NBSP and odd spaces folded; entities decoded once.
        ("عدد\u00a0السكان\u2009100\u202fمليون", "عدد السكان 100 مليون"),
        ("الأرباح &amp; الخسائر &lt;تقرير&gt; &amp;lt;", "الأرباح & الخسائر <تقرير> &lt;"),
        # Arabic-Indic digits are kept in the stored text (only matching folds them).
        ("ارتفع بنسبة ١٥٪", "ارتفع بنسبة ١٥٪"),
    ],
)
def test_storage_form_is_conservative(raw, stored):
    assert storage_form(raw) == stored


def test_storage_form_keeps_paragraphs_and_collapses_blank_lines():
    raw = "الفقرة الأولى.\r\n\r\n\r\n   \n\tالفقرة الثانية.\u2029الفقرة الثالثة.\n\n\n"
    assert storage_form(raw) == "الفقرة الأولى.\n\nالفقرة الثانية.\n\nالفقرة الثالثة."
    assert storage_line("عنوان\nعلى سطرين") == "عنوان على سطرين"


@pytest.mark.parametrize(
    ("raw", "matching"),
    [
        ("الأَسَد", "الاسد"),
        ("إسرائيل وآسيا وٱلقدس", "اسراييل واسيا والقدس"),
        ("مستشفى المدينة", "مستشفي المدينه"),
        ("ﺍﻟﺴﻼﻡ ﻋﻠﻴﻜﻢ", "السلام عليكم"),
        ("الرئيـــــس", "الرييس"),
        ("عام ٢٠٢٦ و۱۴۰۵", "عام 2026 و1405"),
        ("«قال» “said” ‘x’", '"قال" "said" \'x\''),
        ("نعم، لا؛ لماذا؟", "نعم, لا; لماذا?"),
        ("\u200fGaza\u200b  City", "gaza city"),
    ],
)
def test_matching_form_is_aggressive(raw, matching):
    assert matching_form(raw) == matching


def test_matching_form_joins_spellings_of_one_text():
    variants = ["الأَسَدُ يَزْأَرُ", "الاسد يزار", "الأسد يزأر", "ﺍﻷﺳﺪ ﻳﺰﺃﺭ", "الأســد يزأر"]
    assert len({matching_form(v) for v in variants}) == 1
    assert len({line_key(v) for v in variants}) == 1


@pytest.mark.parametrize(
    "line",
    [
        "شاركها.",
        "شارك هذا المقال",
        "Share this article",
        "فيسبوك تويتر واتساب",
        "اترك تعليقاً",
        "أضف تعليقا",
        "Exit mobile version",
        "اقرأ أيضا: الحكومة تعلن موعد الانتخابات",
        "اقرأ أيضاً",
        "للمزيد",
        "Lire aussi : le gouvernement annonce",
        "تابعونا على تلغرام وفيسبوك",
        "تابعوا آخر الأخبار عبر قناتنا على واتساب",
        "لمتابعة آخر الأخبار تابعونا على جوجل نيوز",
        "اشترك في النشرة البريدية",
        "حمل تطبيق الموقع على هاتفك",
        "افتح ملخص المحرر مجانًا",
        "© 2026 جميع الحقوق محفوظة لموقع الخبر",
        "جميع الحقوق محفوظة © نافذة الشرق 2026",
        "Tous droits réservés",
        "صورة: رويترز",
        "(صورة أرشيفية)",
        "Getty Images",
        "الوسوم: سوريا، لبنان، الأردن",
        "إعلان",
        "وقت القراءة: 3 دقائق",
        "5 min read",
    ],
)
def test_curated_boilerplate_lines(line):
    assert is_curated_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "شارك آلاف المتظاهرين في مسيرة وسط العاصمة للمطالبة بالإصلاح",
        "وقال الوزير إن جميع الحقوق محفوظة للعمال بموجب القانون الجديد الذي أقره البرلمان أمس بعد نقاش طويل استمر ساعات "
        * 3,
        "تابع الوزير جولته في المحافظات الجنوبية",
        "وأضاف أن التعليقات التي نشرها المسؤول أثارت جدلا واسعا",
        "الصورة التي نشرتها الوكالة أظهرت حجم الدمار في المدينة",
        "Copyright law in Egypt was amended last year",
        "Tags are often used by editors to group stories",
        "للمزيد من التفاصيل حول الخطة قال المتحدث إن الحكومة ستعقد مؤتمرا صحفيا غدا",
    ],
)
def test_story_sentences_are_not_boilerplate(line):
    assert not is_curated_boilerplate(line)


def test_learned_lines_go_only_from_the_ends():
    footer = "لإرسال أخباركم يرجى مراسلة بريد التحرير"
    story = ["الفقرة الأولى من الخبر.", footer, "الفقرة الأخيرة من الخبر."]
    learned = {line_key(footer)}
    # Between two story paragraphs the learned line is part of the story: kept.
    assert strip_boilerplate(story, learned).paragraphs == story
    # At the end, even behind curated lines, it goes.
    result = strip_boilerplate([*story[::2], footer, "شاركها"], learned)
    assert result.paragraphs == story[::2]
    assert result.learned == [footer] and result.curated == ["شاركها"]
    # Spelled with diacritics or tatweel, it is the same line.
    assert (
        strip_boilerplate(
            ["لإرسـال أخبارِكم يرجى مراسلة بريد التحرير", *story[::2]], learned
        ).paragraphs
        == story[::2]
    )


def test_candidates_are_short_lines_at_the_ends():
    paragraphs = [f"فقرة رقم {i}" for i in range(12)] + ["x" * 400]
    candidates = candidate_lines(paragraphs)
    assert candidates == ["فقرة رقم 0", "فقرة رقم 1", "فقرة رقم 2"] + [
        f"فقرة رقم {i}" for i in range(8, 12)
    ]


@pytest.mark.parametrize(
    ("seen_on", "site_articles", "expected"),
    [
        (5, 5, True),
        (12, 12, True),
        (4, 4, False),  # too few articles to tell
        (5, 40, False),  # a background sentence on a few stories of a busy site
        (30, 50, True),
        (3, 12, False),
    ],
)
def test_should_learn(seen_on, site_articles, expected):
    assert should_learn(seen_on, site_articles, min_articles=5, min_share=0.5) is expected


JAZEERA = site_names("الجزيرة نت", "aljazeera", "www.aljazeera.net")
SKY = site_names("سكاي نيوز عربية", "skynewsarabia", "www.skynewsarabia.com")


@pytest.mark.parametrize(
    ("title", "names", "learned", "expected"),
    [
        (
            "مجلس الأمن يصوت على قرار جديد - الجزيرة نت",
            JAZEERA,
            (),
            "مجلس الأمن يصوت على قرار جديد",
        ),
        (
            "مجلس الأمن يصوت على قرار جديد | الجزيرة.نت",
            JAZEERA,
            (),
            "مجلس الأمن يصوت على قرار جديد",
        ),
        ("Al Jazeera | مجلس الأمن يصوت", JAZEERA, (), "مجلس الأمن يصوت"),
        ("سكاي نيوز عربية | أسعار النفط ترتفع", SKY, (), "أسعار النفط ترتفع"),
        ("أسعار النفط ترتفع - اقتصاد - سكاي نيوز عربية", SKY, ["اقتصاد"], "أسعار النفط ترتفع"),
        ("الوزير: لا تراجع عن الإصلاحات", SKY, (), "الوزير: لا تراجع عن الإصلاحات"),
        ("غزة - القدس: طريق طويل", SKY, (), "غزة - القدس: طريق طويل"),
        ("مباراة القمة – نافذة الشرق", set(), ["نافذه الشرق"], "مباراة القمة"),
        ("الجزيرة نت", JAZEERA, (), "الجزيرة نت"),  # nothing but the name: kept
        ("عنوان   فيه\u200f مسافات ـ زائدة", set(), (), "عنوان فيه مسافات زائدة"),
        # The site's own name with a colon or an unspaced separator: cut; anything else kept.
        ("سكاي نيوز عربية: أسعار النفط ترتفع", SKY, (), "أسعار النفط ترتفع"),
        ("أسعار النفط ترتفع -سكاي نيوز عربية", SKY, (), "أسعار النفط ترتفع"),
        ("الجزيرة نت|مجلس الأمن يصوت", JAZEERA, (), "مجلس الأمن يصوت"),
        ("الوزير: الجزيرة نت نقلت الخبر", JAZEERA, (), "الوزير: الجزيرة نت نقلت الخبر"),
        ("الجزيرة: أمطار غزيرة على الشمال", JAZEERA, (), "الجزيرة: أمطار غزيرة على الشمال"),
        ("كوفيد-19: إصابات جديدة", SKY, (), "كوفيد-19: إصابات جديدة"),
    ],
)
def test_titles_lose_site_affixes(title, names, learned, expected):
    assert clean_title(title, names, learned) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["بقلم: أحمد منصور وسارة الخطيب"], ["أحمد منصور", "سارة الخطيب"]),
        (["كتب - محمد وليد العلي"], ["محمد وليد العلي"]),  # وليد is a name, not "and ليد"
        (["كتبت:هبة علي"], ["هبة علي"]),
        (["تقرير: ليلى حسن - القاهرة"], ["ليلى حسن"]),
        (["أحمد منصور - مراسل الجزيرة"], ["أحمد منصور"]),
        (["أحمد منصور، سارة الخطيب، وعلي حسن"], ["أحمد منصور", "سارة الخطيب", "علي حسن"]),
        (["By Jane Doe and John Smith, Staff Writers"], ["Jane Doe", "John Smith"]),
        (["Par Jean Dupont et Marie Curie"], ["Jean Dupont", "Marie Curie"]),
        (["رويترز"], ["رويترز"]),  # an agency alone stays
        (["أحمد منصور", "رويترز", "أ ف ب"], ["أحمد منصور"]),  # agencies go when a person is named
        (["https://www.aljazeera.net/author/ahmad"], []),
        (["الجزيرة نت"], []),  # the site itself
        (["admin"], []),
        (["فريق التحرير"], []),
        (["أحمد منصور", "أحمد  منصور", "أَحمد منصور"], ["أحمد منصور"]),
        (["وقال المتحدث باسم الوزارة في بيان صحفي إن الاجتماع سيعقد غدا في القاهرة"], []),
        ([None, 42, ""], []),
    ],
)
def test_authors_are_person_names(values, expected):
    assert clean_authors(values, JAZEERA) == expected


def test_modified_before_published_is_dropped():
    published = datetime(2026, 11, 20, 10, tzinfo=UTC)
    cleaned = clean_article(
        title="t",
        body="نص",
        published_at=published,
        modified_at=datetime(2026, 11, 10, tzinfo=UTC),
    )
    assert cleaned.modified_at is None and cleaned.modified_dropped
    same_day = datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert (
        clean_article(
            title="t", body="نص", published_at=published, modified_at=same_day
        ).modified_at
        == same_day
    )


def test_clean_article_uses_what_the_site_taught():
    footer = "موقع نافذة الشرق الإخباري"
    knowledge = SiteKnowledge(line_keys={line_key(footer)}, title_affixes={"نافذه الشرق"})
    cleaned = clean_article(
        title="خبر - نافذة الشرق",
        body=f"{footer}\n\nنص الخبر.\n\n{footer}",
        tags=["سياسة", "سياسة", " اقتصاد "],
        knowledge=knowledge,
    )
    assert cleaned.title == "خبر"
    assert cleaned.body == "نص الخبر."
    assert cleaned.learned_lines == [footer, footer]
    assert cleaned.tags == ["سياسة", "اقتصاد"]
