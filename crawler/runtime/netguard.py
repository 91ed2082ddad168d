"""No request from a site's pages to a loopback, private, link-local or otherwise internal address
that is not the site's own.

A page, a sitemap or a redirect of a public site can point anywhere, including the cloud
metadata endpoint (169.254.169.254), the crawler's own machine (127.0.0.1, `localhost`,
0x7f000001) or the internal network. A downloader middleware refuses such requests before they
are sent, redirects included (each hop passes through it again), and counts them as
`akhbar/fetch_error/blocked_address`. A site whose own `base_url` is on such an address (a local
mirror, the demo, the tests) may still reach that host and port, and nothing else internal.

A name is judged by what it resolves to as well: Scrapy's resolver is replaced by
`GuardedResolver` (`TWISTED_DNS_RESOLVER`), which refuses a name that resolves to an internal
address (a public name pointed at 127.0.0.1 or 169.254.169.254, DNS rebinding) unless it is the
host of a site of the run, before any connection is made. Pages rendered in the browser resolve
names in Chromium, where this does not reach: only `render_js` sites and the fallback render go
there, and only to URLs that passed the middleware.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from crawler.runtime.context import RunContext
from crawler.stats import count

logger = logging.getLogger(__name__)

# Host names of the sites of the crawls running in this process: they may resolve to anything.
_site_hosts: set[str] = set()


# Names refused for what they resolve to: later requests to them are refused before the lookup.
_refused_names: set[str] = set()


class BlockedAddress(DNSLookupError):
    """A name refused because it resolves to an internal address. Twisted reports any lookup
    failure as a plain DNSLookupError (Scrapy: CannotResolveHostError); `resolved_internally`
    tells them apart."""


def resolved_internally(url: str) -> bool:
    """True when the host of `url` was refused for resolving to an internal address."""
    return _endpoint(url)[0] in _refused_names


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
        crawler.signals.connect(self._allow_site_hosts, signal=signals.spider_opened)

    def _allow_site_hosts(self) -> None:
        _site_hosts.update(_endpoint(s.base_url)[0] for s in RunContext.of(self.crawler).sites)

    @classmethod
    def from_crawler(cls, crawler) -> InternalAddressGuard:
        return cls(crawler)

    def process_request(self, request, spider=None):
        host, port = _endpoint(request.url)
        if host in _refused_names:  # a retry, or another page of a name refused already
            self._refuse(
                request, RunContext.of(self.crawler).sites_by_name.get(request.meta.get("site"))
            )
        if not internal_address(host):
            return None
        run = RunContext.of(self.crawler)
        site = run.sites_by_name.get(request.meta.get("site"))
        # The site's own address; for Scrapy's own requests (robots.txt), any site's of the run.
        own = [site] if site is not None else run.sites
        if any(_endpoint(s.base_url) == (host, port) for s in own):
            return None
        self._refuse(request, site)

    def _refuse(self, request, site) -> None:
        if site is not None:  # Scrapy's own requests (robots.txt) follow a page's: counted there
            count(self.crawler.stats, "fetch_error/blocked_address", site=site.name)
        logger.warning("Refused %s: an internal address that is not the site's own", request.url)
        raise IgnoreRequest(f"blocked internal address: {request.url}")


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's default resolver, refusing names that resolve to an internal address; see the
    module docstring."""

    def getHostByName(self, name: str, timeout=()):
        resolved = super().getHostByName(name, timeout)
        resolved.addCallback(self._check, name)
        return resolved

    @staticmethod
    def _check(address: str, name: str) -> str:
        host = name.lower().rstrip(".")
        if internal_address(address) and host not in _site_hosts:
            _refused_names.add(host)
            logger.warning("Refused %s: it resolves to the internal address %s", name, address)
            raise BlockedAddress(f"{name} resolves to the internal address {address}")
        return address
