"""Benchmark: how well and how fast akhbar labels topics (`make bench`; prints, asserts nothing).

1. Leave-one-publisher-out on the training collection (ANT, `TOPICS_TRAIN`): for each publisher,
   a model trained on the others labels its articles, alone and inside the full content path
   (`classify_content`: model, lexicons, `other`); scored against the labels it was trained on
   (the sections with their weak labels, `train_topics.WEAK_LABELS`) and against the publishers'
   own sections. Needs the training file and scikit-learn (the
   `train` extra); skipped with a line when either is missing.
2. The held-out set (`tests/data/topic_heldout.py`: articles over all 10 topics, written after
   the model and the lexicons were last changed) through the shipped model.
3. Milliseconds per article of the content path, on the held-out articles.

Targets (issue 17): leave-one-publisher-out accuracy >= 0.88 on the trained topics; per-topic
recall >= 0.85 on each topic of the held-out set; `other` <= 5% of articles that have a topic;
<= 1 ms per article (median).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from crawler import settings
from crawler.items import TOPICS
from crawler.text.language import text_sample
from crawler.text.topic import classify_content
from crawler.text.topic_model import TopicModel, shipped_model

TRAIN = Path(os.environ.get("TOPICS_TRAIN", "../shared/data/topics-train/ant_train.jsonl.gz"))


def scores(truth: list[str], answers: list[str]) -> dict:
    """Accuracy, macro-F1 over the true topics, recall per topic, and the share of articles with
    a topic answered `other`."""
    topics = sorted(set(truth))
    recall, f1 = {}, []
    for topic in topics:
        hits = sum(t == a == topic for t, a in zip(truth, answers, strict=True))
        relevant = sum(t == topic for t in truth)
        answered = sum(a == topic for a in answers)
        recall[topic] = hits / relevant
        precision = hits / answered if answered else 0.0
        f1.append(2 * precision * recall[topic] / (precision + recall[topic]) if hits else 0.0)
    topical = [a for t, a in zip(truth, answers, strict=True) if t != "other"]
    return {
        "n": len(truth),
        "accuracy": sum(t == a for t, a in zip(truth, answers, strict=True)) / len(truth),
        "macro_f1": sum(f1) / len(f1),
        "recall": recall,
        "other": sum(a == "other" for a in topical) / max(1, len(topical)),
    }


def show(name: str, result: dict) -> None:
    recall = " ".join(f"{t} {r:.2f}" for t, r in result["recall"].items())
    print(
        f"  {name:<22} n={result['n']:<5} accuracy {result['accuracy']:.3f} "
        f"macro-F1 {result['macro_f1']:.3f} other {result['other']:.1%} | recall: {recall}"
    )


def leave_one_publisher_out() -> None:
    print(f"Leave-one-publisher-out on {TRAIN}:")
    if not TRAIN.exists():
        print("  skipped: no training file (set TOPICS_TRAIN)")
        return
    try:
        from crawler.devtools import train_topics
    except ImportError:
        print("  skipped: scikit-learn missing (pip install -e '.[train]')")
        return
    shipped = shipped_model()
    examples = train_topics.load_examples(TRAIN, settings.TOPIC_SAMPLE_CHARS)
    labels = tuple(sorted({e.topic for e in examples}))

    def predict(vectorizer, svm, example) -> str:
        meta = {**shipped.meta, "labels": list(labels)}
        key = id(svm)
        if key not in models:
            models.clear()
            models[key] = TopicModel.from_fitted(vectorizer, svm, meta)
        model = models[key]
        body = text_sample(None, example.body, settings.TOPIC_SAMPLE_CHARS)
        alone.append(model.predict(example.title, body).topic)
        return classify_content(example.title, body, model=model).topic

    models: dict[int, TopicModel] = {}
    alone: list[str] = []
    _, answers = train_topics.leave_one_publisher_out(
        examples, labels, predict, log=lambda line: None
    )
    # `alone` was filled in fold order; put it back in example order.
    order = [
        i
        for s in sorted({e.source for e in examples})
        for i, e in enumerate(examples)
        if e.source == s
    ]
    model_answers = [""] * len(examples)
    for i, answer in zip(order, alone, strict=True):
        model_answers[i] = answer
    seen = train_topics.seen_mask(examples)
    picked = [i for i in range(len(examples)) if seen[i]]
    sections_seen = train_topics.seen_mask(examples, by_section=True)
    by_section = [i for i in range(len(examples)) if sections_seen[i]]
    weak = train_topics.relabelled(examples)
    print(f"  weak labels (section -> trained as): {dict(weak.most_common())}")
    for name, found in (("model alone", model_answers), ("model + lexicons", answers)):
        print(f" {name}, against the training labels (topics the other publishers have too):")
        for source in sorted({e.source for e in examples}):
            mine = [i for i in picked if examples[i].source == source]
            show(source, scores([examples[i].topic for i in mine], [found[i] for i in mine]))
        show("pooled", scores([examples[i].topic for i in picked], [found[i] for i in picked]))
        # Against the publishers' own sections: BBC Arabic's and Sky News Arabia's "technology"
        # are science-and-technology sections (the training file's README), so science and
        # health answers there count as technology; every other difference counts as an error
        # (a crime story of a world-news feed answered society among them).
        # Over the articles whose section the other publishers have too (society is one
        # publisher's section only).
        sections = [examples[i].section_topic for i in by_section]
        mapped = [
            "technology" if s == "technology" and found[i] in ("science", "health") else found[i]
            for s, i in zip(sections, by_section, strict=True)
        ]
        show("pooled, vs sections", scores(sections, mapped))
        known = set(sections)
        outside = Counter(found[i] for i in by_section if found[i] not in known)
        print(f"  answers outside the sections' topics: {dict(outside.most_common())}")


def held_out() -> list[tuple[str, str]]:
    from tests.data.topic_heldout import ARTICLES

    model = shipped_model()
    print(f"Held-out set ({len(ARTICLES)} articles, model {model.version}):")
    truth, answers, methods = [], [], Counter()
    for topic, title, body in ARTICLES:
        guess = classify_content(title, text_sample(None, body, settings.TOPIC_SAMPLE_CHARS))
        truth.append(topic)
        answers.append(guess.topic)
        methods[guess.method] += 1
    show("all", scores(truth, answers))
    missing = sorted(set(TOPICS) - set(truth))
    if missing:
        print(f"  topics without articles: {', '.join(missing)}")
    for (topic, title, _), answer in zip(ARTICLES, answers, strict=True):
        if topic != answer:
            print(f"    {topic:>10} -> {answer:<10} {title[:60]}")
    print(f"  decided by: {dict(methods)}")
    return [(title, body) for _, title, body in ARTICLES]


def speed(articles: list[tuple[str, str]], name: str) -> None:
    """The content path's time per article, each article once, as a crawl meets it: new text
    every time, so no memoized fold is reused across articles."""
    timings = []
    for title, body in articles:
        start = time.perf_counter()
        classify_content(title, text_sample(None, body, settings.TOPIC_SAMPLE_CHARS))
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(
        f"Content path on {name} ({len(articles)}): median {statistics.median(timings):.2f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)]:.2f} ms per article"
    )


def real_articles() -> list[tuple[str, str]]:
    """Every fourth article of the training collection: real lengths (the held-out items are a
    few sentences, and the body sample is up to `TOPIC_SAMPLE_CHARS`)."""
    if not TRAIN.exists():
        return []
    try:
        from crawler.devtools import train_topics
    except ImportError:
        return []
    examples = train_topics.load_examples(TRAIN, settings.TOPIC_SAMPLE_CHARS, weak_labels=False)
    return [(e.title, e.body) for e in examples[::4]]


def main() -> None:
    articles = held_out()
    speed(articles, "the held-out items")
    real = real_articles()
    if real:
        speed(real, "training-collection articles")
    if "--no-lopo" not in sys.argv:
        leave_one_publisher_out()


if __name__ == "__main__":
    main()
