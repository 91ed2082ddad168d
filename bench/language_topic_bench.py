"""Benchmark: milliseconds per article for the language and topic stages, short and long articles.

Targets (issue 4): median <= 5 ms for each stage, long (3,000 words) no more than 1.5x short
(100 words). Prints figures; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import time

from bench.figures import median_p95
from crawler import settings
from crawler.text.language import detect_language, text_sample
from crawler.text.topic import annotate_topic
from tests.data.topic_articles import ARTICLES

ROUNDS = 60


def article_of(words: int, offset: int) -> tuple[str, str]:
    """A title and a body of about `words` words, built from the held-out test articles."""
    paragraphs: list[str] = []
    count = 0
    index = offset
    while count < words:
        _, _, body = ARTICLES[index % len(ARTICLES)]
        paragraphs.append(body)
        count += len(body.split())
        index += 1
    return ARTICLES[offset % len(ARTICLES)][1], "\n\n".join(paragraphs)


def language_stage(title: str, body: str) -> None:
    detect_language(text_sample(title, body, settings.LANGUAGE_SAMPLE_CHARS))


def topic_stage(title: str, body: str) -> None:
    annotate_topic(
        title,
        body,
        url="https://news.example/a/1",
        sample_chars=settings.TOPIC_SAMPLE_CHARS,
        keyword_limit=settings.TOPIC_KEYWORDS,
    )


def measure(stage, words: int) -> tuple[float, float]:
    timings = []
    for i in range(ROUNDS):
        title, body = article_of(words, i)
        start = time.perf_counter()
        stage(title, body)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return median_p95(timings)


def main() -> None:
    language_stage("تحميل", "تحميل ملفات التعريف مرة واحدة قبل القياس")  # profile load, once
    for name, stage in (("language", language_stage), ("topic", topic_stage)):
        short = measure(stage, 100)
        long = measure(stage, 3000)
        print(
            f"{name:<8} short(100 words) median {short[0]:5.2f} ms p95 {short[1]:5.2f} ms | "
            f"long(3000 words) median {long[0]:5.2f} ms p95 {long[1]:5.2f} ms | "
            f"long/short {long[0] / short[0]:.2f}x"
        )


if __name__ == "__main__":
    main()
