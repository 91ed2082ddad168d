"""The analyst commands against a crawled corpus: migrate, stats, search, export, report."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter

import pyarrow.parquet as pq
from bson import json_util

from crawler.devtools.demo import PROJECT_ROOT, crawl_env
from crawler.items import SCHEMA_VERSION
from crawler.store.corpus import derived_fields, search
from tests.analyst_corpus import corpus  # noqa: F401  (the module fixture)


def akhbar(db, *args: str) -> subprocess.CompletedProcess:
    uri = f"mongodb://{db.client.address[0]}:{db.client.address[1]}"
    return subprocess.run(
        [sys.executable, "-m", "crawler.commands", *args, "--mongo-uri", uri, "--database", db.name],
        cwd=PROJECT_ROOT, env=crawl_env(), capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def test_stored_articles_carry_the_search_fields(corpus):  # noqa: F811
    docs = list(corpus.articles.find())
    assert len(docs) == 21
    for doc in docs:
        assert doc["schema_version"] == SCHEMA_VERSION
        assert {k: doc[k] for k in ("search_text", "published_day")} == derived_fields(doc)
        if doc["published_at"]:
            assert doc["published_day"] == doc["published_at"].strftime("%Y-%m-%d")


def test_migrate_fills_old_documents_and_is_idempotent(corpus):  # noqa: F811
    corpus.articles.update_many(
        {"site": "sada_wp"},
        {"$unset": {"search_text": "", "published_day": ""}, "$set": {"schema_version": 1}},
    )
    first = akhbar(corpus, "migrate")
    assert first.returncode == 0, first.stderr
    assert "4 articles updated" in first.stdout
    for doc in corpus.articles.find({"site": "sada_wp"}):
        assert doc["search_text"] == derived_fields(doc)["search_text"]
        assert doc["schema_version"] == SCHEMA_VERSION
    again = akhbar(corpus, "migrate")
    assert "0 articles updated" in again.stdout


def test_search_folds_diacritics_and_letter_variants(corpus):  # noqa: F811
    expected = {
        d["_id"] for d in corpus.articles.find() if "البنك المركزي" in f"{d['title']} {d['body']}"
    }
    assert len(expected) == 4
    for query in ("البنك المركزي", "البَنْك المَرْكَزِيّ", "البنك المركزى", "البـنـك الـمـركزي"):
        assert {d["_id"] for d in search(corpus, query)} == expected, query
    # Alef with hamza in the text, none in the query (and the other way round).
    with_hamza = {d["_id"] for d in corpus.articles.find() if "إطلاق" in d["body"]}
    assert with_hamza and {d["_id"] for d in search(corpus, "اطلاق")} >= with_hamza
    # Filters narrow, they do not widen.
    only_rep = akhbar(corpus, "search", "البنك المركزي", "--site", "rep", "--json")
    hits = json.loads(only_rep.stdout)
    assert {h["site"] for h in hits} == {"rep"} and len(hits) == 2


def test_search_command_prints_title_site_url_and_snippet(corpus):  # noqa: F811
    done = akhbar(corpus, "search", "البنك المركزي", "--unique-stories", "--bidi", "off")
    assert done.returncode == 0, done.stderr
    assert "البنك المركزي يثبت أسعار الفائدة للمرة الثالثة على التوالي" in done.stdout
    assert (
        "akhbar_alyawm" in done.stdout and "/news/2026/11/18/central-bank-rates.html" in done.stdout
    )
    assert "قرر البنك المركزي" in done.stdout  # the snippet, in the site's own spelling
    # One article per story: the copy of the wire story is left out.
    assert done.stdout.strip().endswith("3 articles")


def test_stats_tables_and_json(corpus):  # noqa: F811
    done = akhbar(corpus, "stats", "--json", "--days", "60")
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    docs = list(corpus.articles.find())
    assert stats["articles"] == 21 and stats["stories"] == 16 and stats["syndicated_copies"] == 5
    assert {r["value"]: r["n"] for r in stats["by_site"]} == Counter(d["site"] for d in docs)
    assert {r["value"]: r["n"] for r in stats["by_topic"]} == Counter(d["topic"] for d in docs)
    assert {r["value"]: r["n"] for r in stats["by_day"]} == Counter(
        d["published_day"] for d in docs if d["published_day"]
    )
    keywords = Counter(k for d in docs for k in d["keywords"])
    assert stats["top_keywords"][0]["n"] == keywords.most_common(1)[0][1]
    health = {row["site"]: row for row in stats["crawl_health"]}
    assert health["rep"]["stored_new"] == 8 and health["wire"]["stored_new"] == 5
    table = akhbar(corpus, "stats")
    assert "21 articles: 16 stories, 5 syndicated copies" in table.stdout
    assert "crawl health" in table.stdout


def test_export_round_trips_in_three_formats(corpus, tmp_path):  # noqa: F811
    docs = {d["_id"]: d for d in corpus.articles.find()}
    jsonl, csv_path, parquet = tmp_path / "a.jsonl", tmp_path / "a.csv", tmp_path / "a.parquet"
    for fmt, path, extra in (
        ("jsonl", jsonl, []),
        ("csv", csv_path, ["--bom"]),
        ("parquet", parquet, []),
    ):
        done = akhbar(corpus, "export", "--format", fmt, "--out", str(path), *extra)
        assert done.returncode == 0, done.stderr
        assert "21 articles written" in done.stderr

    rows = [json_util.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert {r["url"] for r in rows} == docs.keys()
    for row in rows:
        doc = docs[row["url"]]
        assert row["title"] == doc["title"] and row["body"] == doc["body"]  # Arabic intact
        assert row["authors"] == doc["authors"] and row["keywords"] == doc["keywords"]

    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert {r["url"] for r in records} == docs.keys()
    for record in records:
        doc = docs[record["url"]]
        assert record["body"] == doc["body"]
        assert record["tags"] == "|".join(doc["tags"])

    table = pq.read_table(parquet).to_pylist()
    assert {r["url"] for r in table} == docs.keys()
    for row in table:
        doc = docs[row["url"]]
        assert row["title"] == doc["title"] and row["keywords"] == doc["keywords"]
        assert row["published_at"] == doc["published_at"]

    # Filters and a field list.
    done = akhbar(corpus, "export", "--format", "jsonl", "--out", str(jsonl), "--site", "wire",
                  "--fields", "url,title,story_id")  # fmt: skip
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 5 and all(set(r) == {"url", "title", "story_id"} for r in rows)


def test_report_writes_html_and_charts(corpus, tmp_path):  # noqa: F811
    done = akhbar(corpus, "report", "--out", str(tmp_path / "report"), "--days", "30")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "report"
    charts = {p.name for p in out.glob("*.png")}
    assert charts == {
        "daily-topic.png", "daily-site.png", "languages.png", "keywords.png", "topic-site.png",
        "syndication.png",
    }  # fmt: skip
    for chart in charts:
        assert (out / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 6  # self-contained
    assert "21 مقالة، 16 قصة فريدة، 5 نسخة منقولة" in page


def test_reannotate_changes_only_what_changed_and_a_second_run_nothing(corpus):  # noqa: F811
    """After a model change (simulated: another version recorded on one site's articles, two of
    them with a stale topic), reannotate puts back what the stages compute today, on those
    articles only; a second run finds nothing to do."""
    fields = ("language", "topic", "topic_confidence", "topic_source", "topic_method", "keywords")
    crawled = {d["_id"]: d for d in corpus.articles.find()}
    version = next(iter(crawled.values()))["topic_model"]
    assert version.startswith("topics-")
    nothing = akhbar(corpus, "reannotate")
    assert nothing.returncode == 0, nothing.stderr
    assert f"0 articles annotated with {version}; 0 changed" in nothing.stdout

    site = [d for d in crawled.values() if d["site"] == "sada_wp"]
    stale = [d["_id"] for d in site[:2]]
    corpus.articles.update_many({"site": "sada_wp"}, {"$set": {"topic_model": "topics-old"}})
    corpus.articles.update_many(
        {"_id": {"$in": stale}}, {"$set": {"topic": "other", "keywords": []}}
    )
    first = akhbar(corpus, "reannotate", "--site", "sada_wp")
    assert first.returncode == 0, first.stderr
    assert f"{len(site)} articles annotated with {version}; 2 changed" in first.stdout
    assert "topic 2" in first.stdout and "keywords 2" in first.stdout
    for doc in corpus.articles.find():
        assert {f: doc[f] for f in fields} == {f: crawled[doc["_id"]][f] for f in fields}
        assert doc["topic_model"] == version

    again = akhbar(corpus, "reannotate", "--site", "sada_wp")
    assert f"0 articles annotated with {version}; 0 changed" in again.stdout


def test_classify_round_trip(tmp_path):
    """JSON lines in, one answer per line in the same order; the section decides first, the text
    after; a bad line is reported with its number and the rest still answered."""
    from tests.data.topic_articles import ARTICLES

    records = [
        {"id": f"a{i}", "title": title, "body": body} for i, (_, title, body) in enumerate(ARTICLES)
    ]
    records.insert(3, {"id": "sec", "title": ARTICLES[10][1], "body": ARTICLES[10][2],
                       "section": "اقتصاد"})  # fmt: skip
    source = tmp_path / "in.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(5, "{broken")
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "crawler.commands", "classify", str(source), "-o", str(tmp_path / "out.jsonl")],
        cwd=PROJECT_ROOT, env=crawl_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1 and "line 6:" in result.stderr
    answers = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [a["id"] for a in answers] == [r["id"] for r in records]
    by_id = {a["id"]: a for a in answers}
    assert (by_id["sec"]["topic"], by_id["sec"]["topic_source"]) == ("economy", "site")
    assert all(a["language"] == "ar" for a in answers)
    assert all(0 <= a["topic_confidence"] <= 1 for a in answers)
    content = [(a, topic) for a, (topic, _, _) in zip(
        [by_id[f"a{i}"] for i in range(len(ARTICLES))], ARTICLES, strict=True
    )]  # fmt: skip
    assert sum(a["topic"] == topic for a, topic in content) / len(content) >= 0.9
    assert {a["topic_method"] for a, _ in content} <= {"model", "lexicon", "none"}
