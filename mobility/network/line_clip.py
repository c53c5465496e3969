# SPDX-License-Identifier: MIT
"""Cut street lines at the edge of a clip outline, keeping their drawing direction.

The direction a line is drawn in carries meaning (a one-way street runs along it), and an overlay
is free to return the parts of a line in any order or direction, so every part cut from a line is
turned back to run the way the line did.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

GeometryArray = npt.NDArray[np.object_]


@dataclass(frozen=True, slots=True)
class ClippedLines:
    """The lines kept: each with the index of the input line it comes from (in input order)."""

    lines: GeometryArray
    row_index: npt.NDArray[np.int64]
    outside: int
    cut: int
    clipped: bool = True


def clip_lines(lines: GeometryArray, outline: BaseGeometry | None) -> ClippedLines:
    """Keep the lines inside ``outline`` whole and the parts of those crossing its edge.

    Parameters
    ----------
    lines
        LineStrings, in the same CRS as ``outline``.
    outline
        A polygon, or ``None`` to keep every line.

    Returns
    -------
    ClippedLines
        ``outside`` lines did not touch the outline, ``cut`` lines crossed its edge.
    """
    count = len(lines)
    if outline is None:
        return ClippedLines(lines, np.arange(count, dtype=np.int64), 0, 0, clipped=False)
    shapely.prepare(outline)
    inside = shapely.covered_by(lines, outline)
    touching = shapely.intersects(lines, outline)
    crossing = np.flatnonzero(touching & ~inside)
    cut_parts, cut_owner = _cut_parts(lines[crossing], outline)
    owner = np.concatenate([np.flatnonzero(inside), crossing[cut_owner]]).astype(np.int64)
    kept = np.concatenate([lines[inside], cut_parts])
    order = np.argsort(owner, kind="stable")
    return ClippedLines(
        lines=kept[order],
        row_index=owner[order],
        outside=int(count - np.count_nonzero(touching)),
        cut=len(crossing),
    )


def _cut_parts(
    lines: GeometryArray, outline: BaseGeometry
) -> tuple[GeometryArray, npt.NDArray[np.int64]]:
    """Return the line parts of each line inside the outline, each drawn the way its line is."""
    pieces = shapely.intersection(lines, outline)
    parts, owner = shapely.get_parts(pieces, return_index=True)
    is_line = shapely.get_type_id(parts) == shapely.GeometryType.LINESTRING
    parts, owner = parts[is_line], owner[is_line]
    if len(parts) == 0:
        return np.empty(0, dtype=object), np.empty(0, dtype=np.int64)
    source = lines[owner]
    start = shapely.line_locate_point(source, shapely.get_point(parts, 0))
    end = shapely.line_locate_point(source, shapely.get_point(parts, -1))
    backwards = end < start
    parts = parts.copy()
    parts[backwards] = shapely.reverse(parts[backwards])
    order = np.lexsort((np.minimum(start, end), owner))
    return np.asarray(parts[order], dtype=object), owner[order].astype(np.int64)
