"""Topic of an article: the site's own section first, a transparent lexicon classifier otherwise,
and the article's salient keywords.

Everything works on the matching normal form (`crawler.text.normalize`); nothing is downloaded.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from crawler.items import TOPICS
from crawler.text.normalize import matching_form, words

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

# Clitics: the article with the conjunctions and prepositions fused to it, then single letters.
ARTICLE_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "لل", "ال")
LETTER_PREFIXES = ("و", "ف", "ب", "ل", "ك")


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
