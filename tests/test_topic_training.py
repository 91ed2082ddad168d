"""`make train-topics` with `--corpus`: articles akhbar stored with their site's own section as
their topic teach the model a topic the training file lacks. A small training file and a small
stored corpus, in the test's own database."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest

from crawler.devtools.train_topics import load_examples
from crawler.devtools.train_topics import main as train
from crawler.text.topic import classify_content
from crawler.text.topic_model import TopicModel
from tests.data.topic_articles import ARTICLES
from tests.data.topic_dev import SECOND_ROUND, THIRD_ROUND

TRAINED = {"politics", "economy", "sports", "technology", "culture", "society"}
LABELLED = ARTICLES + SECOND_ROUND + THIRD_ROUND


def write_training_file(path) -> None:
    """ANT's shape: six topics, three publishers."""
    rows = [
        {
            "id": str(i),
            "source": "ABC"[i % 3],
            "section": topic,
            "topic": topic,
            "title": title,
            "text": f"{title}\n\n{body}",
        }
        for i, (topic, title, body) in enumerate(LABELLED)
        if topic in TRAINED
    ]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def stored(i: int, topic: str, title: str, body: str, site: str, **fields) -> dict:
    return {
        "_id": f"https://{site}.example/{topic}/{i}", "site": site, "title": title, "body": body,
        "topic": topic, "topic_method": "section", "topic_source": "site",
        "topic_confidence": 1.0, "language": "ar", "crawled_at": datetime.now(UTC), **fields,
    }  # fmt: skip


def test_stored_section_labelled_articles_teach_a_new_topic(db, mongo_uri, tmp_path, capsys):
    data = tmp_path / "train.jsonl.gz"
    write_training_file(data)
    health = [a for a in LABELLED if a[0] == "health"]
    religion = [a for a in LABELLED if a[0] == "religion"][:5]
    science = [a for a in LABELLED if a[0] == "science"]
    docs = [stored(i, *a, site="sehha" if i % 2 else "tibb") for i, a in enumerate(health[:-3])]
    docs += [stored(100 + i, *a, site="deen") for i, a in enumerate(religion)]  # too few
    # Not the site's section label: the model's own answer, a tag, a syndicated copy.
    docs += [stored(200 + i, *a, site="ilm", topic_method="model") for i, a in enumerate(science)]
    docs += [stored(300, *health[0], site="tags", topic_confidence=0.8)]
    docs += [stored(301, *health[1], site="copy", duplicate_of="https://tibb.example/x")]
    db.articles.insert_many(docs)

    out = tmp_path / "model.npz"
    args = [str(data), "--out", str(out), "--corpus", "--mongo-uri", mongo_uri,
            "--database", db.name, "--min-label-articles", "10"]  # fmt: skip
    assert train(args) == 0
    log = capsys.readouterr().out
    assert "corpus: health: 22 articles from 2 sites, used" in log
    assert "corpus: religion: 5 articles from 1 sites, left to the lexicons" in log

    model = TopicModel.load(out)
    assert set(model.labels) == TRAINED | {"health"}
    assert model.meta["publishers"]["health"] == 2
    assert "+ 22 stored articles" in model.meta["trained_on"]
    # The model now answers health itself, on articles it did not see.
    for _, title, body in health[-3:]:
        assert model.predict(title, body).topic == "health"
        assert classify_content(title, body, model=model).topic == "health"
    # Religion was left to the lexicons: the model cannot say it.
    assert "religion" not in model.labels
    # The same database gives the same model.
    again = tmp_path / "again.npz"
    assert train([*args[:1], "--out", str(again), *args[3:]]) == 0
    assert TopicModel.load(again).version == model.version


@pytest.mark.integration  # waits out the driver's server selection (5 s)
def test_an_unreachable_corpus_database_is_a_clear_error(tmp_path, capsys):
    data = tmp_path / "train.jsonl.gz"
    write_training_file(data)
    closed = "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=500"
    assert (
        train([str(data), "--out", str(tmp_path / "m.npz"), "--corpus", "--mongo-uri", closed]) == 2
    )
    assert "akhbar train-topics: cannot use mongodb://127.0.0.1:9/" in capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()


def test_weak_labels_narrow_broad_sections(tmp_path, capsys):
    """A science-and-technology section's health news and a world-news feed's crime news, filed
    by their publishers as technology and politics, are trained as health and society: the model
    learns them from real newsroom text (train_topics.WEAK_LABELS)."""
    health = [a for a in LABELLED if a[0] == "health"]
    society = [a for a in LABELLED if a[0] == "society"]
    unseen = health[-4:] + society[-4:]
    # Publishers A, B and C; health and crime news filed under the broad sections.
    filed = [(t, title, body) for t, title, body in LABELLED if t in TRAINED - {"society"}]
    filed += [("technology", title, body) for _, title, body in health[:-4]]
    filed += [("politics", title, body) for _, title, body in society[:-4]]
    rows = [
        {"id": str(i), "source": "ABC"[i % 3], "section": t, "topic": t, "title": title,
         "text": f"{title}\n\n{body}"}
        for i, (t, title, body) in enumerate(filed)
    ]  # fmt: skip
    data = tmp_path / "train.jsonl.gz"
    with gzip.open(data, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)

    out = tmp_path / "model.npz"
    assert train([str(data), "--out", str(out)]) == 0
    log = capsys.readouterr().out
    assert "articles of technology sections trained as health" in log
    assert "articles of politics sections trained as society" in log
    model = TopicModel.load(out)
    assert {"health", "society"} <= set(model.labels)
    assert model.meta["publishers"]["health"] == 3
    # What the lexicons were not sure of stays with its section: the relabelled are a part.
    relabelled = int(log.split(" articles of technology sections trained as health")[0].split()[-1])
    assert 0 < relabelled <= len(health) - 4
    # The model answers the narrower topics itself, on articles it did not see.
    answers = [model.predict(title, body).topic for _, title, body in unseen]
    assert answers.count("health") >= 3 and answers.count("society") >= 3, answers

    # Without weak labels the sections stay as filed.
    examples = load_examples(data, 2000, weak_labels=False)
    assert {e.topic for e in examples} == TRAINED - {"society"}
