# SPDX-License-Identifier: MIT
"""Vectorised index helpers shared by the street engine, the service areas and siting."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def ranges(starts: IntArray, counts: IntArray) -> IntArray:
    """Concatenate ``arange(start, start + count)`` for every pair, vectorised."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    result: IntArray = np.repeat(starts.astype(np.int64) - offsets, counts) + np.arange(total)
    return result


def sorted_unique(values: IntArray) -> IntArray:
    """Return the distinct values, sorted.

    A sort and a mask: numpy's hashing unique is slower on the large integer keys used here.
    """
    ordered = np.sort(values)
    result: IntArray = ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(values) else ordered
    return result
