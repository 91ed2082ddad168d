"""Every recipe of docs/analysts.md, run against a crawled corpus and checked against the answer
computed directly from the documents."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from bson import json_util
from pymongo.errors import OperationFailure

from tests.analyst_corpus import corpus  # noqa: F401  (the module fixture)

DOC = Path(__file__).resolve().parent.parent / "docs" / "analysts.md"
BLOCK = re.compile(r"```(js|python)\n(.*?)```", re.S)
NOT_ON_THIS_SERVER = 238  # NotImplemented: FerretDB's answer to stages and operators it lacks


def recipes() -> dict[str, list[tuple[str, str]]]:
    """recipe name -> its code blocks (language, code), in order."""
    text = DOC.read_text(encoding="utf-8")
    found = {}
    parts = re.split(r"<!-- recipe: (\w+) -->", text)
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        body = body.split("\n## ", 1)[0]
        found[name] = BLOCK.findall(body)
    return found


def run_js(db, code: str):
    """A mongosh call of the form db.articles.aggregate([...]) or db.articles.find(filter, projection)."""
    match = re.match(r"\s*db\.articles\.(aggregate|find)\((.*)\)\s*$", code, re.S)
    assert match, f"not a recipe form this test runs: {code[:80]}"
    method, args = match.groups()
    args = re.sub(r'ISODate\("([^"]+)"\)', r'{"$date": "\1"}', args)
    parsed = json_util.loads(f"[{args}]", json_options=json_util.JSONOptions(tz_aware=True))
    if method == "aggregate":
        return list(db.articles.aggregate(parsed[0]))
    return list(db.articles.find(*parsed))


def expected(name: str, docs: list[dict]):
    """The recipe's answer, computed from the documents themselves."""
    if name == "stories_per_day":
        return dict(
            Counter(
                d["published_day"] for d in docs if d["duplicate_of"] is None and d["published_day"]
            )
        )
    if name == "most_syndicated":
        by_story = defaultdict(list)
        for d in docs:
            by_story[d["story_id"]].append(d)
        return {
            story: {
                "articles": len(members),
                "first": next(m["_id"] for m in members if m["duplicate_of"] is None),
                "first_site": next(m["site"] for m in members if m["duplicate_of"] is None),
                "sites": sorted({m["site"] for m in members}),
            }
            for story, members in by_story.items()
            if len(members) > 1
        }
    if name == "site_topic":
        return dict(Counter((d["site"], d["topic"]) for d in docs))
    if name == "term_in_range":
        start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
        return sorted(
            d["_id"] for d in docs
            if "البنك المركزي" in d["search_text"] and d["published_at"] and start <= d["published_at"] < end
        )  # fmt: skip
    if name == "language_share":
        counts = defaultdict(Counter)
        for d in docs:
            counts[d["site"]][d["language"]] += 1
        return {
            site: {lang: round(n / sum(c.values()), 3) for lang, n in c.items()}
            for site, c in counts.items()
        }
    raise AssertionError(f"no expectation for recipe {name}")


def js_result(name: str, rows: list[dict]):
    """The mongosh output in the shape of `expected`."""
    if name == "stories_per_day":
        return {r["_id"]: r["stories"] for r in rows}
    if name == "most_syndicated":
        return {r["_id"]: {"articles": r["articles"], "sites": sorted(r["sites"])} for r in rows}
    if name == "site_topic":
        return {(r["_id"]["site"], r["_id"]["topic"]): r["articles"] for r in rows}
    if name == "term_in_range":
        return sorted(r["_id"] for r in rows)
    if name == "language_share":
        counts = defaultdict(dict)
        for r in rows:
            counts[r["_id"]["site"]][r["_id"]["language"]] = r["articles"]
        return {
            s: {k: round(v / sum(c.values()), 3) for k, v in c.items()} for s, c in counts.items()
        }
    raise AssertionError(name)


RECIPES = recipes()


def test_the_document_has_every_recipe_the_issue_asks_for():
    assert set(RECIPES) == {
        "stories_per_day",
        "most_syndicated",
        "site_topic",
        "term_in_range",
        "language_share",
    }
    for name, blocks in RECIPES.items():
        assert [lang for lang, _ in blocks] == ["js", "python", "python"], (
            name
        )  # mongosh, pymongo, pandas


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_pymongo_and_pandas_recipes(corpus, name):  # noqa: F811
    docs = list(corpus.articles.find())
    truth = expected(name, docs)
    assert truth, f"the corpus gives {name} something to find"
    for _, code in RECIPES[name][1:]:
        scope = {"db": corpus, "pd": pd}
        exec(compile(code, f"docs/analysts.md:{name}", "exec"), scope)
        result = scope["result"]
        if name == "most_syndicated":
            result = {k: {**v, "articles": int(v["articles"])} for k, v in result.items()}
        assert result == truth, code


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_mongosh_recipes(corpus, name):  # noqa: F811
    docs = list(corpus.articles.find())
    truth = expected(name, docs)
    try:
        rows = run_js(corpus, RECIPES[name][0][1])
    except OperationFailure as exc:
        if exc.code == NOT_ON_THIS_SERVER:
            # Checked above through the pymongo variant, which runs on every server.
            pytest.skip(
                f"this server lacks what the mongosh recipe uses: {exc.details.get('errmsg')}"
            )
        raise
    result = js_result(name, rows)
    if name == "most_syndicated":
        truth = {k: {"articles": v["articles"], "sites": v["sites"]} for k, v in truth.items()}
    assert result == truth
