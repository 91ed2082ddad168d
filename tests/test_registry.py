"""The site registry: validation rules, and rejection of a bad registry before any request."""

from __future__ import annotations

import pytest

from crawler.devtools.sampleserver import SampleSite
from crawler.items import TOPICS
from crawler.registry import DEFAULT_REGISTRY, RegistryError, load_registry, parse_registry
from tests.conftest import run_crawl, write_registry


def site(**fields):
    return {"name": "example_news", "base_url": "https://www.example.com/", **fields}


def test_valid_entry_with_every_field():
    (parsed,) = parse_registry(
        {
            "sites": [
                site(
                    language="ar",
                    feeds=["https://www.example.com/rss"],
                    sitemaps=["https://www.example.com/sitemap.xml"],
                    sections=["https://www.example.com/politics/"],
                    article_url_pattern=r"/news/\d{4}/",
                    render_js=True,
                    selectors={"body": "div.article-body", "date": "//time/@datetime"},
                    topic_map={"سياسة": "politics"},
                    timezone="Africa/Cairo",
                    enabled=True,
                    note="ok",
                )
            ]
        }
    )
    assert parsed.name == "example_news"
    assert parsed.host == "www.example.com"
    assert parsed.article_url_pattern.search("https://www.example.com/news/2026/x")
    assert parsed.render_js is True
    assert parsed.tz.key == "Africa/Cairo"
    assert parsed.topic_map == {"سياسة": "politics"}


@pytest.mark.parametrize(
    ("registry", "message"),
    [
        ({"sites": [{"base_url": "https://x.com/"}]}, "field 'name': missing"),
        ({"sites": [{"name": "x"}]}, "site 'x', field 'base_url': missing"),
        ({"sites": [site(), site()]}, "site 'example_news', field 'name': duplicate"),
        (
            {"sites": [site(article_url_pattern="/news/(")]},
            "field 'article_url_pattern': bad regex",
        ),
        ({"sites": [site(colour="blue")]}, "site 'example_news', field 'colour': unknown key"),
        ({"sites": [site(base_url="ftp://example.com/")]}, "field 'base_url': not an http(s) URL"),
        ({"sites": [site(feeds=["javascript:alert(1)"])]}, "field 'feeds': not an http(s) URL"),
        (
            {"sites": [site(selectors={"body": "div[["})]},
            "field 'selectors.body': invalid selector",
        ),
        (
            {"sites": [site(selectors={"teaser": "p"})]},
            "field 'selectors.teaser': unknown selector",
        ),
        ({"sites": [site(timezone="Mars/Olympus")]}, "field 'timezone': unknown IANA timezone"),
        ({"sites": [site(render_js="yes")]}, "field 'render_js': expected true or false"),
        ({"sites": [site(topic_map=["politics"])]}, "field 'topic_map': expected a mapping"),
        (
            {"sites": [site(topic_map={"سياسة": "politik"})]},
            "field 'topic_map.سياسة': 'politik' is not a topic",
        ),
        ({"sites": []}, "'sites' must be a non-empty list"),
        (["not", "a", "mapping"], "expected a mapping"),
        ({"sites": ["just a string"]}, "site #1: expected a mapping"),
    ],
)
def test_invalid_registries_name_site_and_field(registry, message):
    with pytest.raises(RegistryError) as error:
        parse_registry(registry)
    assert message in str(error.value)


def test_yaml_that_is_not_a_mapping(tmp_path):
    path = tmp_path / "sites.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="expected a mapping"):
        load_registry(path)
    path.write_text("sites: [unclosed\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="invalid YAML"):
        load_registry(path)


def test_yaml_is_loaded_safely(tmp_path):
    path = tmp_path / "sites.yaml"
    path.write_text("sites: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="invalid YAML"):
        load_registry(path)


def test_builtin_registry_validates():
    sites = load_registry(DEFAULT_REGISTRY)
    assert len(sites) >= 30
    assert len({s.name for s in sites}) == len(sites)
    assert all(s.base_url.startswith("https://") for s in sites)
    assert all(topic in TOPICS for s in sites for topic in s.topic_map.values())
    # Sites known to sit behind a bot wall are disabled with the reason, not left to fail.
    for disabled in (s for s in sites if not s.enabled):
        assert disabled.note and "bot wall" in disabled.note.lower()
    assert [s.name for s in sites if not s.enabled] == ["alarabiya"]
    for feed in (f for s in sites for f in s.feeds + s.sitemaps):
        assert feed.startswith("https://") and "{" not in feed, "no templated or plain-http feed"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"name": "bad", "base_url": "BASE/", "article_url_pattern": "(["},
            "site 'bad', field 'article_url_pattern'",
        ),
        (
            {"name": "bad", "base_url": "BASE/", "sitemap": ["BASE/s.xml"]},
            "site 'bad', field 'sitemap': unknown key",
        ),
    ],
)
def test_invalid_registry_stops_the_crawl_before_any_request(
    tmp_path, mongo_uri, db, entry, message
):
    with SampleSite(tmp_path) as server:
        fixed = {
            k: v.replace("BASE", server.base_url) if isinstance(v, str) else v
            for k, v in entry.items()
        }
        good = {"name": "good", "base_url": f"{server.base_url}/"}
        registry = write_registry(tmp_path, {"sites": [good, fixed]})
        result = run_crawl("-a", f"sites={registry}", mongo_uri=mongo_uri, database=db.name)
        assert result.returncode != 0
        assert message in result.log
        assert server.paths() == []
    assert db.crawl_runs.count_documents({}) == 0


def test_unknown_site_name_is_rejected(tmp_path, mongo_uri, db):
    registry = write_registry(tmp_path, {"sites": [site()]})
    result = run_crawl(
        "-a", f"sites={registry}", "-a", "site=nope", mongo_uri=mongo_uri, database=db.name
    )
    assert result.returncode != 0
    assert "site 'nope': not in the registry" in result.log


def test_unreachable_database_fails_the_crawl_clearly(tmp_path, db):
    with SampleSite(tmp_path) as server:
        registry = write_registry(
            tmp_path, {"sites": [{"name": "s", "base_url": f"{server.base_url}/"}]}
        )
        result = run_crawl(
            "-a",
            f"sites={registry}",
            "-s",
            "MONGO_TIMEOUT_MS=500",
            mongo_uri="mongodb://akhbar:s3cret@127.0.0.1:9/",
            database=db.name,
        )
        assert result.returncode == 1
        assert "cannot reach MongoDB at mongodb://akhbar:***@127.0.0.1:9/" in result.log
        assert "s3cret" not in result.log
        assert server.paths() == []
        # One clear line, not one per stage and no tracebacks of a crawl that never opened.
        assert result.log.count("cannot reach MongoDB") == 1
        assert "Traceback" not in result.log


def test_yaml_aliases_are_refused_before_they_expand(tmp_path):
    # The "billion laughs": nine levels of ten aliases, a billion strings once expanded.
    lines = ['a0: &a0 ["lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    lines += ["sites:", "  - name: x", "    base_url: https://x.example/", "    feeds: *a9"]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(RegistryError, match="aliases"):
        load_registry(path)


def test_a_huge_value_makes_a_short_error_message():
    huge = [["x" * 1000] * 1000] * 100
    with pytest.raises(RegistryError) as error:
        parse_registry({"sites": [site(render_js=huge)]})
    assert "render_js" in str(error.value) and len(str(error.value)) < 400


@pytest.mark.parametrize("pattern", [r"(a|aa)+$", r"(\d|\d\d)+$", r"/(\w|\w\w)+\.html$"])
def test_a_backtracking_url_pattern_is_refused_at_load(pattern):
    with pytest.raises(RegistryError, match="backtracks"):
        parse_registry({"sites": [site(article_url_pattern=pattern)]})


def test_url_patterns_match_as_before_and_cross_to_workers():
    import pickle

    (entry,) = parse_registry({"sites": [site(article_url_pattern=r"/news/\d{4}/")]})
    pattern = entry.article_url_pattern
    assert pattern.search("https://x.example/news/2026/a.html")
    assert not pattern.search("https://x.example/tag/news/")
    assert pickle.loads(pickle.dumps(pattern)).search("https://x.example/news/2026/a.html")


def test_a_pattern_that_gives_up_on_a_url_is_counted_for_its_site():
    """A pattern the load-time probes do not catch (it backtracks on `x` only) still gives up on
    the URL that sets it off: that URL is taken for a non-article, and the give-up counted."""
    from zoneinfo import ZoneInfo

    from crawler.extract.pages import analyze_page

    (entry,) = parse_registry({"sites": [site(article_url_pattern=r"/(x|xx)+$")]})
    page = b"<html><head><title>t</title></head><body><p>text</p></body></html>"
    analysis = analyze_page(
        page, "https://x.example/" + "x" * 60 + "!", "utf-8", listed=False,
        pattern=entry.article_url_pattern, selectors={}, tz=ZoneInfo("UTC"), follow=False,
    )  # fmt: skip
    assert analysis.pattern_timeouts == 1
    assert analysis.verdict.reason == "url_pattern_mismatch"
    ok = analyze_page(
        page, "https://x.example/xxx", "utf-8", listed=False,
        pattern=entry.article_url_pattern, selectors={}, tz=ZoneInfo("UTC"), follow=False,
    )  # fmt: skip
    assert ok.pattern_timeouts == 0 and ok.verdict.is_article
