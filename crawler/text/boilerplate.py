"""Boilerplate lines in article bodies: a curated list of known lines, and lines learned per site.

Removal works on whole paragraphs, compared in the matching normal form. A curated pattern is
strict enough to be removed anywhere; a learned line (one that recurs across many articles of a
site) is removed only from the leading or trailing run of the body, never from between two
paragraphs of the story.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from crawler.text.normalize import matching_form

# Paragraphs longer than this are never boilerplate candidates: site furniture is short.
MAX_CANDIDATE_CHARS = 300
# Learned lines are looked for among the first and last paragraphs only.
LEADING_CANDIDATES = 3
TRAILING_CANDIDATES = 5

# Matched against a whole paragraph in the matching form (diacritics off, alef/yeh/teh-marbuta
# folded, lower case, quotes and Arabic punctuation unified). Each pattern must be specific enough
# that no sentence of a story matches it.
_END = r"[\s.:!,;\-|>»«\"'…)(]*$"
CURATED = [
    # Share prompts and social buttons.
    r"(شاركها|شارك|شارك المقال|شارك الخبر|شارك هذا المقال|شارك هذا الخبر|مشاركه|انشر|"
    r"share|share this|share this article|share on (facebook|twitter|x|whatsapp)|partager|partagez)"
    + _END,
    r"(facebook|twitter|x|whatsapp|telegram|linkedin|email|print|فيسبوك|تويتر|واتساب|تلغرام|"
    r"طباعه|البريد الالكتروني|نسخ الرابط|copy link)"
    r"([\s,|/]+(facebook|twitter|x|whatsapp|telegram|linkedin|email|print|فيسبوك|تويتر|واتساب|"
    r"تلغرام|طباعه|البريد الالكتروني|نسخ الرابط|copy link))*" + _END,
    # Comment prompts.
    r"(اترك تعليقا|اترك تعليق|اضف تعليق|اضف تعليقا|التعليقات|تعليقات|لا توجد تعليقات|"
    r"leave a comment|leave a reply|comments|laisser un commentaire|\d+ تعليق(ات)?)" + _END,
    # Theme furniture: mobile switchers, back-to-top, reading time.
    r"(exit mobile version|go to top|back to top|العوده الي الاعلي|اعلي الصفحه|skip to content|"
    r"تخطي الي المحتوي)" + _END,
    r"(وقت القراءه|مده القراءه|قراءه)[:\s]*\d+\s*(دقيقه|دقايق|دقيقتان|دقيقتين|min)\.?" + _END,
    r"\d+\s*(min read|minutes? read|دقايق قراءه|دقيقه قراءه)" + _END,
    # "Read also" lines and the headline that follows on the same line.
    r"(اقرا|اقرا ايضا|اقرا كذلك|اقرا المزيد|اقرا ايضا علي|طالع ايضا|طالع|شاهد ايضا|شاهد|"
    r"اخبار ذات صله|مواضيع ذات صله|مقالات ذات صله|ذات صله|المزيد|للمزيد|"
    r"read more|read also|see also|related|related articles|lire aussi|a lire aussi|voir aussi)"
    r"\s*[:\-|>»«]+.{0,200}$",
    r"(اقرا ايضا|اقرا كذلك|اقرا المزيد|طالع ايضا|شاهد ايضا|اخبار ذات صله|مواضيع ذات صله|"
    r"مقالات ذات صله|ذات صله|للمزيد من الاخبار|للمزيد|المزيد من الاخبار|"
    r"read more|read also|see also|related articles|lire aussi|a lire aussi|voir aussi)" + _END,
    # Follow us / newsletter / app prompts.
    r"(تابعونا|تابعنا|تابعوا|للاطلاع علي|لمتابعه|follow us|suivez-nous|suivez nous)"
    r".{0,120}(فيسبوك|تويتر|انستغرام|انستجرام|تلغرام|تيليجرام|واتساب|يوتيوب|تيك توك|نبض|"
    r"جوجل نيوز|google news|facebook|twitter|instagram|telegram|whatsapp|youtube|tiktok|"
    r"x|قناتنا|صفحتنا|حسابنا|منصات التواصل|مواقع التواصل|وسايل التواصل|social media)" + _END,
    r"(اشترك|اشتركوا|سجل|للاشتراك)\s.{0,80}(النشره|النشرات|القايمه البريديه|newsletter|"
    r"قناتنا|بريدك).{0,40}$",
    r"(subscribe|sign up|abonnez-vous|inscrivez-vous).{0,80}(newsletter|our channel|lettre)" + _END,
    r"(حمل|حملوا|نزل|download).{0,40}(تطبيق|التطبيق|app|application).{0,80}" + _END,
    # Paywall and teaser lines.
    r"(افتح ملخص المحرر مجانا|اقرا المقال كاملا|اكمل القراءه|تابع القراءه|"
    r"هذا المحتوي للمشتركين فقط|للمشتركين فقط|continue reading|unlock the editor's digest for free|"
    r"subscribe to read|cet article est reserve aux abonnes|la suite est reservee aux abonnes)"
    + _END,
    # Copyright and rights lines.
    r"(©|\(c\)\s*\d{4}|copyright\s*(©|\(c\)|\d{4})|جميع الحقوق محفوظه|حقوق النشر محفوظه|"
    r"كل الحقوق محفوظه|all rights reserved|tous droits reserves).{0,160}$",
    r".{0,120}(جميع الحقوق محفوظه|حقوق النشر محفوظه|all rights reserved|tous droits reserves)"
    + _END,
    # Photo credits on their own line.
    r"(صوره|الصوره|صور|الصور|تصوير|عدسه|photo|photos|credit|image|source الصوره|"
    r"مصدر الصوره|getty images|afp|reuters)\s*[:\-/|(]\s*.{1,60}$",
    r"\(?(صوره|الصوره|photo)\s*\)?\s*[:\-]?\s*(رويترز|ا ف ب|اف ب|afp|reuters|ap|getty images|"
    r"epa|الاناضول|وكالات|ارشيفيه|ارشيف|arch|archives)\)?" + _END,
    r"\(?(getty images|afp|reuters|epa|ap photo|afp via getty images|shutterstock)\)?" + _END,
    # Tags and breadcrumbs left as a line.
    r"(الوسوم|كلمات مفتاحيه|الكلمات المفتاحيه|tags|mots-cles)\s*[:\-].{0,200}$",
    # Advertising.
    r"(اعلان|advertisement|publicite|sponsored|محتوي مدعوم|اعلانات)" + _END,
    # Disclaimers: the opinions are the writer's, not the site's (either order).
    r".{0,80}(راي|اراء|وجهه نظر)\s+(كاتبه|كاتبها|كتابها|اصحابها|صاحبها|صاحبه|الكاتب|المعلقين)"
    r".{0,60}(الموقع|الصحيفه|الجريده|القناه|المجله|الشبكه|التحرير|الناشر|المؤسسه)" + _END,
    r".{0,60}(الموقع|الصحيفه|الجريده|القناه|المجله|الشبكه)\s+(غير مسوول|لا يتحمل|لا تتحمل)"
    r".{0,120}$",
    # Comment policy under the story.
    r".{0,80}(اداب الحوار|اداب التعليق|سياسه التعليقات|شروط التعليق|شروط النشر|قواعد النشر|"
    r"حذف اي تعليق|يحتفظ الموقع بحق|التعليقات المسييه).{0,160}$",
    # An agency's end mark alone on a line: "-- وام --", "(رويترز)".
    r"[-–—(/\s]*(وام|واس|قنا|كونا|بنا|سانا|ومع|ا ف ب|اف ب|د ب ا|رويترز|الاناضول|شينخوا|"
    r"وكالات|الوكالات|reuters|afp|ap|dpa|wam|spa|qna|kuna|mena|ا ش ا)[-–—)/\s.]*$",
    # A story's tool row: print, send to a friend, font size.
    r"((نسخه للطباعه|نسخه للطبع|طباعه|اطبع|ارسل (الخبر |المقال |الموضوع )?(الي |ل)صديق|"
    r"ارسل لصديق|تكبير الخط|تصغير الخط|حفظ|print|email to a friend)[\s|/:\-]*){1,5}$",
    # An agency desk's initials closing a wire story: "/ق ن/ ع ب".
    r"[/\s]*(?:[^\W\d_]{1,2}[/\s]+){1,5}[^\W\d_]{0,2}[/\s]*$",
    # "Submitted by" lines of a CMS: "أرسلت بواسطة فلان في 2024/11/24 - 10:30".
    r"(ارسلت|ارسل|نشرت|نشر|كتبت|posted|submitted) (بواسطه|by)\s.{1,80}$",
    # A live-coverage badge left as a line.
    r"(مباشر|بث مباشر|تغطيه مباشره|تغطيه حيه|عاجل|live|breaking|en direct)" + _END,
]
CURATED_RE = re.compile("|".join(f"(?:{p})" for p in CURATED), re.IGNORECASE)
# Copyright and photo-credit patterns may only match short lines, even where they allow a tail.
MAX_CURATED_CHARS = 240


LATIN_ACCENTED = re.compile(r"[\u00c0-\u024f]")


def _pattern_form(text: str) -> str:
    """The matching form with Latin accents off too, so "réservés" and "reserves" agree."""
    form = matching_form(text)
    if not LATIN_ACCENTED.search(form):
        return form
    folded = unicodedata.normalize("NFKD", form)
    return "".join(c for c in folded if not unicodedata.combining(c) or "\u0600" <= c <= "\u06ff")


def is_curated_boilerplate(paragraph: str) -> bool:
    """True when the paragraph is one of the known boilerplate lines (share, follow, copyright...)."""
    if len(paragraph) > MAX_CURATED_CHARS:
        return False
    return CURATED_RE.match(_pattern_form(paragraph)) is not None


def line_key(text: str) -> str:
    """A stable short key of a line, in its matching form: the same line on every page shares it."""
    return form_key(matching_form(text))


def form_key(form: str) -> str:
    """`line_key` of a line already in the matching form."""
    return hashlib.blake2b(form.encode(), digest_size=8).hexdigest()


@dataclass
class Stripped:
    """A body with its boilerplate removed, and what was removed."""

    paragraphs: list[str]
    curated: list[str] = field(default_factory=list)
    learned: list[str] = field(default_factory=list)


def strip_boilerplate(paragraphs: list[str], learned: Iterable[str] = ()) -> Stripped:
    """Remove curated lines anywhere, and learned lines (by `line_key`) from the two ends only.

    The two ends are peeled paragraph by paragraph while the outermost one is boilerplate of
    either kind, so "story / site footer / share box" loses both trailing lines, while a learned
    line between two story paragraphs stays.
    """
    learned_keys = set(learned)
    result = Stripped(paragraphs=[])
    kept: list[str] = []
    for paragraph in paragraphs:
        if is_curated_boilerplate(paragraph):
            result.curated.append(paragraph)
        else:
            kept.append(paragraph)
    if learned_keys:
        start, end = 0, len(kept)
        while start < end and line_key(kept[start]) in learned_keys:
            result.learned.append(kept[start])
            start += 1
        while end > start and line_key(kept[end - 1]) in learned_keys:
            result.learned.append(kept[end - 1])
            end -= 1
        kept = kept[start:end]
    result.paragraphs = kept
    return result


def candidate_lines(paragraphs: list[str]) -> list[str]:
    """The paragraphs that could be site boilerplate: short ones among the first and last few."""
    n = len(paragraphs)
    positions = set(range(min(LEADING_CANDIDATES, n))) | set(
        range(max(0, n - TRAILING_CANDIDATES), n)
    )
    out = []
    for i in sorted(positions):
        text = paragraphs[i]
        if len(text) <= MAX_CANDIDATE_CHARS and matching_form(text):
            out.append(text)
    return out


def should_learn(
    articles_with_line: int, site_articles: int, min_articles: int, min_share: float
) -> bool:
    """Whether a line seen on `articles_with_line` of the `site_articles` articles a site published
    since the line first appeared is the site's boilerplate.

    Both conditions guard genuine text: a background sentence repeated across a short series of
    stories reaches neither many articles nor a large share of the site's output.
    """
    if articles_with_line < min_articles:
        return False
    return articles_with_line >= min_share * max(site_articles, articles_with_line)
