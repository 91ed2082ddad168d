"""The article item that flows through the pipelines: one field per column of the `articles` table.

Extraction fills the fields it can read off the page; later stages (clean, language, topic, dedupe)
fill theirs. Field names and types are fixed by the contract in DESIGN.md.
"""

from __future__ import annotations

import scrapy

SCHEMA_VERSION = 2  # 2: search_text and published_day stored for analysts

# The values of `topic` (the taxonomy of DESIGN.md); `other` when no topic fits.
TOPICS = (
    "politics",
    "economy",
    "sports",
    "technology",
    "health",
    "culture",
    "science",
    "religion",
    "society",
    "other",
)


class ArticleItem(scrapy.Item):
    """One article page, as stored in the `articles` collection."""

    url = scrapy.Field()
    alternate_urls = scrapy.Field()
    site = scrapy.Field()
    domain = scrapy.Field()
    title = scrapy.Field()
    description = scrapy.Field()
    body = scrapy.Field()
    authors = scrapy.Field()
    published_at = scrapy.Field()
    modified_at = scrapy.Field()
    crawled_at = scrapy.Field()
    section = scrapy.Field()
    tags = scrapy.Field()
    image_url = scrapy.Field()
    language = scrapy.Field()
    language_confidence = scrapy.Field()
    topic = scrapy.Field()
    topic_confidence = scrapy.Field()
    topic_source = scrapy.Field()
    topic_method = scrapy.Field()  # section, model, lexicon or none: the path that decided
    topic_model = scrapy.Field()  # version of the topic model the article was annotated with
    keywords = scrapy.Field()
    word_count = scrapy.Field()
    content_hash = scrapy.Field()
    story_id = scrapy.Field()
    duplicate_of = scrapy.Field()
    fetched_with = scrapy.Field()
    schema_version = scrapy.Field()
    # Transient, never stored: the URL actually fetched. When it is not the canonical `url` (an AMP,
    # print or mobile copy), the page's fields only fill a document the canonical page has not.
    fetched_url = scrapy.Field()
    # Transient: the name the page gives its site (og:site_name), for stripping it off titles.
    site_name = scrapy.Field()


TRANSIENT_FIELDS = frozenset({"fetched_url", "site_name"})
