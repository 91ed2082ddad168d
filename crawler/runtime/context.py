"""The facts of a crawl run its parts share: the sites it covers, and whether this process is a
distributed worker.

The spider decides the sites (from its arguments and the registry) and publishes them here when
it is built; stages, extensions and the storage layer read them with `RunContext.of(crawler)`,
never off the spider.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.registry import Site


@dataclass(frozen=True)
class RunContext:
    sites: tuple[Site, ...] = ()
    distributed: bool = False  # a worker of a shared Redis queue sees only its share of each site
    sites_by_name: dict[str, Site] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sites_by_name", {s.name: s for s in self.sites})

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sites]

    def publish(self, crawler) -> RunContext:
        crawler.akhbar_run = self
        return self

    @staticmethod
    def of(crawler) -> RunContext:
        """The run's context (empty before the spider published it)."""
        return getattr(crawler, "akhbar_run", None) or EMPTY


EMPTY = RunContext()
