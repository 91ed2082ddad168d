"""`akhbar report --out DIR`: a self-contained HTML page with PNG charts of the corpus.

Charts: daily volume per topic and per site, language share, topic-by-site matrix, top keywords,
and syndication (which sites republish which sites' stories, from `story_id`/`duplicate_of`).
Arabic labels are drawn in DejaVu Sans, which matplotlib ships and which covers Arabic and its
presentation forms: nothing to download, the same output on every machine. matplotlib 3.11 shapes
and orders Arabic itself; with an older one the labels are shaped with arabic-reshaper and put in
visual order with python-bidi first (decided by measuring, see `_lays_out_arabic`).
"""

from __future__ import annotations

import argparse
import base64
import functools
import html
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt
from arabic_reshaper import reshape
from bidi import get_display
from matplotlib.ticker import MaxNLocator

from crawler.commands.options import database_options, filter_options, filters_from, on_database
from crawler.store.corpus import Filters, corpus_stats
from crawler.store.schema import ARTICLES

FONT = "DejaVu Sans"
TOPICS_AR = {
    "politics": "سياسة", "economy": "اقتصاد", "sports": "رياضة", "technology": "تكنولوجيا",
    "health": "صحة", "culture": "ثقافة", "science": "علوم", "religion": "دين",
    "society": "مجتمع", "other": "أخرى",
}  # fmt: skip


@functools.cache
def _lays_out_arabic() -> bool:
    """Whether this matplotlib shapes and orders Arabic itself (3.11 does, through its text
    layout engine); older ones draw isolated letters left to right. Decided by measuring: shaped,
    "ببببب" is narrower than five isolated letters."""
    fig = plt.figure()
    renderer = fig.canvas.get_renderer()
    raw = fig.text(0, 0, "ببببب", fontname=FONT).get_window_extent(renderer).width
    isolated = fig.text(0, 0, "\ufe8f" * 5, fontname=FONT).get_window_extent(renderer).width
    plt.close(fig)
    return raw < isolated * 0.9


def ar(text: str) -> str:
    """Arabic text as this matplotlib must be given it to draw it joined and right to left."""
    text = str(text)
    return text if _lays_out_arabic() else get_display(reshape(text))


def _figure(title: str, size=(9, 4.5)):
    fig, ax = plt.subplots(figsize=size, dpi=110)
    ax.set_title(ar(title), fontsize=14, fontname=FONT)
    return fig, ax


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _daily(db, match: dict, key: str, days: list[str]) -> dict[str, list[int]]:
    pipeline = [
        {"$match": {**match, "published_day": {"$gte": days[0]}}},
        {"$group": {"_id": {"day": "$published_day", "k": f"${key}"}, "n": {"$sum": 1}}},
    ]
    series: dict[str, Counter] = defaultdict(Counter)
    for row in db[ARTICLES].aggregate(pipeline):
        series[str(row["_id"]["k"])][row["_id"]["day"]] += row["n"]
    return {k: [counts[d] for d in days] for k, counts in series.items()}


def _day_range(db, match: dict, days: int) -> list[str]:
    last = db[ARTICLES].find_one(
        {**match, "published_day": {"$ne": None}},
        {"published_day": 1},
        sort=[("published_day", -1)],
    )
    end = datetime.fromisoformat(last["published_day"]) if last else datetime.now(UTC)
    return [(end - timedelta(days=i)).strftime("%Y-%m-%d") for i in range(days - 1, -1, -1)]


def chart_daily(db, match, key: str, days: list[str], title: str, labels, path: Path) -> Path:
    fig, ax = _figure(title)
    for name, values in sorted(_daily(db, match, key, days).items()):
        ax.plot(range(len(days)), values, marker="o", label=labels(name))
    ax.set_xticks(range(len(days)), [d[5:] for d in days], rotation=45, fontsize=8)
    ax.set_ylabel(ar("عدد المقالات"), fontname=FONT)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(prop={"family": FONT}, fontsize=8, ncol=2)
    return _save(fig, path)


def chart_bars(rows: list[dict], title: str, labels, path: Path, horizontal: bool = False) -> Path:
    fig, ax = _figure(title, size=(9, max(3.5, 0.35 * len(rows)) if horizontal else 4.5))
    names = [labels(r["value"]) for r in rows]
    values = [r["n"] for r in rows]
    if horizontal:
        ax.barh(range(len(rows))[::-1], values, color="#3b6ea5")
        ax.set_yticks(range(len(rows))[::-1], names, fontname=FONT, fontsize=11)
    else:
        ax.bar(range(len(rows)), values, color="#3b6ea5")
        ax.set_xticks(range(len(rows)), names, fontname=FONT, fontsize=10)
    return _save(fig, path)


def chart_matrix(
    rows: list[str], cols: list[str], cells: dict, title: str, path: Path, rlabel=ar, clabel=ar
) -> Path:
    fig, ax = _figure(title, size=(max(6, 0.9 * len(cols) + 3), max(3.5, 0.5 * len(rows) + 2)))
    data = [[cells.get((r, c), 0) for c in cols] for r in rows]
    ax.imshow(data, cmap="Blues", aspect="auto")
    ax.set_xticks(range(len(cols)), [clabel(c) for c in cols], rotation=30, fontname=FONT)
    ax.set_yticks(range(len(rows)), [rlabel(r) for r in rows], fontname=FONT)
    for i, row in enumerate(data):
        for j, value in enumerate(row):
            if value:
                ax.text(j, i, str(value), ha="center", va="center", fontsize=9)
    return _save(fig, path)


def syndication(db, match: dict) -> Counter:
    """(site of the story's first article, republishing site) -> copies."""
    copies = list(
        db[ARTICLES].find({**match, "duplicate_of": {"$ne": None}}, {"site": 1, "duplicate_of": 1})
    )
    firsts = {c["duplicate_of"] for c in copies}
    origin = {
        d["_id"]: d["site"]
        for d in db[ARTICLES].find({"_id": {"$in": sorted(firsts)}}, {"site": 1})
    }
    return Counter(
        (origin[c["duplicate_of"]], c["site"]) for c in copies if c["duplicate_of"] in origin
    )


def build_report(db, out: Path, filters: Filters | None = None, days: int = 14) -> Path:
    """Write DIR/report.html and its PNG charts; the HTML page's path."""
    out.mkdir(parents=True, exist_ok=True)
    filters = filters or Filters()
    match = filters.query()
    stats = corpus_stats(db, filters, days=days, top=15)
    day_list = _day_range(db, match, days)
    topic_label = lambda t: ar(TOPICS_AR.get(t, t))  # noqa: E731
    charts = [
        ("daily-topic.png", chart_daily(db, match, "topic", day_list, "المقالات يوميا حسب الموضوع", topic_label, out / "daily-topic.png")),
        ("daily-site.png", chart_daily(db, match, "site", day_list, "المقالات يوميا حسب الموقع", str, out / "daily-site.png")),
        ("languages.png", chart_bars(stats["by_language"], "حصة اللغات", str, out / "languages.png")),
        ("keywords.png", chart_bars(stats["top_keywords"], "الكلمات الأكثر تكرارا", ar, out / "keywords.png", horizontal=True)),
    ]  # fmt: skip
    sites = [r["value"] for r in stats["by_site"]]
    topics = [r["value"] for r in stats["by_topic"]]
    pairs = db[ARTICLES].aggregate(
        [{"$match": match}, {"$group": {"_id": {"t": "$topic", "s": "$site"}, "n": {"$sum": 1}}}]
    )
    cells = {(p["_id"]["t"], p["_id"]["s"]): p["n"] for p in pairs}
    charts.append(
        (
            "topic-site.png",
            chart_matrix(
                topics,
                sites,
                cells,
                "المواضيع حسب الموقع",
                out / "topic-site.png",
                rlabel=topic_label,
                clabel=str,
            ),
        )
    )
    flows = syndication(db, match)
    origins = sorted({a for a, _ in flows})
    copiers = sorted({b for _, b in flows})
    if flows:
        charts.append(("syndication.png", chart_matrix(origins, copiers, flows, "من ينقل عن من: الموقع الأول (صفوف) والناقل (أعمدة)", out / "syndication.png", rlabel=str, clabel=str)))  # fmt: skip
    page = out / "report.html"
    page.write_text(_html(stats, charts, out), encoding="utf-8")
    return page


def _table(rows: list[dict], label: str) -> str:
    body = "".join(
        f"<tr><td>{html.escape(str(r['value']))}</td><td>{r['n']}</td></tr>" for r in rows
    )
    return f"<table><tr><th>{html.escape(label)}</th><th>articles</th></tr>{body}</table>"


def _html(stats: dict, charts: list[tuple[str, Path]], out: Path) -> str:
    images = "".join(
        f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,'
        f'{base64.b64encode(path.read_bytes()).decode()}"></figure>'
        for name, path in charts
    )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>akhbar report</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}} img{{max-width:100%}}
table{{border-collapse:collapse;margin:1em 0}} td,th{{border:1px solid #ccc;padding:.2em .6em}}</style>
</head><body>
<h1>تقرير المدونة الإخبارية — akhbar</h1>
<p>{stats["articles"]} مقالة، {stats["stories"]} قصة فريدة، {stats["syndicated_copies"]} نسخة منقولة · {generated}</p>
{images}
<div dir="ltr">{_table(stats["by_site"], "site")}{_table(stats["by_topic"], "topic")}{_table(stats["by_language"], "language")}</div>
</body></html>
"""


# -- the command ------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", default="akhbar-report", help="directory for report.html and its PNGs "
        "(default: ./akhbar-report)",
    )  # fmt: skip
    parser.add_argument("--days", type=int, default=14)
    filter_options(parser)
    database_options(parser)


def run(args: argparse.Namespace) -> int:
    def action(db) -> int:
        page = build_report(db, Path(args.out), filters_from(args), days=args.days)
        print(f"report written to {page}")
        return 0

    return on_database(args, action)
