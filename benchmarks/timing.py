"""The figures every queue measurement reports: milliseconds, median, p95, peak RSS."""

from __future__ import annotations

import resource
import statistics


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def stats(values: list[float]) -> dict[str, float]:
    return {"median_ms": ms(statistics.median(values)), "p95_ms": ms(p95(values))}


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
