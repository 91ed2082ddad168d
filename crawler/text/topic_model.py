"""The trained topic model: a linear classifier over character n-grams, shipped as one data file.

Trained by `make train-topics` (`crawler.devtools.train_topics`, scikit-learn, the `train` extra)
on real publisher-labelled Arabic news (the ANT corpus: see docs/decisions.md), and read here
with numpy alone: the vocabulary of character 2-5-grams inside words, their idf, one weight row
per n-gram and a temperature that turns the scores into calibrated probabilities. It knows the
topics its training data has (politics, economy, sports, technology, culture, society, and
health and science from the weak labels of the science-and-technology sections); the section
rules and the lexicons in `crawler.text.topic` do the rest.

Prediction costs a few hundred microseconds: each distinct word's n-grams are looked up once and
remembered (news vocabulary repeats from article to article), and the sums are numpy's.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from crawler.text.normalize import matching_form

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "topic_model.npz"
NGRAMS = (2, 5)
WORD_CACHE = 200_000  # distinct words whose n-gram indices are remembered
THIN_SHARE = 0.75  # a label with more of its training articles from one publisher is "thin"


def model_text(title: str, body_sample: str) -> str:
    """What the model reads: the headline and the body sample, in the matching form. Each is
    folded apart (the lexicons fold the same two strings, memoized) and joined by a space: the
    same text as folding them joined, whose line break became a space."""
    parts = (matching_form(title or ""), matching_form(body_sample or ""))
    return " ".join(part for part in parts if part)


def word_ngrams(word: str) -> list[str]:
    """The character n-grams of one word, padded with a space on each side (scikit-learn's
    `char_wb`): " سوق " gives " س", "سو", ... " سوق ". A word shorter than an n-gram counts once."""
    padded = f" {word} "
    grams = []
    low, high = NGRAMS
    for n in range(low, high + 1):
        if len(padded) <= n:
            grams.append(padded)
            break
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def analyzer(text: str) -> list[str]:
    """Every n-gram of every word of `text` (already in the matching form): the features the
    model was trained on (the training passes this same function to scikit-learn)."""
    return [gram for word in text.split() for gram in word_ngrams(word)]


@dataclass(frozen=True)
class Prediction:
    """The model's most likely topic, its probability, and every topic's."""

    topic: str
    probability: float
    probabilities: dict[str, float]


class TopicModel:
    """A trained model file, loaded; `predict` is safe to call from many threads of one process
    (the word cache only grows, and is cleared when full)."""

    def __init__(
        self,
        features: list[str],
        idf: np.ndarray,
        weights: np.ndarray,
        intercept: np.ndarray,
        meta: dict,
    ) -> None:
        self.index = {gram: i for i, gram in enumerate(features)}
        self.idf = idf.astype(np.float32)
        self.weights = weights.astype(np.float32)  # (features, labels)
        self.intercept = intercept.astype(np.float32)
        self.labels: tuple[str, ...] = tuple(meta["labels"])
        self.temperature = float(meta["temperature"])
        # Labels learnt from a single publisher, or mostly from one (over `THIN_SHARE` of their
        # training articles): such a label is one newsroom's style as much as a topic (see
        # crawler.text.topic.classify_content).
        shares = meta.get("main_publisher_share", {})
        self.thin_labels = frozenset(
            label
            for label, n in meta.get("publishers", {}).items()
            if n < 2 or shares.get(label, 0.0) > THIN_SHARE
        )
        self.meta = meta
        self._words: dict[str, np.ndarray] = {}
        self._empty = np.zeros(0, dtype=np.int32)

    @property
    def version(self) -> str:
        """The model's version (`topics-<hash of its content>`), as its file records it."""
        return self.meta["version"]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> TopicModel:
        """A model file written by `save_model`."""
        with np.load(path, allow_pickle=False) as data:
            return cls(
                data["features"].tobytes().decode("utf-8").split("\n"),
                data["idf"],
                data["weights"],
                data["intercept"],
                json.loads(data["meta"].tobytes().decode("utf-8")),
            )

    @classmethod
    def from_fitted(cls, vectorizer, svm, meta: dict) -> TopicModel:
        """A model straight from a fitted scikit-learn vectorizer and linear classifier (training
        and evaluation), its labels in `meta["labels"]` order."""
        features = [""] * len(vectorizer.vocabulary_)
        for gram, index in vectorizer.vocabulary_.items():
            features[index] = gram
        classes = list(svm.classes_)
        weights = np.zeros((len(features), len(meta["labels"])), dtype=np.float32)
        intercept = np.full(len(meta["labels"]), -1e4, dtype=np.float32)  # a label not learnt
        for column, label in enumerate(meta["labels"]):
            if label in classes:
                weights[:, column] = svm.coef_[classes.index(label)]
                intercept[column] = svm.intercept_[classes.index(label)]
        return cls(features, vectorizer.idf_, weights, intercept, meta)

    def save(self, path: Path) -> None:
        """Write the model file (compressed, no pickles; weights and idf as float16)."""
        features = [""] * len(self.index)
        for gram, index in self.index.items():
            features[index] = gram
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            features=np.frombuffer("\n".join(features).encode("utf-8"), dtype=np.uint8),
            idf=self.idf.astype(np.float16),
            weights=self.weights.astype(np.float16),
            intercept=self.intercept,
            meta=np.frombuffer(
                json.dumps(self.meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8
            ),
        )
        path.write_bytes(buffer.getvalue())

    def _word_features(self, word: str) -> np.ndarray:
        found = self._words.get(word)
        if found is None:
            index = self.index
            found = np.fromiter((index[g] for g in word_ngrams(word) if g in index), dtype=np.int32)
            if len(self._words) >= WORD_CACHE:
                self._words.clear()
            self._words[word] = found
        return found

    def scores(self, text: str) -> np.ndarray:
        """The linear scores per label of `text` (in the matching form): sublinear tf-idf,
        l2-normalised, times the weights, plus the intercept."""
        words = text.split()
        if not words:
            return self.intercept.copy()
        parts = [self._word_features(w) for w in words]
        features = np.concatenate(parts) if parts else self._empty
        if features.size == 0:
            return self.intercept.copy()
        ids, counts = np.unique(features, return_counts=True)
        values = (1.0 + np.log(counts, dtype=np.float32)) * self.idf[ids]
        values /= np.sqrt(np.dot(values, values))
        return values @ self.weights[ids] + self.intercept

    def predict(self, title: str, body_sample: str) -> Prediction:
        """Probabilities over the model's topics (a softmax of the scores at the temperature
        fitted on held-out predictions: a 0.8 is right about 80% of the time)."""
        scores = self.scores(model_text(title, body_sample)) / self.temperature
        scores = np.exp(scores - scores.max())
        probabilities = scores / scores.sum()
        best = int(probabilities.argmax())
        return Prediction(
            self.labels[best],
            float(probabilities[best]),
            {label: float(p) for label, p in zip(self.labels, probabilities, strict=True)},
        )


@lru_cache(maxsize=1)
def shipped_model() -> TopicModel:
    """The model file that ships with akhbar, loaded once per process."""
    return TopicModel.load()
