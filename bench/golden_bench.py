"""Benchmark: extraction quality on the golden corpus (tests/golden), akhbar beside trafilatura and
newspaper4k run on the same pages in the same invocation.

Per field: body F1 (bag of words against the expected paragraphs; mean and minimum), authors
(the exact set of people), published_at (within a minute, timezone-aware), title, section, the
page's non-story lines left in the body (captions, bylines, date lines, disclaimers), and pages
taken for something other than an article. Per family, akhbar's body F1 and the others'. Prints
figures; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections import defaultdict

from tests.golden import (
    Case,
    Extraction,
    akhbar,
    body_f1,
    cases,
    date_ok,
    day_ok,
    leftovers,
    newspaper_extraction,
    same_people,
    same_text,
    trafilatura_extraction,
)

EXTRACTORS = {
    "akhbar": akhbar,
    "trafilatura": trafilatura_extraction,
    "newspaper4k": newspaper_extraction,
}


def _score(case: Case, got: Extraction) -> dict[str, float]:
    expected = case.expected
    return {
        "body_f1": body_f1(expected["body"], got.body),
        "authors": float(same_people(expected["authors"], got.authors)),
        "published_at": float(date_ok(expected, got.published_at)),
        "published_day": float(day_ok(expected, got.published_at)),
        "title": float(same_text(expected["title"], got.title)),
        "section": float(same_text(expected["section"], got.section)),
        "leftovers": float(len(leftovers(expected, got.body))),
        "not_article": float(not got.is_article),
    }


def main() -> None:
    logging.disable(logging.WARNING)  # newspaper4k and trafilatura log each odd page
    corpus = cases()
    families = sorted({c.family for c in corpus})
    print(f"golden corpus: {len(corpus)} pages, {len(families)} template families")
    table: dict[str, dict[str, list[float]]] = {}
    by_family: dict[str, dict[str, list[float]]] = {}
    timings: dict[str, float] = {}
    for name, extract in EXTRACTORS.items():
        scores: dict[str, list[float]] = defaultdict(list)
        family_f1: dict[str, list[float]] = defaultdict(list)
        start = time.perf_counter()
        for case in corpus:
            try:
                got = extract(case)
            except Exception as error:  # a competitor failing on a page scores zero there
                print(f"  {name} failed on {case.name}: {type(error).__name__}: {error}")
                got = Extraction(False, None, "", [], None, None)
            for field, value in _score(case, got).items():
                scores[field].append(value)
            family_f1[case.family].append(body_f1(case.expected["body"], got.body))
        timings[name] = (time.perf_counter() - start) / len(corpus) * 1000
        table[name] = scores
        by_family[name] = family_f1

    names = list(EXTRACTORS)
    print(f"{'field':<22}" + "".join(f"{n:>14}" for n in names))
    rows = [
        ("body F1 mean", lambda s: statistics.mean(s["body_f1"])),
        ("body F1 min", lambda s: min(s["body_f1"])),
        ("authors", lambda s: statistics.mean(s["authors"])),
        ("published_at (±1 min)", lambda s: statistics.mean(s["published_at"])),
        ("published day", lambda s: statistics.mean(s["published_day"])),
        ("title", lambda s: statistics.mean(s["title"])),
        ("section", lambda s: statistics.mean(s["section"])),
        ("leftover lines", lambda s: sum(s["leftovers"])),
        ("not an article", lambda s: sum(s["not_article"])),
    ]
    for label, value in rows:
        cells = []
        for n in names:
            v = value(table[n])
            cells.append(
                f"{v:>14.0f}" if label in ("leftover lines", "not an article") else f"{v:>14.3f}"
            )
        print(f"{label:<22}" + "".join(cells))
    print(f"{'ms per page':<22}" + "".join(f"{timings[n]:>14.1f}" for n in names))
    print("body F1 by family:")
    for family in families:
        cells = "".join(f"{statistics.mean(by_family[n][family]):>14.3f}" for n in names)
        print(f"  {family:<20}{cells}")


if __name__ == "__main__":
    main()
