"""A corpus written by a real crawl, shared by the analyst tests: the two sample sites and the two
syndication sites (21 articles: 16 stories, 5 syndicated copies)."""

from __future__ import annotations

import uuid

import pytest
from pymongo import MongoClient

from crawler.devtools.demo import SAMPLE_ROOT, sample_registry
from crawler.devtools.sampleserver import Reply, SampleSite
from tests.conftest import run_crawl, write_registry
from tests.data.syndication import republisher_pages, wire_site_pages


@pytest.fixture(scope="module")
def corpus(mongo_uri, tmp_path_factory):
    """The crawled database (module-wide: one crawl for every analyst test of a module)."""
    tmp = tmp_path_factory.mktemp("corpus")
    name = f"akhbar_corpus_{uuid.uuid4().hex[:8]}"
    with (
        SampleSite(SAMPLE_ROOT / "akhbar_alyawm") as alyawm,
        SampleSite(SAMPLE_ROOT / "sada_wp") as sada,
        SampleSite(tmp, {}) as wire,
        SampleSite(tmp, {}) as rep,
    ):
        wire.routes.update({p: Reply(body=b) for p, b in wire_site_pages(wire.base_url).items()})
        rep.routes.update({p: Reply(body=b) for p, b in republisher_pages().items()})
        registry = sample_registry(alyawm.base_url, sada.base_url)
        registry["sites"] += [
            {"name": "wire", "base_url": f"{wire.base_url}/", "article_url_pattern": "/(news|amp|print)/"},
            {"name": "rep", "base_url": f"{rep.base_url}/", "article_url_pattern": "/(news|analysis)/"},
        ]  # fmt: skip
        result = run_crawl(
            "-a", f"sites={write_registry(tmp, registry)}", mongo_uri=mongo_uri, database=name
        )
        assert result.returncode == 0, result.log[-3000:]
    client = MongoClient(mongo_uri, tz_aware=True)
    yield client[name]
    client.drop_database(name)
    client.close()
