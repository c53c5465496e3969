# SPDX-License-Identifier: MIT
"""Which refused rows of a file stand in a commune's way: those within its surroundings.

A file of a region or of the whole country holds bad rows far from the commune being loaded.
Those rows would not have been kept had they been valid, so, as for the national IRVE file,
they are counted and never a reason to refuse the load. A refused row whose position was read
before its fault is placed; one without a known position may stand anywhere, so it counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mobility.formats.report import RejectedRow
from mobility.places import Place


@dataclass(frozen=True)
class RefusalSplit:
    """The refusals that count, and those of rows standing outside the surroundings."""

    counted: list[RejectedRow]
    elsewhere: list[RejectedRow]

    @property
    def counted_rows(self) -> int:
        """Return how many distinct rows the counted refusals name."""
        return distinct_rows(self.counted)

    @property
    def elsewhere_rows(self) -> int:
        """Return how many distinct rows outside the surroundings were refused."""
        return distinct_rows(self.elsewhere)


def split_refusals(refused: list[RejectedRow], place: Place) -> RefusalSplit:
    """Split a file's refusals by where their rows stand (see the module docstring)."""
    placed = [(index, row.position) for index, row in enumerate(refused) if row.position]
    outside: set[int] = set()
    if placed:
        lons = np.asarray([position[0] for _, position in placed], dtype=np.float64)
        lats = np.asarray([position[1] for _, position in placed], dtype=np.float64)
        inside = place.inside_surroundings(lons, lats)
        outside = {index for (index, _), keep in zip(placed, inside, strict=True) if not keep}
    return RefusalSplit(
        counted=[row for index, row in enumerate(refused) if index not in outside],
        elsewhere=[row for index, row in enumerate(refused) if index in outside],
    )


def distinct_rows(refused: list[RejectedRow]) -> int:
    """Return how many distinct rows the refusals name (a row may be refused for two fields)."""
    return len({(row.line, row.id) for row in refused})
