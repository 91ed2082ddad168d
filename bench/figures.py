"""What the benchmarks print of a list of timings."""

from __future__ import annotations

import statistics


def median_p95(values: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95)]
