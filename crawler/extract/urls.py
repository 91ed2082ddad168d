"""URL helpers shared by the spider and the pipelines.

`canonical_url` is the one form under which an article URL is requested, compared and stored.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "ocid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "cmpid",
        "ito",
        "at_medium",
        "at_campaign",
        "xtor",
        "ns_source",
        "ns_mchannel",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "__twitter_impression",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_")
# Parameters that select another rendering of the same article (AMP, print), never other content.
RENDERING_PARAMS = frozenset(
    {"amp", "amp_js_v", "amp_gsa", "outputtype", "print", "printable", "output", "view", "format"}
)
RENDERING_VALUES = frozenset({"", "1", "true", "yes", "amp", "print", "printable", "printer"})
DEFAULT_PORTS = {"http": 80, "https": 443}
MULTIPLE_SLASHES = re.compile(r"/{2,}")
# Hosts under which a site serves the same pages (desktop, mobile, AMP): one site for scoping.
HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
# Scripts and folders that serve another form of an article (print, send to a friend, e-mail):
# legacy sites link one of each from every story (`print.asp?id=1033`, `sendfriend.php?id=7`).
PAGE_VARIANT = re.compile(
    r"/(?:print|printer|printable|print[_-]?(?:news|article|page|version|friendly)|"
    r"send[_-]?(?:to[_-]?)?(?:a[_-]?)?friend|tell[_-]?(?:a[_-]?)?friend|sendmail|"
    r"e?mail[_-]?(?:article|news|friend|page|story)|email)"
    r"(?:\.(?:aspx?|php\d?|html?|cfm|jsp|cgi|pl)|/)",
    re.IGNORECASE,
)


def is_page_variant(url: str) -> bool:
    """True for the printer or send-to-friend form of an article (not the article itself)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    return bool(PAGE_VARIANT.search(path + ("/" if not path.endswith("/") else "")))


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only track a visit and never select content."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def is_rendering_param(name: str, value: str) -> bool:
    """True for `?amp`, `?amp=1`, `?print=1`, `?output=print`, `?outputType=amp` and kin."""
    name = name.lower()
    if name not in RENDERING_PARAMS:
        return False
    if name in ("output", "view", "format", "outputtype"):
        return value.lower() in ("amp", "print", "printable", "printer")
    return value.lower() in RENDERING_VALUES


def canonical_url(url: str) -> str:
    """Return the comparable form of `url`.

    Scheme and host lower-cased, default port and fragment dropped, tracking parameters and AMP or
    print switches (`?amp`, `?print=1`, `?output=amp`) removed, the remaining parameters sorted,
    repeated slashes collapsed, and percent-encoding made uniform (UTF-8, upper-case hex,
    unreserved characters decoded), so the same Arabic slug always reads the same.
    Raises ValueError for a malformed URL (an invalid port, say).
    """
    # w3lib: uniform percent-encoding and sorted query, as Scrapy's own fingerprints use.
    url = canonicalize_url(safe_url_string(url.strip(), encoding="utf-8"), keep_blank_values=True)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = _port(parts)
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets (found by the fuzz test)
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(k) and not is_rendering_param(k, v)
    ]
    path = MULTIPLE_SLASHES.sub("/", parts.path) or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query, safe="/:,"), ""))


def url_key(url: str) -> str:
    """The canonical URL without a trailing slash: `/a/` and `/a` are one page to the crawler.

    Used to decide what was already fetched, never stored (the site's own spelling is kept).
    """
    canonical = canonical_url(url)
    parts = urlsplit(canonical)
    if len(parts.path) > 1 and parts.path.endswith("/"):
        return urlunsplit(parts._replace(path=parts.path.rstrip("/") or "/"))
    return canonical


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError as exc:  # "host:abc" in a scraped href
        raise ValueError(f"invalid port in URL {parts.geturl()!r}") from exc


def site_scope(url: str) -> str:
    """The part of `url` that says which site it belongs to: host and non-default port, without
    a www./m./amp./mobile. prefix. Raises ValueError for a malformed URL."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    for prefix in HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    port = _port(parts)
    if port is None or DEFAULT_PORTS.get(parts.scheme.lower()) == port:
        return host
    return f"{host}:{port}"


def same_site(url_a: str, url_b: str) -> bool:
    """True when two URLs belong to one site (see `site_scope`); False if either is malformed."""
    try:
        return site_scope(url_a) == site_scope(url_b)
    except ValueError:
        return False


def url_host(url: str) -> str:
    """Lower-case host of `url`, without port."""
    return (urlsplit(url).hostname or "").lower()
