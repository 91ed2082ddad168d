"""`akhbar classify`: akhbar's language and topic for texts from elsewhere.

JSON lines in (`id`, `title`, `body`, and optionally `section`, `tags`, `url`), JSON lines out
(`id`, `topic`, `topic_confidence`, `topic_source`, `topic_method`, `topic_model`, `language`,
`language_confidence`), one per input line and in its order. A line that is not such an object
is reported on stderr with its number and skipped (exit status 1 at the end).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", nargs="?", default="-", help="JSON lines file (default: stdin)")
    parser.add_argument("-o", "--output", default="-", help="where to write (default: stdout)")


def _read(line: str) -> dict[str, Any]:
    record = json.loads(line)
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    for name in ("title", "body"):
        if not isinstance(record.get(name, ""), str):
            raise ValueError(f"{name} is not a string")
    if not (record.get("title") or record.get("body")):
        raise ValueError("neither title nor body")
    tags = record.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError("tags is not a list of strings")
    return record


def classify(source: IO[str], sink: IO[str], errors: IO[str]) -> int:
    """Classify every line of `source` into `sink`; returns how many lines were refused."""
    from crawler.commands.options import article_annotator, project_settings

    annotate, _ = article_annotator(project_settings())
    refused = 0
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            record = _read(line)
        except ValueError as exc:  # json.JSONDecodeError too
            refused += 1
            print(f"line {number}: {exc}", file=errors)
            continue
        fields = annotate(
            record.get("title") or "",
            record.get("body") or "",
            section=record.get("section") if isinstance(record.get("section"), str) else None,
            tags=record.get("tags") or [],
            url=record.get("url") if isinstance(record.get("url"), str) else "",
        )
        fields.pop("keywords")
        sink.write(json.dumps({"id": record.get("id"), **fields}, ensure_ascii=False) + "\n")
    return refused


def run(args: argparse.Namespace) -> int:
    try:
        source = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")  # noqa: SIM115
        sink = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        print(f"akhbar classify: {exc}", file=sys.stderr)
        return 2
    try:
        refused = classify(source, sink, sys.stderr)
    finally:
        for handle in (source, sink):
            if handle not in (sys.stdin, sys.stdout):
                handle.close()
    if refused:
        print(f"akhbar classify: {refused} lines refused", file=sys.stderr)
    return 1 if refused else 0
