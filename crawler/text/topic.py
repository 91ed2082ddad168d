"""Topic of an article: the site's own section first, then the trained model
(`crawler.text.topic_model`) with the lexicons beside it, and the article's salient keywords.

The model knows the topics its training data has (eight, with the weak labels of
`crawler.devtools.train_topics`); the lexicons are the evidence for the others (religion, and
`other`'s service pages) and a second opinion on the rest. Everything works on the
matching normal form (`crawler.text.normalize`); nothing is downloaded.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from crawler.items import TOPICS
from crawler.text.language import text_sample
from crawler.text.normalize import matching_form, words
from crawler.text.topic_model import Prediction, TopicModel, shipped_model

DATA = Path(__file__).resolve().parents[1] / "data"


def _load_yaml(name: str) -> dict:
    with (DATA / name).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


# The tables live in crawler/data/ (tuning a word is a data change, not a code change); loaded
# once per process, at import.
# Section labels sites use, in the matching form -> topic (topic_sections.yaml groups them).
SECTION_TOPICS: dict[str, str] = {
    label: topic for topic, labels in _load_yaml("topic_sections.yaml").items() for label in labels
}
# Weighted stems per topic (matching form); "=word" matches the whole word only.
LEXICON: dict[str, dict[str, float]] = _load_yaml("topic_lexicon.yaml")
STOPWORDS = frozenset(
    matching_form(line.strip())
    for line in (DATA / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)

# Lexicon evidence is *strong* at this score with this margin over the runner-up (classify_content;
# the training's weak labels use the same bar).
STRONG_SCORE = 8.0
STRONG_MARGIN = 0.5

# A timetable (prayer times, an imsakiya, a train or TV schedule) is a service page: this many
# times of day in the sample, as clocks ("5:32") or as hours in words before a time of day or a
# colon ("السابعة مساء", "الحادية عشرة:"), on the matching form. Real news carries one or two
# (15 of the training collection's 7,716 article samples have three or more: match fixtures,
# festival programmes, a raid's timeline; the model is sure of nearly all).
TIMETABLE_TIMES = 3
_CLOCK = re.compile(r"(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:])")
_HOUR_WORDS = re.compile(
    r"(?<!\w)(?:ال)?(?:واحده|ثانيه|ثالثه|رابعه|خامسه|سادسه|سابعه|ثامنه|تاسعه|عاشره|حاديه)"
    r"(?: عشره)? ?(?::|صباحا|مساء|ظهرا|عصرا|ليلا|فجرا)"
)

# Clitics: the article with the conjunctions and prepositions fused to it, then single letters.
ARTICLE_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "لل", "ال")
LETTER_PREFIXES = ("و", "ف", "ب", "ل", "ك")


@dataclass(frozen=True)
class TopicGuess:
    """A topic of the taxonomy, a confidence in [0, 1], and where it came from: `source` is
    `site` or `content` (the schema's), `method` the path that decided: `section` (the site's
    section, tags, URL or topic_map), `model`, `lexicon`, or `none` (`other`: no evidence)."""

    topic: str
    confidence: float
    source: str
    method: str = "lexicon"


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
                return TopicGuess(topic, confidence, "site", "section")
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


@lru_cache(maxsize=200_000)
def _word_hits(word: str) -> tuple[tuple[str, float], ...]:
    """The lexicon entries one word (matching form) hits, under its first form that hits any.
    Memoized: news vocabulary repeats from article to article, and this lookup was most of the
    lexicons' cost (about 200,000 words, a few tens of MB at most)."""
    index = _lexicon_index()
    for form in _candidates(word):
        hits = tuple(
            (topic, value)
            for stem, exact, topic, value in index.get(form[:2], ())
            if (form == stem if exact else form.startswith(stem))
        )
        if hits:
            return hits
    return ()


def topic_scores(title: str, body: str) -> dict[str, float]:
    """Lexicon score per topic for an article; title words count double."""
    scores: Counter[str] = Counter()
    for text, weight in ((title or "", 2.0), (body or "", 1.0)):
        for word in words(matching_form(text)):
            for topic, value in _word_hits(word):
                scores[topic] += value * weight
    return dict(scores)


def is_timetable(title: str, body: str) -> bool:
    """Whether the text reads as a timetable (`TIMETABLE_TIMES` times of day or more). Reads the
    title's and the body's matching forms apart: `topic_scores` folded both already (memoized),
    while folding them joined would fold a new 2,000-character string per article."""
    texts = [matching_form(title or ""), matching_form(body or "")]
    times = sum(len(_CLOCK.findall(text)) for text in texts)
    if times < TIMETABLE_TIMES:
        times += sum(len(_HOUR_WORDS.findall(text)) for text in texts)
    return times >= TIMETABLE_TIMES


def is_strong(
    scores: dict[str, float],
    lexicon: str | None,
    margin: float,
    strong_score: float = STRONG_SCORE,
    strong_margin: float = STRONG_MARGIN,
) -> bool:
    """Whether the lexicons' sure topic (`lexicon_topic`) is *strong* evidence."""
    return lexicon is not None and scores[lexicon] >= strong_score and margin >= strong_margin


def content_topic(
    title: str, body: str, *, min_confidence: float = 0.15, min_score: float = 4.0
) -> TopicGuess:
    """Topic from the text: the best-scoring lexicon, confidence = its margin over the runner-up.
    Below `min_score` or `min_confidence` the topic is `other`."""
    best, margin = lexicon_topic(topic_scores(title, body), min_confidence, min_score)
    if best is None:
        return TopicGuess("other", round(margin, 3), "content", "none")
    return TopicGuess(best, round(margin, 3), "content", "lexicon")


def lexicon_topic(
    scores: dict[str, float], min_confidence: float, min_score: float
) -> tuple[str | None, float]:
    """The lexicons' topic (None below `min_score` or `min_confidence`) and its margin over the
    runner-up."""
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] < min_score:
        return None, 0.0
    best, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    margin = (top - runner_up) / top
    return (best if margin >= min_confidence else None), margin


def classify_content(
    title: str,
    body: str,
    *,
    model: TopicModel | None = None,
    min_probability: float = 0.5,
    lexicon_overrule: float = 0.6,
    thin_overrule: float = 0.9,
    strong_score: float = STRONG_SCORE,
    strong_margin: float = STRONG_MARGIN,
    min_confidence: float = 0.15,
    min_score: float = 4.0,
) -> TopicGuess:
    """Topic from the text (`body` is the sample the stage reads). The lexicons are *sure* at a
    score of `min_score` and a margin of `min_confidence` over the runner-up, *strong* at
    `strong_score` and `strong_margin`; their *best* is their top topic at `min_score`, however
    close the runner-up. In this order:

    1. `other` when the lexicons' best is `other` (a weather bulletin, an obituary, a horoscope:
       a service page's format words outweigh any topic's) and the model is unsure (under
       `lexicon_overrule`) or the service words are strong; `other` too for a timetable
       (`is_timetable`: prayer times, a schedule) the model is unsure of, unless a topic's
       lexicon is strong;
    2. a topic the model was not trained on (religion; with an older model file, health and
       science too) when its lexicon is strong, or sure while the model is unsure: the model
       cannot say such a topic, only take the article elsewhere;
    3. a trained topic the lexicons are strong on while the model names another and is unsure:
       under `lexicon_overrule`, or under `thin_overrule` for a topic the model learnt mostly
       from one publisher (society: most of its training articles are one Tunisian radio's, and
       other newsrooms' police, court and accident news reads as politics to it);
    4. the model's topic when its probability is at least `min_probability`, or when it is the
       lexicons' best too (two kinds of evidence agree); `topic_confidence` is the model's
       probability, calibrated on unseen publishers;
    5. the lexicons' topic when they are sure;
    6. `other`, with the model's doubt (1 - its best probability) as confidence.

    The thresholds were tuned on leave-one-publisher-out predictions of the training collection
    and on `tests/data/topic_articles.py` + `topic_dev.py` (docs/decisions.md).
    """
    model = model or shipped_model()
    return decide(
        model.predict(title, body),
        topic_scores(title, body),
        model.labels,
        model.thin_labels,
        timetable=is_timetable(title, body),
        min_probability=min_probability,
        lexicon_overrule=lexicon_overrule,
        thin_overrule=thin_overrule,
        strong_score=strong_score,
        strong_margin=strong_margin,
        min_confidence=min_confidence,
        min_score=min_score,
    )


def decide(
    prediction: Prediction,
    scores: dict[str, float],
    labels: tuple[str, ...],
    thin_labels: frozenset[str],
    *,
    min_probability: float,
    lexicon_overrule: float,
    thin_overrule: float,
    strong_score: float,
    strong_margin: float,
    min_confidence: float,
    min_score: float,
    timetable: bool = False,
) -> TopicGuess:
    """`classify_content`'s rules on the model's prediction and the lexicons' scores (apart, so
    that the thresholds can be tuned on predictions computed once)."""
    lexicon, margin = lexicon_topic(scores, min_confidence, min_score)
    strong = is_strong(scores, lexicon, margin, strong_score, strong_margin)
    unsure = prediction.probability < lexicon_overrule
    untrained = lexicon is not None and lexicon not in labels
    thin = lexicon in thin_labels
    doubt = prediction.probability < thin_overrule if thin else unsure
    best = _best(scores, min_score)
    if best == "other" and (unsure or scores["other"] >= strong_score):
        guess = TopicGuess("other", round(margin, 3), "content", "lexicon")
    elif timetable and unsure and not strong:
        guess = TopicGuess("other", round(1.0 - prediction.probability, 3), "content", "lexicon")
    elif (untrained and (strong or unsure)) or (strong and doubt and lexicon != prediction.topic):
        guess = TopicGuess(lexicon, round(margin, 3), "content", "lexicon")
    elif prediction.probability >= min_probability or prediction.topic == best:
        guess = TopicGuess(prediction.topic, round(prediction.probability, 3), "content", "model")
    elif lexicon is not None:
        guess = TopicGuess(lexicon, round(margin, 3), "content", "lexicon")
    else:
        guess = TopicGuess("other", round(1.0 - prediction.probability, 3), "content", "none")
    return guess


def _best(scores: dict[str, float], min_score: float) -> str | None:
    """The lexicons' best-scoring topic at `min_score` or more, however close the runner-up."""
    if not scores:
        return None
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= min_score else None


def annotate_topic(
    title: str,
    body: str,
    *,
    section: str | None = None,
    tags: list[str] | None = None,
    url: str = "",
    topic_map: dict[str, str] | None = None,
    sample_chars: int = 2000,
    keyword_limit: int = 10,
    model: TopicModel | None = None,
    **thresholds: float,
) -> dict[str, Any]:
    """The topic fields of an article: the site's own section, tags, URL or `topic_map` first,
    then the text (`classify_content` on the body's first `sample_chars`); and its keywords.
    What the topic stage, `akhbar classify` and `akhbar reannotate` store."""
    model = model or shipped_model()
    sample = text_sample(None, body or "", sample_chars)
    guess = site_topic(section, tags or [], url, topic_map) or classify_content(
        title, sample, model=model, **thresholds
    )
    return {
        "topic": guess.topic,
        "topic_confidence": guess.confidence,
        "topic_source": guess.source,
        "topic_method": guess.method,
        "topic_model": model.version,
        "keywords": keywords(title, sample, keyword_limit),
    }


SURFACE_WORD = re.compile(r"[\w\u0600-\u06ff]+")


@lru_cache(maxsize=200_000)
def _keyword_stem(surface: str) -> str:
    """What `keywords` counts a written word as: its matching form without the article, or ""
    for a stop word, a number or a stem under three letters. Memoized: a crawl meets the same
    words article after article (folding them one by one was a tenth of the crawl process)."""
    folded = matching_form(surface)
    if folded in STOPWORDS or folded.isdigit():
        return ""
    stem = _strip_article(folded)
    return "" if len(stem) < 3 or stem in STOPWORDS else stem


def keywords(title: str, body: str, limit: int = 10) -> list[str]:
    """Up to `limit` salient words of the article, in their most frequent surface form.

    Stop words are dropped and the article with its fused clitics (ال، وال، بال، لل ...) is removed
    before counting, so "والحكومة", "للحكومة" and "الحكومة" count as one word.
    """
    # Stems in the order of their first appearance (dicts keep it; the sort below is stable, so
    # it breaks ties), each with its surface forms and how often each was written.
    counts: dict[str, int] = {}
    surfaces: dict[str, dict[str, int]] = {}
    for text, weight in ((title or "", 2), (body or "", 1)):
        for surface, times in Counter(SURFACE_WORD.findall(text)).items():
            stem = _keyword_stem(surface)
            if not stem:
                continue
            counts[stem] = counts.get(stem, 0) + weight * times
            forms = surfaces.setdefault(stem, {})
            forms[surface] = forms.get(surface, 0) + times
    ranked = sorted(counts, key=counts.__getitem__, reverse=True)
    # The most frequent surface form, the first written among equals (max keeps the first).
    return [max(forms, key=forms.__getitem__) for forms in map(surfaces.get, ranked[:limit])]
