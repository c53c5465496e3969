# SPDX-License-Identifier: MIT
"""A commune's demand points as plain columns, made once per context, read by every answer.

A coverage answer reads each home's position, population and zone. Taken from the GeoDataFrame
on every request (geometry accessors, the zone column turned to text) and grouped by zone with a
sort of some 56,000 zone names (Paris), that reading cost more than the search itself. The
columns and the zone grouping (each home's row in the sorted zone names) depend only on the
demand, so they are made once with the commune's context and shared, read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from mobility.demand import DemandPoints

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class DemandColumns:
    """Each demand point's lon, lat, population and zone; the zones sorted, and each point's."""

    lon: FloatArray
    lat: FloatArray
    population: FloatArray
    zone: npt.NDArray[np.str_]
    zone_names: npt.NDArray[np.str_]
    zone_index: IntArray

    @classmethod
    def of(cls, demand: DemandPoints | None) -> DemandColumns:
        """Read the columns of the demand points (none without a population layer)."""
        if demand is None or demand.points.empty:
            empty = np.zeros(0, dtype=np.float64)
            names = np.zeros(0, dtype=np.str_)
            return cls._frozen(empty, empty, empty, names, names, np.zeros(0, dtype=np.int64))
        points = demand.points
        zone = points["zone"].astype(str).to_numpy()
        names, index = np.unique(zone, return_inverse=True)
        return cls._frozen(
            points.geometry.x.to_numpy(),
            points.geometry.y.to_numpy(),
            points["population"].to_numpy(dtype=np.float64),
            zone,
            names,
            index.astype(np.int64),
        )

    @classmethod
    def _frozen(
        cls,
        lon: FloatArray,
        lat: FloatArray,
        population: FloatArray,
        zone: npt.NDArray[np.str_],
        zone_names: npt.NDArray[np.str_],
        zone_index: IntArray,
    ) -> DemandColumns:
        return cls(
            _read_only(lon),
            _read_only(lat),
            _read_only(population),
            _read_only(zone),
            _read_only(zone_names),
            _read_only(zone_index),
        )


A = TypeVar("A", bound=np.ndarray)


def _read_only(array: A) -> A:
    """Return a copy no one can write to: the columns are shared by every answer."""
    copy: A = array.copy()
    copy.flags.writeable = False
    return copy
