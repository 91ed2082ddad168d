"""Train the topic model (`make train-topics`): `python -m crawler.devtools.train_topics DATA`.

DATA is the publisher-labelled training file (`../shared/data/topics-train/ant_train.jsonl.gz`:
see its README for counts, label mapping and the citation to keep). A linear SVM over sublinear
tf-idf of character 2-5-grams inside words (the features of `crawler.text.topic_model`), classes
weighted by their size (culture and society are the smallest), the `TOPIC_SAMPLE_CHARS` opening of
each body as the crawl's topic stage sees it, each article labelled with its section's topic or
a narrower one (`WEAK_LABELS`: health and science news of science-and-technology sections, crime
and accident news of world-news feeds). The probabilities are the scores' softmax at one
temperature, fitted on leave-one-publisher-out predictions: a model meets new publishers in
production, and its confidence should say how it does on those.

With `--corpus`, the articles akhbar itself stored with the site's own section as their topic
(`topic_method: section` from a section label, not from tags or the URL; no syndicated copies;
at most `--per-site-topic` of each site and topic) join the training file, each site a publisher
of its own: the way to teach the model the topics the training file lacks (religion, service
pages), and more newsrooms' health, science and society news than the weak labels give. A topic
with fewer than `--min-label-articles` such articles is left to the lexicons.

Needs scikit-learn (`pip install -e '.[train]'`); the crawl itself reads the result with numpy.
Deterministic: the same data gives the same file and the same version.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crawler import settings
from crawler.commands.options import database_options, on_database
from crawler.text.language import text_sample
from crawler.text.topic import is_strong, lexicon_topic, topic_scores
from crawler.text.topic_model import MODEL_PATH, TopicModel, analyzer, model_text

C = 0.5  # the SVM's regularisation: best of 0.1-2 in leave-one-publisher-out runs
MAX_FEATURES = 40_000  # the most frequent n-grams: as accurate as all ~160,000, a quarter the file
MIN_DF = 2


# Weak labels: the training file's sections are broader than akhbar's taxonomy. BBC Arabic's and
# Sky News Arabia's "technology" are science-and-technology sections (health and science news
# among them), and the world-news feeds filed as politics carry crime, court and accident news.
# An article of such a section that the lexicons are sure (or, for society, strong) about a
# narrower topic is trained as that topic: the model then learns health and science from real
# newsroom text, and society from six publishers instead of one (docs/decisions.md, Topics).
# (section topic, lexicon topic, needs strong lexicon evidence)
WEAK_LABELS = (
    ("technology", "health", False),
    ("technology", "science", False),
    ("politics", "society", True),
)


@dataclass
class Example:
    title: str
    body: str
    topic: str  # what the model is trained to answer
    source: str
    text: str = ""  # what the model reads
    # The publisher's section, as the file maps it (`topic` before weak labels).
    section_topic: str = ""

    def __post_init__(self) -> None:
        self.section_topic = self.section_topic or self.topic


def weak_label(example: Example, body_sample: str) -> str:
    """The topic `example` is trained as: its section's, or a narrower one by `WEAK_LABELS`."""
    scores = topic_scores(example.title, body_sample)
    lexicon, margin = lexicon_topic(scores, settings.TOPIC_MIN_CONFIDENCE, settings.TOPIC_MIN_SCORE)
    if lexicon is None:
        return example.topic
    strong = is_strong(scores, lexicon, margin)
    for section, topic, needs_strong in WEAK_LABELS:
        if example.topic == section and lexicon == topic and (strong or not needs_strong):
            return topic
    return example.topic


def corpus_examples(
    db, sample_chars: int, per_site_topic: int, min_label_articles: int, log=print
) -> list[Example]:
    """Stored articles whose topic is their site's own section label (see the module docstring),
    oldest `_id` first so that a rerun on the same database picks the same ones."""

    wanted = {"topic_method": "section", "topic_source": "site"}
    fields = {"title": 1, "body": 1, "topic": 1, "site": 1, "topic_confidence": 1,
              "duplicate_of": 1, "language": 1}  # fmt: skip
    taken: Counter[tuple[str, str]] = Counter()
    examples = []
    for doc in db.articles.find(wanted, fields).sort("_id", 1):
        if doc.get("topic_confidence") != 1.0 or doc.get("duplicate_of"):
            continue  # from tags or the URL, or a syndicated copy of a story counted already
        if doc.get("language") not in (None, "ar") or not doc.get("title") or not doc.get("body"):
            continue
        key = (doc.get("site") or "", doc["topic"])
        if taken[key] >= per_site_topic:
            continue
        taken[key] += 1
        example = Example(doc["title"], doc["body"], doc["topic"], f"site:{key[0]}")
        example.text = model_text(doc["title"], text_sample(None, doc["body"], sample_chars))
        examples.append(example)
    per_topic = Counter(e.topic for e in examples)
    kept = {t for t, n in per_topic.items() if n >= min_label_articles}
    for topic, n in sorted(per_topic.items()):
        sites = len({e.source for e in examples if e.topic == topic})
        verdict = "used" if topic in kept else f"left to the lexicons (< {min_label_articles})"
        log(f"  corpus: {topic}: {n} articles from {sites} sites, {verdict}")
    return [e for e in examples if e.topic in kept]


def load_examples(path: Path, sample_chars: int, weak_labels: bool = True) -> list[Example]:
    """The training file's rows (`text` is the headline, a blank line, then the body), with
    their weak labels (`WEAK_LABELS`) unless `weak_labels` is false."""
    examples = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            title = row["title"]
            text = row["text"]
            body = text.split("\n\n", 1)[1] if text.startswith(title) and "\n\n" in text else text
            example = Example(title, body, row["topic"], row["source"])
            sample = text_sample(None, body, sample_chars)
            example.text = model_text(title, sample)
            if weak_labels:
                example.topic = weak_label(example, sample)
            examples.append(example)
    return examples


def fit(texts: list[str], labels: list[str]):
    """A vectorizer and an SVM fitted on `texts`."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vectorizer = TfidfVectorizer(
        analyzer=analyzer, sublinear_tf=True, min_df=MIN_DF, max_features=MAX_FEATURES
    )
    matrix = vectorizer.fit_transform(texts)
    svm = LinearSVC(C=C, class_weight="balanced", random_state=0).fit(matrix, labels)
    return vectorizer, svm


def leave_one_publisher_out(
    examples: list[Example],
    labels: tuple[str, ...],
    predict: Callable[[object, object, Example], str] | None = None,
    log: Callable[[str], None] = print,
) -> tuple[np.ndarray, list[str]]:
    """For each publisher, fit on the others and score its articles. Returns the scores (one
    column per label of `labels`; a label the fold's training lacked gets -inf) and, when
    `predict` is given, its answer for each example (`predict(vectorizer, svm, example)`)."""
    scores = np.full((len(examples), len(labels)), -np.inf)
    answers = [""] * len(examples)
    for source in sorted({e.source for e in examples}):
        start = time.monotonic()
        train = [e for e in examples if e.source != source]
        test = [i for i, e in enumerate(examples) if e.source == source]
        vectorizer, svm = fit([e.text for e in train], [e.topic for e in train])
        fold = svm.decision_function(vectorizer.transform([examples[i].text for i in test]))
        columns = [labels.index(c) for c in svm.classes_]
        scores[np.ix_(test, columns)] = fold
        if predict is not None:
            for i in test:
                answers[i] = predict(vectorizer, svm, examples[i])
        log(f"  fold {source}: {len(test)} articles, {time.monotonic() - start:.0f}s")
    return scores, answers


def fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The temperature whose softmax gives the held-out predictions the least log loss."""
    best, best_loss = 1.0, np.inf
    for temperature in np.geomspace(0.02, 5.0, 200):
        z = scores / temperature
        z = z - z.max(axis=1, keepdims=True)
        log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -log_probs[np.arange(len(truth)), truth].mean()
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


def seen_mask(examples: list[Example], by_section: bool = False) -> np.ndarray:
    """The examples whose topic (with `by_section`, whose section's topic) the other publishers
    have too: no fold can learn a topic only the publisher it leaves out has."""
    keys = [e.section_topic if by_section else e.topic for e in examples]
    topics_of: dict[str, set[str]] = {}
    for e, key in zip(examples, keys, strict=True):
        topics_of.setdefault(e.source, set()).add(key)
    return np.array(
        [
            any(key in topics for source, topics in topics_of.items() if source != e.source)
            for e, key in zip(examples, keys, strict=True)
        ]
    )


def relabelled(examples: list[Example]) -> Counter[tuple[str, str]]:
    """How many articles of each section were trained as a narrower topic (section, topic)."""
    return Counter((e.section_topic, e.topic) for e in examples if e.topic != e.section_topic)


def main_share(sources: list[str]) -> float:
    """The share of `sources` that is its most frequent one."""
    return Counter(sources).most_common(1)[0][1] / len(sources)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="train_topics", description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, help="the training file (JSON lines, gzip)")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="model file to write")
    parser.add_argument(
        "--corpus", action="store_true", help="add stored articles labelled by their site's section"
    )
    parser.add_argument("--per-site-topic", type=int, default=400, help="with --corpus")
    parser.add_argument("--min-label-articles", type=int, default=100, help="with --corpus")
    database_options(parser)
    parser.set_defaults(command="train-topics")  # how on_database names the tool in a message
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"No training file at {args.data}", file=sys.stderr)
        return 1
    sample_chars = settings.TOPIC_SAMPLE_CHARS
    examples = load_examples(args.data, sample_chars)
    trained_on = f"{args.data.name}: {len(examples)} articles"
    if args.corpus:
        extra: list[Example] = []

        def read(db) -> int:
            extra.extend(
                corpus_examples(db, sample_chars, args.per_site_topic, args.min_label_articles)
            )
            return 0

        # The commands' own way to a database: a clear message and exit 2 when it cannot be read.
        status = on_database(args, read)
        if status:
            return status
        examples += extra
        trained_on += f" + {len(extra)} stored articles labelled by their site's section"
    for (section, topic), n in sorted(relabelled(examples).items()):
        print(f"weak labels: {n} articles of {section} sections trained as {topic}")
    labels = tuple(sorted({e.topic for e in examples}))
    print(f"{len(examples)} articles, topics {', '.join(labels)}; leave-one-publisher-out:")
    scores, _ = leave_one_publisher_out(examples, labels)
    truth = np.array([labels.index(e.topic) for e in examples])
    seen = seen_mask(examples)
    temperature = fit_temperature(scores[seen], truth[seen])
    accuracy = float((scores[seen].argmax(axis=1) == truth[seen]).mean())
    print(f"leave-one-publisher-out accuracy {accuracy:.3f}; temperature {temperature:.3f}")

    vectorizer, svm = fit([e.text for e in examples], [e.topic for e in examples])
    import sklearn

    meta = {
        "version": "",
        "labels": list(labels),
        "temperature": round(temperature, 4),
        "sample_chars": sample_chars,
        "trained_on": trained_on,
        "lopo_accuracy": round(accuracy, 4),
        # How many publishers each label was learnt from: one publisher's topic is its style as
        # much as the topic (crawler/text/topic.py lets strong lexicon evidence overrule it).
        "publishers": {
            label: len({e.source for e in examples if e.topic == label}) for label in labels
        },
        # ... and the share of its articles from the publisher it has most from.
        "main_publisher_share": {
            label: round(main_share([e.source for e in examples if e.topic == label]), 3)
            for label in labels
        },
        "trainer": f"scikit-learn {sklearn.__version__} LinearSVC C={C} balanced, "
        f"tf-idf sublinear, {len(vectorizer.vocabulary_)} features",
    }
    model = TopicModel.from_fitted(vectorizer, svm, meta)
    # The version names the content: the same data and settings give the same version.
    digest = hashlib.sha256(
        json.dumps(sorted(model.index.items()), ensure_ascii=False).encode()
        + model.weights.astype(np.float16).tobytes()
        + model.idf.astype(np.float16).tobytes()
    )
    meta["version"] = f"topics-{digest.hexdigest()[:10]}"
    model.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB), version {meta['version']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
