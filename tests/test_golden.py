"""akhbar against the golden extraction corpus (tests/golden): every page of every template family
read as the crawl reads it, with a registry entry that gives only the site's name and base URL.

`make bench` scores trafilatura and newspaper4k on the same pages beside akhbar.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from tests.golden import akhbar, body_f1, cases, date_ok, leftovers, same_people, same_text

CASES = cases()


def test_the_corpus_covers_the_families():
    families = Counter(case.family for case in CASES)
    assert len(CASES) >= 40
    assert len(families) >= 12
    assert min(families.values()) >= 3
    # Legacy pages are served in their own charset, declared only in a <meta>.
    legacy = [c for c in CASES if c.family == "legacy_asp"]
    assert all(c.expected["encoding"] == "windows-1256" for c in legacy)
    assert all(b"charset=windows-1256" in c.body for c in legacy)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_page(case):
    expected = case.expected
    got = akhbar(case)
    assert got.is_article, "taken for a listing"
    assert same_text(expected["title"], got.title), got.title
    assert body_f1(expected["body"], got.body) >= 0.98, got.body
    assert leftovers(expected, got.body) == []
    assert same_people(expected["authors"], got.authors), got.authors
    assert date_ok(expected, got.published_at), (got.published_at, expected["published_at"])
    assert same_text(expected["section"], got.section), got.section


def test_scores_reward_the_right_things():
    """The scoring itself: a body with a caption left in scores below one without, a date an
    hour off fails, a dateline's agency inside the story is not a leftover end mark."""
    case = next(c for c in CASES if c.family == "wordpress")
    expected = case.expected
    clean = "\n\n".join(expected["body"])
    caption = expected["boilerplate"][0]
    assert body_f1(expected["body"], clean) == 1.0
    assert body_f1(expected["body"], clean + "\n\n" + caption) < 1.0
    assert leftovers(expected, clean + "\n\n" + caption) == [caption]
    when = datetime.fromisoformat(expected["published_at"])
    assert date_ok(expected, when)
    assert not date_ok(expected, when.replace(hour=(when.hour + 1) % 24))
    assert not date_ok(expected, when.replace(tzinfo=None))
    wire = next(c for c in CASES if c.family == "wire")
    assert leftovers(wire.expected, "\n\n".join(wire.expected["body"])) == []
