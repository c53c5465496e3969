# SPDX-License-Identifier: MIT
"""Which commune a point lies in, over the outlines of a boundary file.

An import gives every asset its own commune code from its position, not from what the source file
claims (the national IRVE file's ``code_insee_commune`` is sometimes missing or wrong). Outlines
may overlap: a file holding Paris (75056) and its arrondissements (75101 to 75120) places a point
of the 10e in both, and the most specific wins, the smallest outline by area (Lambert-93), then
the lower code. A point on the line between two communes goes the same way, never to both.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from mobility.boundary._read import BoundaryRecord
from mobility.geo import metric_transformer


class BoundaryIndex:
    """A spatial index of commune outlines answering the code at many points at once."""

    def __init__(self, records: Sequence[BoundaryRecord]) -> None:
        order = sorted(range(len(records)), key=lambda i: records[i].code)
        self._codes = np.array([records[i].code for i in order], dtype=object)
        geoms = np.array([records[i].geometry for i in order], dtype=object)
        self._areas_m2 = shapely.area(
            shapely.transform(
                geoms, lambda xy: np.column_stack(metric_transformer().transform(*xy.T))
            )
        )
        self._tree = shapely.STRtree(geoms)

    def __len__(self) -> int:
        """Return how many outlines the index holds."""
        return len(self._codes)

    def codes_at(self, lons: ArrayLike, lats: ArrayLike) -> NDArray[np.object_]:
        """Return the INSEE code of the commune each point (lon, lat) lies in, None outside all.

        Vectorised: one STRtree query for every point. Points with a missing (NaN) coordinate
        get None.
        """
        x = np.asarray(lons, dtype=np.float64)
        y = np.asarray(lats, dtype=np.float64)
        found = np.full(x.shape, None, dtype=object)
        valid = np.isfinite(x) & np.isfinite(y)
        if not valid.any() or len(self._codes) == 0:
            return found
        positions = np.flatnonzero(valid)
        points = shapely.points(x[positions], y[positions])
        point_idx, outline_idx = self._tree.query(points, predicate="intersects")
        # Smallest outline first; the outlines are sorted by code, so ties go to the lower code.
        order = np.lexsort((outline_idx, self._areas_m2[outline_idx], point_idx))
        point_idx, outline_idx = point_idx[order], outline_idx[order]
        first = np.flatnonzero(np.r_[True, point_idx[1:] != point_idx[:-1]])
        found[positions[point_idx[first]]] = self._codes[outline_idx[first]]
        return found


def codes_at(
    records: Sequence[BoundaryRecord], lons: ArrayLike, lats: ArrayLike
) -> NDArray[np.object_]:
    """Return the commune code at each point over ``records`` (see :class:`BoundaryIndex`).

    Builds the index for one call; keep a :class:`BoundaryIndex` to answer several.
    """
    return BoundaryIndex(records).codes_at(lons, lats)
