"""What several commands share: the database and filter options, and opening the database."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import Any

from crawler.store.corpus import Filters, parse_day


def database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mongo-uri", help="default: MONGO_URI, else the managed local store (akhbar db)"
    )
    parser.add_argument("--database", help="default: MONGO_DATABASE, else akhbar")


def filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", action="append", default=[], help="only this site (repeatable)")
    parser.add_argument("--topic", action="append", default=[], help="only this topic (repeatable)")
    parser.add_argument("--language", action="append", default=[], help="only this language")
    parser.add_argument("--since", help="published on or after this day (YYYY-MM-DD, UTC)")
    parser.add_argument("--until", help="published before this day (YYYY-MM-DD, UTC)")
    parser.add_argument(
        "--unique-stories", action="store_true", help="one article per story (the first)"
    )


def filters_from(args: argparse.Namespace) -> Filters:
    """The filters given on the command line."""
    return Filters(
        sites=args.site,
        topics=args.topic,
        languages=args.language,
        since=parse_day(args.since) if args.since else None,
        until=parse_day(args.until) if args.until else None,
        unique_stories=args.unique_stories,
    )


def database(args: argparse.Namespace) -> tuple[str, str]:
    """The server and database the command uses: the options, else the settings, else the
    managed local store (started when it is not running)."""
    from crawler import settings
    from crawler.store.local import resolve_uri

    return resolve_uri(args.mongo_uri), args.database or settings.MONGO_DATABASE


def on_database(args: argparse.Namespace, action: Callable[[Any], int]) -> int:
    """Run `action(db)` on the command's database; a database or input problem is a clear
    message and exit code 2, not a traceback."""
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    from crawler.store.local import LocalServerError
    from crawler.store.schema import redact_uri

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        uri, name = database(args)
    except LocalServerError as exc:
        print(f"akhbar {args.command}: {exc}", file=sys.stderr)
        return 2
    client = MongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    try:
        return action(client[name])
    except PyMongoError as exc:
        print(f"akhbar {args.command}: cannot use {redact_uri(uri)}: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"akhbar {args.command}: {exc}", file=sys.stderr)
        return 2
    finally:
        client.close()


def project_settings():
    """akhbar's settings (crawler/settings.py, environment overrides included) as Scrapy
    `Settings`, for commands that run the stages' code outside a crawl."""
    from scrapy.settings import Settings

    from crawler import settings as module

    settings = Settings()
    settings.setmodule(module, priority="project")
    return settings


def article_annotator(settings):
    """`annotate(title, body, section=, tags=, url=, topic_map=)`: an article's language and topic
    fields and keywords, as the crawl's stages compute them with `settings` (for `akhbar classify`
    and `akhbar reannotate`). Returns it with the topic model's version."""
    from crawler.text.language import article_language
    from crawler.text.topic import annotate_topic
    from crawler.text.topic_model import shipped_model
    from pipelines.topic import topic_options

    options = topic_options(settings)
    model = shipped_model()

    def annotate(title: str, body: str, **site: Any) -> dict[str, Any]:
        language = article_language(
            title,
            body,
            sample_chars=settings.getint("LANGUAGE_SAMPLE_CHARS"),
            min_letters=settings.getint("LANGUAGE_MIN_LETTERS"),
            seed=settings.getint("LANGUAGE_SEED"),
        )
        return {
            "language": language.language,
            "language_confidence": language.confidence,
            **annotate_topic(title, body, model=model, **site, **options),
        }

    return annotate, model.version
