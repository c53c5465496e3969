# SPDX-License-Identifier: MIT
"""Street lines as plain arrays (every vertex, and where each line starts), lines made on demand.

A prepared commune reads its street lines back as shapely's ragged arrays. Turning some 49,000
of them into GEOS lines costs a quarter of a second (Paris), and the first answers do not need
them: snapping reads the vertices, which are here already. The GEOS lines are made once, when
an analysis first draws with them (service areas, street cuts, siting candidates).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import shapely

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ObjectArray = npt.NDArray[np.object_]


@dataclass(frozen=True, eq=False)
class RaggedLines:
    """Line strings as ``coords`` (one row of x, y per vertex) and ``offsets`` (lines + 1).

    Line ``i`` holds the vertices ``coords[offsets[i]:offsets[i + 1]]``, as
    :func:`shapely.to_ragged_array` gives them.
    """

    coords: FloatArray
    offsets: IntArray
    _made: dict[str, ObjectArray] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def of(cls, lines: ObjectArray) -> RaggedLines:
        """Return the arrays of plane line strings (a line with a z would lose it: refused)."""
        kind, coords, (offsets,) = shapely.to_ragged_array(lines)
        if kind != shapely.GeometryType.LINESTRING or coords.shape[1] != 2:
            raise ValueError("street lines must be plane line strings")
        return cls(coords=coords, offsets=np.asarray(offsets, dtype=np.int64))

    @property
    def count(self) -> int:
        """Number of lines."""
        return len(self.offsets) - 1

    def geometries(self) -> ObjectArray:
        """Return the GEOS lines, made on first use and kept (shared by every caller)."""
        with self._lock:
            if "lines" not in self._made:
                self._made["lines"] = np.asarray(
                    shapely.from_ragged_array(
                        shapely.GeometryType.LINESTRING, self.coords, (self.offsets,)
                    ),
                    dtype=object,
                )
            return self._made["lines"]

    @property
    def made(self) -> bool:
        """Whether the GEOS lines were made (they then weigh on the memory too)."""
        return "lines" in self._made

    def coordinates(self, rows: IntArray) -> tuple[FloatArray, IntArray]:
        """Return the vertices of the given lines and, for each, its line's position in ``rows``.

        The same arrays as ``shapely.get_coordinates(lines[rows], return_index=True)``.
        """
        rows = np.asarray(rows, dtype=np.int64)
        starts = self.offsets[rows]
        counts = self.offsets[rows + 1] - starts
        index = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
        first = np.cumsum(counts) - counts
        vertex = np.arange(len(index), dtype=np.int64) - first[index] + starts[index]
        return self.coords[vertex], index

    def nbytes(self) -> int:
        """Bytes of the arrays (the GEOS lines, once made, are weighed by the edge table)."""
        return int(self.coords.nbytes + self.offsets.nbytes)
