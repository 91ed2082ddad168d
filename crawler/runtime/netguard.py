"""No request from a site's pages to a loopback, private, link-local or otherwise internal address
that is not the site's own.

A page, a sitemap or a redirect of a public site can point anywhere, including the cloud
metadata endpoint (169.254.169.254), the crawler's own machine (127.0.0.1, `localhost`,
0x7f000001) or the internal network. A downloader middleware refuses such requests before they
are sent, redirects included (each hop passes through it again), and counts them as
`akhbar/fetch_error/blocked_address`. A site whose own `base_url` is on such an address (a local
mirror, the demo, the tests) may still reach that host and port, and nothing else internal.

Limit: host names are judged as written, not resolved; a public name that resolves to an internal
address (DNS rebinding) is not caught here but by the network's own egress rules.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler.runtime.context import RunContext
from crawler.stats import count

logger = logging.getLogger(__name__)


def internal_address(host: str) -> bool:
    """True when `host` (as written in a URL) names this machine or a non-public network."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        try:  # the forms browsers and libcurl accept too: 2130706433, 0x7f000001, 0177.0.0.1
            address = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return False  # a name
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def _endpoint(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port


class InternalAddressGuard:
    """Downloader middleware; see the module docstring."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> InternalAddressGuard:
        return cls(crawler)

    def process_request(self, request, spider=None):
        host, port = _endpoint(request.url)
        if not internal_address(host):
            return None
        run = RunContext.of(self.crawler)
        site = run.sites_by_name.get(request.meta.get("site"))
        # The site's own address; for Scrapy's own requests (robots.txt), any site's of the run.
        own = [site] if site is not None else run.sites
        if any(_endpoint(s.base_url) == (host, port) for s in own):
            return None
        count(self.crawler.stats, "fetch_error/blocked_address", site=site.name if site else None)
        logger.warning("Refused %s: an internal address that is not the site's own", request.url)
        raise IgnoreRequest(f"blocked internal address: {request.url}")
