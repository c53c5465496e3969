# SPDX-License-Identifier: MIT
"""How the benchmarks print: durations, sizes and ratios formatted alike, and their tables.

Aligned text tables for a report read in a terminal, Markdown tables (printed a row at a time,
so that a long run shows its rows as they come) for figures pasted into
``docs/performance.md``. A ratio is always ``slower / faster`` of two medians.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MB = 1e6
NONE = "–"
"""What a cell holds when there is no figure."""


def fmt_s(seconds: float | None) -> str:
    """A duration in µs, ms or s, three significant digits."""
    if seconds is None or not math.isfinite(seconds):
        return NONE
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def fmt_mb(value: float | None) -> str:
    """A byte count in MB (``n/m``: not measured)."""
    return "n/m" if value is None else f"{value / MB:,.1f} MB"


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator``, or None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or not denominator > 0:
        return None
    return numerator / denominator


def fmt_ratio(value: float | None, *, estimated: bool = False) -> str:
    """A ratio as ``12.3×`` (``~`` in front when one side was extrapolated)."""
    if value is None:
        return NONE
    return f"{'~' if estimated else ''}{value:.3g}×"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, left: int = 2) -> str:
    """An aligned text table: the first ``left`` columns flush left, the others flush right."""

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i < left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *map(line, rows)])


def markdown_header(headers: Sequence[str]) -> str:
    """The header and rule lines of a Markdown table."""
    return "| " + " | ".join(headers) + " |\n" + "|" + "---|" * len(headers)


def markdown_row(cells: Sequence[str]) -> str:
    """One row of a Markdown table."""
    return "| " + " | ".join(cells) + " |"
