"""Figures measured alternately with their reference, repeated, summarised as median
and spread (bench/README.md, "How figures are measured").

One repeat is ``ref, f1, ref, f2, ref, …, fN, ref``: every figure sits between two
reference measurements, and its ratio in that repeat is its throughput over the mean
of those two. Over the repeats the table shows the median throughput, the median
ratio and the spread (lowest–highest) of each, so a burst of load from another
process on the shared machine shows as spread instead of silently moving a ratio.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.common import LoadResult


@dataclass
class Series:
    """One figure over the repeats: its results and its reference beside each."""

    name: str
    results: list[LoadResult] = field(default_factory=list)
    references: list[float] = field(default_factory=list)  # req/s, mean of the two neighbours

    @property
    def rps(self) -> list[float]:
        return [r.rps for r in self.results]

    @property
    def ratios(self) -> list[float]:
        return [r / ref if ref else 0.0 for r, ref in zip(self.rps, self.references, strict=True)]

    @property
    def errors(self) -> int:
        return sum(r.error_count for r in self.results)

    def p95_ms(self) -> float:
        return statistics.median(r.pct(95) for r in self.results) * 1000


def spread(values: list[float], fmt: str = "{:,.1f}") -> str:
    """"median (lowest–highest)"."""
    if not values:
        return "—"
    med = fmt.format(statistics.median(values))
    return med if len(values) == 1 else f"{med} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def alternate(reference: Callable[[], LoadResult], figures: dict[str, Callable[[], LoadResult]],
              repeats: int, progress: Callable[[str], None] = print) -> tuple[dict[str, Series], list[float]]:
    """Measure every figure `repeats` times, each between two reference runs.

    Returns the series per figure and every reference measurement (req/s)."""
    series = {name: Series(name) for name in figures}
    refs: list[float] = []
    for rep in range(repeats):
        before = reference().rps
        refs.append(before)
        for name, measure in figures.items():
            result = measure()
            after = reference().rps
            refs.append(after)
            series[name].results.append(result)
            series[name].references.append((before + after) / 2)
            progress(f"  [{rep + 1}/{repeats}] {name}: {result.rps:,.1f} req/s (reference {before:,.0f}/{after:,.0f})")
            before = after
    return series, refs
