"""Site registry: load and validate the YAML file that describes the sites to crawl.

A registry that fails validation is rejected before any request, with a message naming the site and field.
"""

from __future__ import annotations

import logging
import re
import reprlib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import regex
import yaml
from parsel import Selector

from crawler.extract.selectors import UrlPattern, is_xpath
from crawler.extract.urls import site_scope, url_host
from crawler.items import TOPICS

logger = logging.getLogger(__name__)

DEFAULT_REGISTRY = Path(__file__).with_name("sites.yaml")

SELECTOR_FIELDS = frozenset({"title", "body", "date", "author", "section"})
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "": 86400}


def parse_duration(value: Any) -> timedelta:
    """`7d`, `12h`, `90m`, `30s`, `2w`, or a bare number of days, as a timedelta.

    Raises ValueError for anything else.
    """
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {_brief(value)}")
    if isinstance(value, int | float):
        value = str(value)
    match = DURATION_RE.match(str(value)) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"not a duration (like 7d, 12h, 30m): {_brief(value)}")
    return timedelta(seconds=float(match.group(1)) * DURATION_UNITS[match.group(2)])


class RegistryError(ValueError):
    """The registry file is unreadable or one of its entries is invalid."""


@dataclass(frozen=True)
class Site:
    """One news site: where to start, and what we know about its layout."""

    name: str
    base_url: str
    language: str | None = None
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    article_url_pattern: UrlPattern | None = None
    render_js: bool = False
    selectors: dict[str, str] = field(default_factory=dict)
    topic_map: dict[str, str] = field(default_factory=dict)
    timezone: str = "UTC"
    enabled: bool = True
    note: str | None = None
    # Incremental runs: sitemap and feed entries older than this are not fetched (0: no limit).
    max_age: timedelta = timedelta(days=7)
    # Politeness: parallel requests to the site and seconds between them (None: the defaults).
    concurrency: int | None = None
    delay: float | None = None

    @property
    def host(self) -> str:
        """Lower-case host name of `base_url` (without port)."""
        return (urlsplit(self.base_url).hostname or "").lower()

    @property
    def tz(self) -> ZoneInfo:
        """Timezone used for dates the site publishes without an offset."""
        return ZoneInfo(self.timezone)


KNOWN_KEYS = frozenset(Site.__dataclass_fields__)


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlist = _REPR.maxdict = 4
_REPR.maxlevel = 2


def _brief(value: Any) -> str:
    """A value as shown in an error message: at most about 80 characters, however large or deep
    it is (a registry is untrusted input)."""
    text = _REPR.repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


class _RegistryLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases: `*name` can expand a few lines into gigabytes (the
    "billion laughs"), and a registry has no use for them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a registry", event.start_mark
            )
        return super().compose_node(parent, index)


def _fail(site: str, field_name: str, problem: str) -> RegistryError:
    return RegistryError(f"site {_brief(site)}, field {_brief(field_name)}: {problem}")


def _check_url(site: str, field_name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(site, field_name, f"expected a URL string, got {_brief(value)}")
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _fail(site, field_name, f"not an http(s) URL: {_brief(value)}")
    return value


def _check_url_list(site: str, field_name: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _fail(site, field_name, f"expected a list of URLs, got {type(value).__name__}")
    return tuple(_check_url(site, field_name, v) for v in value)


def _check_selector(site: str, key: str, expression: Any) -> str:
    field_name = f"selectors.{key}"
    if key not in SELECTOR_FIELDS:
        raise _fail(
            site, field_name, f"unknown selector; expected one of {sorted(SELECTOR_FIELDS)}"
        )
    if not isinstance(expression, str) or not expression.strip():
        raise _fail(site, field_name, f"expected a CSS or XPath string, got {_brief(expression)}")
    probe = Selector(text="<html><body></body></html>")
    try:
        if is_xpath(expression):
            probe.xpath(expression)
        else:
            probe.css(expression)
    except Exception as exc:  # parsel raises several exception types for bad expressions
        raise _fail(site, field_name, f"invalid selector {_brief(expression)}: {exc}") from exc
    return expression


def _check_mapping(site: str, field_name: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(site, field_name, f"expected a mapping, got {type(value).__name__}")
    return value


def parse_site(entry: Any, index: int) -> Site:
    """Validate one registry entry and return it as a `Site`."""
    if not isinstance(entry, dict):
        raise RegistryError(f"site #{index}: expected a mapping, got {type(entry).__name__}")
    label = str(entry.get("name") or f"#{index}")
    unknown = sorted(set(entry) - KNOWN_KEYS)
    if unknown:
        raise _fail(label, unknown[0], f"unknown key; known keys are {sorted(KNOWN_KEYS)}")
    name = entry.get("name")
    if not name:
        raise _fail(label, "name", "missing (required)")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise _fail(label, "name", "must be lower-case letters, digits, '_' or '-'")
    if "base_url" not in entry:
        raise _fail(name, "base_url", "missing (required)")
    base_url = _check_url(name, "base_url", entry["base_url"])

    pattern = entry.get("article_url_pattern")
    compiled = None
    if pattern is not None:
        if not isinstance(pattern, str):
            raise _fail(
                name, "article_url_pattern", f"expected a regex string, got {_brief(pattern)}"
            )
        try:
            compiled = UrlPattern(pattern)
        except (regex.error, re.error) as exc:
            raise _fail(name, "article_url_pattern", f"bad regex {_brief(pattern)}: {exc}") from exc
        except TimeoutError:
            raise _fail(
                name,
                "article_url_pattern",
                f"{_brief(pattern)} backtracks without end on some URLs (nested or overlapping "
                "repeats such as (a+)+ or (a|aa)+); write it without them",
            ) from None

    for flag in ("render_js", "enabled"):
        if flag in entry and not isinstance(entry[flag], bool):
            raise _fail(name, flag, f"expected true or false, got {_brief(entry[flag])}")

    selectors = {
        str(k): _check_selector(name, str(k), v)
        for k, v in _check_mapping(name, "selectors", entry.get("selectors")).items()
    }
    topic_map = _check_mapping(name, "topic_map", entry.get("topic_map"))
    for label_, topic in topic_map.items():
        if topic not in TOPICS:
            raise _fail(
                name,
                f"topic_map.{label_}",
                f"{_brief(topic)} is not a topic; expected one of {list(TOPICS)}",
            )

    timezone = entry.get("timezone") or "UTC"
    try:
        if not isinstance(timezone, str) or len(timezone) > 64:
            raise ValueError("not a zone name")
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a name the disk refuses
        raise _fail(name, "timezone", f"unknown IANA timezone {_brief(timezone)}") from exc

    language = entry.get("language")
    if language is not None and not (isinstance(language, str) and language.isalpha()):
        raise _fail(name, "language", f"expected an ISO 639-1 code, got {_brief(language)}")
    note = entry.get("note")
    if note is not None and not isinstance(note, str):
        raise _fail(name, "note", "expected a string")

    try:
        max_age = parse_duration(entry.get("max_age", "7d"))
    except ValueError as exc:
        raise _fail(name, "max_age", str(exc)) from None
    concurrency = entry.get("concurrency")
    if concurrency is not None and (
        isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1
    ):
        raise _fail(
            name, "concurrency", f"expected a whole number of at least 1, got {_brief(concurrency)}"
        )
    delay = entry.get("delay")
    if delay is not None and (
        isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0
    ):
        raise _fail(
            name, "delay", f"expected seconds (a number of at least 0), got {_brief(delay)}"
        )

    return Site(
        name=name,
        base_url=base_url,
        language=language,
        feeds=_check_url_list(name, "feeds", entry.get("feeds")),
        sitemaps=_check_url_list(name, "sitemaps", entry.get("sitemaps")),
        sections=_check_url_list(name, "sections", entry.get("sections")),
        article_url_pattern=compiled,
        render_js=bool(entry.get("render_js", False)),
        selectors=selectors,
        topic_map={str(k): v for k, v in topic_map.items()},
        timezone=str(timezone),
        enabled=bool(entry.get("enabled", True)),
        note=note,
        max_age=max_age,
        concurrency=concurrency,
        delay=float(delay) if delay is not None else None,
    )


def parse_registry(data: Any) -> list[Site]:
    """Validate a loaded registry document (`{"sites": [...]}`) and return its sites."""
    if not isinstance(data, dict):
        raise RegistryError(
            f"registry: expected a mapping with a 'sites' list, got {type(data).__name__}"
        )
    extra = sorted(set(data) - {"sites"})
    if extra:
        raise RegistryError(
            f"registry: unknown top-level key {_brief(extra[0])}; expected only 'sites'"
        )
    entries = data.get("sites")
    if not isinstance(entries, list) or not entries:
        raise RegistryError("registry: 'sites' must be a non-empty list")
    sites: list[Site] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        site = parse_site(entry, index)
        if site.name in seen:
            raise _fail(site.name, "name", "duplicate site name")
        seen.add(site.name)
        sites.append(site)
    return sites


def load_registry(path: str | Path = DEFAULT_REGISTRY) -> list[Site]:
    """Read and validate a YAML registry file; raise `RegistryError` naming the site and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError(f"registry {path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise RegistryError(f"registry {path}: not UTF-8 text") from exc
    try:
        data = yaml.load(text, Loader=_RegistryLoader)  # a SafeLoader
    except yaml.YAMLError as exc:
        raise RegistryError(f"registry {path}: invalid YAML: {exc}") from exc
    try:
        return parse_registry(data)
    except RegistryError as exc:
        raise RegistryError(f"registry {path}: {exc}") from None


def sites_from_urls(urls: str) -> list[Site]:
    """Generic mode: one ad-hoc site per site of the given start URLs, named after its host."""
    by_scope: dict[str, list[str]] = {}
    for raw in urls.split(","):
        raw = raw.strip()
        if not raw:
            continue
        parts = urlsplit(raw)
        try:
            scope = site_scope(raw)
        except ValueError as exc:
            raise RegistryError(f"urls: {exc}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RegistryError(f"urls: not an http(s) URL: {_brief(raw)}")
        by_scope.setdefault(scope, []).append(raw)
    if not by_scope:
        raise RegistryError("urls: no start URL given")
    return [
        Site(name=url_host(starts[0]), base_url=starts[0], sections=tuple(starts[1:]))
        for starts in by_scope.values()
    ]


def select_sites(sites: str | None, site: str | None, urls: str | None) -> list[Site]:
    """The sites a run covers: `-a urls=` (generic mode), or the registry `-a sites=` (default:
    the built-in one), limited to `-a site=NAME[,NAME]` or else to its enabled sites."""
    if urls:
        return sites_from_urls(urls)
    registry = load_registry(sites or DEFAULT_REGISTRY)
    if site:
        wanted = {name.strip() for name in site.split(",") if name.strip()}
        unknown = wanted - {s.name for s in registry}
        if unknown:
            raise RegistryError(f"site {sorted(unknown)[0]!r}: not in the registry")
        return [s for s in registry if s.name in wanted]
    enabled = [s for s in registry if s.enabled]
    for skipped in (s for s in registry if not s.enabled):
        logger.info("Site %s is disabled in the registry: %s", skipped.name, skipped.note or "")
    if not enabled:
        raise RegistryError("registry: every site is disabled")
    return enabled
