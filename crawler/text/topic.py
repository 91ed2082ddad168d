"""Topic of an article: the site's own section first, a transparent lexicon classifier otherwise,
and the article's salient keywords.

Everything works on the matching normal form (`crawler.text.normalize`); nothing is downloaded.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from crawler.text.normalize import matching_form, words

TOPICS = (
    "politics",
    "economy",
    "sports",
    "technology",
    "health",
    "culture",
    "science",
    "religion",
    "society",
    "other",
)

# Section labels sites use, in the matching form, -> topic. Arabic, English and French.
SECTION_TOPICS: dict[str, str] = {
    # politics
    "سياسه": "politics",
    "السياسه": "politics",
    "شوون سياسيه": "politics",
    "اخبار عربيه ودوليه": "politics",
    "عربي ودولي": "politics",
    "عربي وعالمي": "politics",
    "عالم": "politics",
    "العالم": "politics",
    "دولي": "politics",
    "دوليه": "politics",
    "اخبار دوليه": "politics",
    "شرق اوسط": "politics",
    "الشرق الاوسط": "politics",
    "برلمان": "politics",
    "انتخابات": "politics",
    "اخبار مصر": "politics",
    "اخبار لبنان": "politics",
    "politics": "politics",
    "world": "politics",
    "middle east": "politics",
    "middle-east": "politics",
    "international": "politics",
    "politique": "politics",
    "monde": "politics",
    # economy
    "اقتصاد": "economy",
    "الاقتصاد": "economy",
    "اقتصاد وبورصه": "economy",
    "مال واعمال": "economy",
    "المال والاعمال": "economy",
    "اعمال": "economy",
    "بورصه": "economy",
    "اسواق": "economy",
    "طاقه": "economy",
    "economy": "economy",
    "business": "economy",
    "markets": "economy",
    "finance": "economy",
    "economie": "economy",
    "économie": "economy",
    "bourse": "economy",
    # sports
    "رياضه": "sports",
    "الرياضه": "sports",
    "عالم الرياضه": "sports",
    "كره القدم": "sports",
    "كره قدم": "sports",
    "sport": "sports",
    "sports": "sports",
    "football": "sports",
    # technology
    "تكنولوجيا": "technology",
    "التكنولوجيا": "technology",
    "تقنيه": "technology",
    "علوم وتكنولوجيا": "technology",
    "علوم وتقنيه": "technology",
    "علوم و تكنولوجيا": "technology",
    "تكنولوجيا المعلومات": "technology",
    "technology": "technology",
    "tech": "technology",
    "technologie": "technology",
    "high-tech": "technology",
    "numerique": "technology",
    "numérique": "technology",
    # health
    "صحه": "health",
    "الصحه": "health",
    "صحه وطب": "health",
    "صحه وتغذيه": "health",
    "طب": "health",
    "health": "health",
    "sante": "health",
    "santé": "health",
    # culture
    "ثقافه": "culture",
    "الثقافه": "culture",
    "ثقافه وفنون": "culture",
    "فن": "culture",
    "فنون": "culture",
    "فن وثقافه": "culture",
    "منوعات": "culture",
    "سينما": "culture",
    "ادب": "culture",
    "culture": "culture",
    "arts": "culture",
    "entertainment": "culture",
    # science
    "علوم": "science",
    "العلوم": "science",
    "علم": "science",
    "بيئه": "science",
    "فضاء": "science",
    "science": "science",
    "sciences": "science",
    "environment": "science",
    "environnement": "science",
    # religion
    "دين": "religion",
    "دين ودنيا": "religion",
    "اسلاميات": "religion",
    "اسلامي": "religion",
    "religion": "religion",
    "faith": "religion",
    # society
    "مجتمع": "society",
    "المجتمع": "society",
    "حوادث": "society",
    "محليات": "society",
    "تعليم": "society",
    "قضايا": "society",
    "امن وقضاء": "society",
    "society": "society",
    "education": "society",
    "local": "society",
    "crime": "society",
    "societe": "society",
    "société": "society",
    "faits divers": "society",
}

# Weighted stems per topic (matching form). A stem matches a word that starts with it once
# clitics are removed; a stem written "=word" must match the whole word.
LEXICON: dict[str, dict[str, float]] = {
    "politics": {
        "حكوم": 2,
        "وزير": 1,
        "وزار": 1,
        "رئيس": 1,
        "رياس": 1,
        "برلمان": 2,
        "انتخاب": 2,
        "حزب": 2,
        "احزاب": 2,
        "سياس": 2,
        "دبلوماس": 2,
        "مفاوض": 2,
        "تفاوض": 2,
        "سفير": 2,
        "سفار": 2,
        "معارض": 1,
        "نواب": 2,
        "عسكر": 1,
        "جيش": 1,
        "قوات": 1,
        "هدنه": 2,
        "تهدي": 2,
        "اتفاق": 1,
        "قمه": 1,
        "دستور": 2,
        "استفتاء": 2,
        "نزاع": 1,
        "حرب": 1,
        "احتلال": 2,
        "خارجيه": 2,
        "اممي": 1,
        "مجلس": 1,
        "عقوبات": 1,
        "نازح": 1,
        "لاجي": 1,
        "ناخب": 2,
        "معاهد": 1,
        "وفد": 1,
        "اسري": 1,
        "انسحاب": 1,
    },
    "economy": {
        "اقتصاد": 2,
        "بنك": 2,
        "بنوك": 2,
        "مصرف": 2,
        "فايد": 2,
        "تضخم": 3,
        "اسعار": 1,
        "سعر": 1,
        "نفط": 2,
        "بورص": 3,
        "اسهم": 2,
        "استثمار": 2,
        "صادرات": 2,
        "واردات": 2,
        "تجار": 1,
        "ميزاني": 2,
        "عمله": 2,
        "دولار": 1,
        "دينار": 1,
        "جنيه": 1,
        "ريال": 1,
        "يورو": 1,
        "ناتج": 2,
        "نمو": 1,
        "قروض": 2,
        "قرض": 1,
        "ضريب": 2,
        "شركات": 1,
        "اسواق": 1,
        "تداول": 2,
        "مليار": 1,
        "انتاج": 1,
        "صناع": 1,
        "عجز": 1,
        "ديون": 2,
        "مستثمر": 2,
        "نقدي": 2,
        "موازن": 2,
        "برميل": 2,
        "=سوق": 1,
    },
    "sports": {
        "مباراه": 3,
        "مباريات": 3,
        "منتخب": 3,
        "دوري": 3,
        "كاس": 1,
        "بطوله": 3,
        "لاعب": 3,
        "مدرب": 3,
        "اهداف": 1,
        "=هدف": 1,
        "=هدفين": 2,
        "فريق": 1,
        "نادي": 2,
        "ملعب": 3,
        "اولمب": 3,
        "تاهل": 2,
        "نهايي": 2,
        "ميدالي": 3,
        "فوز": 1,
        "تعادل": 2,
        "ركله": 2,
        "جزاء": 1,
        "حارس": 1,
        "مونديال": 3,
        "فيفا": 3,
        "=كره": 1,
        "=قدم": 1,
        "سباق": 1,
        "=بطل": 1,
        "ابطال": 1,
        "شوط": 3,
        "هداف": 3,
        "انتقالات": 1,
        "متفرج": 2,
    },
    "technology": {
        "تكنولوج": 3,
        "تقني": 2,
        "ذكاء": 2,
        "اصطناعي": 2,
        "انترنت": 2,
        "تطبيق": 2,
        "هاتف": 2,
        "هواتف": 2,
        "ذكي": 1,
        "رقمي": 2,
        "حاسوب": 3,
        "برمج": 2,
        "بيانات": 1,
        "سيبراني": 3,
        "اختراق": 1,
        "منصه": 1,
        "منصات": 1,
        "ابل": 2,
        "غوغل": 3,
        "جوجل": 3,
        "مايكروسوفت": 3,
        "سامسونغ": 3,
        "روبوت": 2,
        "رقاق": 3,
        "موصلات": 3,
        "خوارزم": 3,
        "تشفير": 2,
        "كتروني": 1,
        "شريحه": 1,
        "معالج": 1,
        "حوسبه": 3,
        "مستخدم": 1,
    },
    "health": {
        "صحه": 2,
        "صحي": 2,
        "مستشفي": 3,
        "طبيب": 3,
        "اطباء": 3,
        "مرض": 2,
        "امراض": 2,
        "وباء": 3,
        "فيروس": 2,
        "لقاح": 3,
        "تطعيم": 3,
        "علاج": 2,
        "دواء": 2,
        "ادويه": 2,
        "مريض": 2,
        "مرضي": 2,
        "سرطان": 3,
        "سكري": 3,
        "كوليرا": 3,
        "حصبه": 3,
        "جراح": 2,
        "اسعاف": 2,
        "عدوي": 2,
        "وفيات": 1,
        "تغذيه": 2,
        "نفسي": 1,
        "صيدل": 2,
        "اعراض": 2,
        "طبي": 2,
        "سمنه": 3,
    },
    "culture": {
        "ثقاف": 2,
        "=فن": 2,
        "فنان": 3,
        "فنون": 3,
        "فيلم": 3,
        "افلام": 3,
        "سينما": 3,
        "مهرجان": 3,
        "معرض": 1,
        "كتاب": 1,
        "روايه": 3,
        "روايي": 3,
        "شاعر": 3,
        "شعر": 1,
        "مسرح": 3,
        "موسيق": 3,
        "غناء": 2,
        "مغني": 3,
        "تراث": 2,
        "متحف": 3,
        "اثار": 1,
        "ادب": 2,
        "جايزه": 1,
        "مسلسل": 3,
        "دراما": 3,
        "ممثل": 2,
        "رسام": 3,
        "لوحه": 2,
        "لوحات": 2,
        "ناشر": 2,
        "نشر": 1,
        "قصايد": 3,
        "عرض": 1,
        "جمهور": 1,
    },
    "science": {
        "علماء": 3,
        "علمي": 2,
        "باحث": 2,
        "بحث": 1,
        "دراسه": 2,
        "فضاء": 3,
        "كوكب": 3,
        "مجره": 3,
        "تلسكوب": 3,
        "ناسا": 3,
        "مركبه": 2,
        "=قمر": 2,
        "فلك": 3,
        "فيزياء": 3,
        "كيمياء": 3,
        "جينات": 3,
        "جيني": 2,
        "خلايا": 2,
        "احفور": 3,
        "مناخ": 2,
        "انبعاثات": 2,
        "مختبر": 2,
        "اكتشاف": 2,
        "نيزك": 3,
        "ديناصور": 3,
        "جزيي": 2,
        "مجله": 1,
        "عينات": 1,
        "انقراض": 3,
        "محيطات": 1,
        "حراري": 1,
        "مدار": 2,
    },
    "religion": {
        "=دين": 2,
        "ديني": 3,
        "مسجد": 3,
        "مساجد": 3,
        "كنيس": 3,
        "صلاه": 3,
        "صلوات": 3,
        "صيام": 3,
        "رمضان": 2,
        "=حج": 3,
        "حجاج": 3,
        "عمره": 2,
        "اوقاف": 3,
        "فتوي": 3,
        "مفتي": 3,
        "ازهر": 3,
        "فاتيكان": 3,
        "=بابا": 2,
        "اسلام": 2,
        "مسيحي": 3,
        "قران": 3,
        "زكاه": 3,
        "خطبه": 2,
        "شيخ": 1,
        "بطريرك": 3,
        "اقباط": 3,
        "شعاير": 3,
        "ديانه": 3,
        "مصلين": 3,
        "ايمان": 1,
        "كاتدراي": 3,
        "عيد": 1,
        "حسينيه": 3,
    },
    "society": {
        "مجتمع": 2,
        "اسره": 2,
        "اسر": 1,
        "اطفال": 1,
        "طفل": 1,
        "نساء": 1,
        "مراه": 1,
        "شباب": 1,
        "تعليم": 2,
        "مدارس": 2,
        "مدرسه": 2,
        "طلاب": 2,
        "بطاله": 2,
        "فقر": 2,
        "زواج": 2,
        "طلاق": 3,
        "سكان": 1,
        "حادث": 2,
        "حوادث": 2,
        "جريمه": 3,
        "شرطه": 3,
        "محكمه": 2,
        "مرور": 2,
        "اعتداء": 2,
        "فيضان": 2,
        "امطار": 1,
        "سيول": 2,
        "حريق": 2,
        "مهاجر": 1,
        "هجره": 1,
        "معلم": 2,
        "احياء": 1,
        "بلديه": 2,
        "متقاعد": 2,
        "سكني": 1,
        "مياه": 1,
        "كهرباء": 1,
        "جمعيات": 1,
    },
}

# Clitics: the article with the conjunctions and prepositions fused to it, then single letters.
ARTICLE_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "لل", "ال")
LETTER_PREFIXES = ("و", "ف", "ب", "ل", "ك")
STOPWORDS = frozenset(
    matching_form(w)
    for w in [
        "في",
        "من",
        "الى",
        "على",
        "عن",
        "مع",
        "هذا",
        "هذه",
        "ذلك",
        "تلك",
        "التي",
        "الذي",
        "الذين",
        "اللذين",
        "ان",
        "انه",
        "انها",
        "كان",
        "كانت",
        "يكون",
        "تكون",
        "قد",
        "لقد",
        "لم",
        "لن",
        "ما",
        "ماذا",
        "لا",
        "نعم",
        "او",
        "ام",
        "ثم",
        "حتى",
        "اذا",
        "اذ",
        "كما",
        "بين",
        "بعد",
        "قبل",
        "عند",
        "عندما",
        "حيث",
        "كل",
        "بعض",
        "غير",
        "مثل",
        "اي",
        "هو",
        "هي",
        "هم",
        "هن",
        "نحن",
        "انت",
        "انتم",
        "هناك",
        "هنا",
        "ايضا",
        "فقط",
        "منذ",
        "خلال",
        "حول",
        "ضد",
        "دون",
        "لدى",
        "امام",
        "وراء",
        "تحت",
        "فوق",
        "وقال",
        "قال",
        "قالت",
        "يقول",
        "تقول",
        "اضاف",
        "واضاف",
        "اكد",
        "واكد",
        "اشار",
        "واشار",
        "اوضح",
        "واوضح",
        "وفق",
        "وفقا",
        "حسب",
        "بحسب",
        "نحو",
        "عام",
        "العام",
        "اليوم",
        "امس",
        "غدا",
        "يوم",
        "الاول",
        "الثاني",
        "الثالث",
        "احد",
        "اخر",
        "اخري",
        "الي",
        "عليه",
        "عليها",
        "منه",
        "منها",
        "فيه",
        "فيها",
        "له",
        "لها",
        "لهم",
        "به",
        "بها",
        "بهم",
        "التى",
        "ولا",
        "وما",
        "وهو",
        "وهي",
        "الا",
        "لكن",
        "ولكن",
        "اما",
        "وقد",
        "كذلك",
        "جدا",
        "اكثر",
        "اقل",
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "by",
        "with",
        "as",
        "at",
        "from",
        "that",
        "this",
        "it",
        "its",
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "un",
        "une",
        "et",
        "en",
        "au",
        "aux",
        "pour",
        "par",
        "sur",
        "dans",
        "est",
        "sont",
        "qui",
        "que",
        "avec",
    ]
)


@dataclass(frozen=True)
class TopicGuess:
    """A topic of the taxonomy, a confidence in [0, 1], and where it came from."""

    topic: str
    confidence: float
    source: str  # "site" or "content"


def _strip_article(word: str) -> str:
    """ "والحكومه" -> "حكومه": the article and what is fused to it (safe: no root starts so)."""
    for prefix in ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix) :]
    return word


def _candidates(word: str) -> tuple[str, ...]:
    """The forms a word may be looked up under: as written, without the article, and without a
    single-letter clitic (و ف ب ل ك), since "وزير" is a root but "وقال" is و + قال."""
    bare = _strip_article(word)
    if bare != word:
        return (bare,)
    if word.startswith(LETTER_PREFIXES) and len(word) >= 5:
        return (word, word[1:])
    return (word,)


def _label_topic(label: str, table: dict[str, str], longest_first: list[str]) -> str | None:
    key = matching_form(label).strip(" -|/»>")
    if key in table:
        return table[key]
    # "أخبار الرياضة", "Sport - Football": the longest known label inside the label.
    padded = f" {key.replace('-', ' ')} "
    for known in longest_first:
        if f" {known} " in padded:
            return table[known]
    return None


def _url_segments(url: str) -> list[str]:
    path = unquote(urlsplit(url).path)
    return [part for part in re.split(r"[/]", path) if part and not part.isdigit()][:3]


def site_topic(
    section: str | None,
    tags: list[str],
    url: str,
    topic_map: dict[str, str] | None = None,
) -> TopicGuess | None:
    """The topic the site itself gives: registry `topic_map`, then the built-in section table, for
    the section label, then the tags, then the first URL path segments. None when none is known."""
    table = SECTION_TOPICS
    if topic_map:
        table = {**SECTION_TOPICS, **{matching_form(k): v for k, v in topic_map.items()}}
    longest_first = sorted(table, key=len, reverse=True)
    for labels, confidence in (
        ([section] if section else [], 1.0),
        (tags, 0.8),
        (_url_segments(url), 0.7),
    ):
        for label in labels:
            topic = _label_topic(label, table, longest_first)
            if topic in TOPICS:
                return TopicGuess(topic, confidence, "site")
    return None


@lru_cache(maxsize=1)
def _lexicon_index() -> dict[str, list[tuple[str, bool, str, float]]]:
    """Lexicon entries by their first two letters: a word is compared with a handful, not all."""
    index: dict[str, list[tuple[str, bool, str, float]]] = {}
    for topic, lexicon in LEXICON.items():
        for entry, weight in lexicon.items():
            exact = entry.startswith("=")
            stem = entry.lstrip("=")
            index.setdefault(stem[:2], []).append((stem, exact, topic, weight))
    return index


def topic_scores(title: str, body: str) -> dict[str, float]:
    """Lexicon score per topic for an article; title words count double."""
    index = _lexicon_index()
    scores: Counter[str] = Counter()
    for text, weight in ((title or "", 2.0), (body or "", 1.0)):
        for word in words(matching_form(text)):
            for form in _candidates(word):
                hits = [
                    (topic, value)
                    for stem, exact, topic, value in index.get(form[:2], ())
                    if (form == stem if exact else form.startswith(stem))
                ]
                if hits:
                    for topic, value in hits:
                        scores[topic] += value * weight
                    break
    return dict(scores)


def content_topic(
    title: str, body: str, *, min_confidence: float = 0.15, min_score: float = 4.0
) -> TopicGuess:
    """Topic from the text: the best-scoring lexicon, confidence = its margin over the runner-up.
    Below `min_score` or `min_confidence` the topic is `other`."""
    scores = topic_scores(title, body)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] < min_score:
        return TopicGuess("other", 0.0, "content")
    best, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    margin = (top - runner_up) / top
    if margin < min_confidence:
        return TopicGuess("other", round(margin, 3), "content")
    return TopicGuess(best, round(margin, 3), "content")


SURFACE_WORD = re.compile(r"[\w\u0600-\u06ff]+")


def keywords(title: str, body: str, limit: int = 10) -> list[str]:
    """Up to `limit` salient words of the article, in their most frequent surface form.

    Stop words are dropped and the article with its fused clitics (ال، وال، بال، لل ...) is removed
    before counting, so "والحكومة", "للحكومة" and "الحكومة" count as one word.
    """
    counts: Counter[str] = Counter()
    surfaces: dict[str, Counter[str]] = {}
    first_seen: dict[str, int] = {}
    # Each distinct word once, in the order of its first appearance (a Counter keeps it).
    for text, weight in ((title or "", 2), (body or "", 1)):
        for surface, times in Counter(SURFACE_WORD.findall(text)).items():
            folded = matching_form(surface)
            if folded in STOPWORDS or folded.isdigit():
                continue
            stem = _strip_article(folded)
            if len(stem) < 3 or stem in STOPWORDS:
                continue
            counts[stem] += weight * times
            surfaces.setdefault(stem, Counter())[surface] += times
            first_seen.setdefault(stem, len(first_seen))
    ranked = sorted(counts, key=lambda s: (-counts[s], first_seen[s]))
    return [surfaces[stem].most_common(1)[0][0] for stem in ranked[:limit]]
