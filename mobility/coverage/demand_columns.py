# SPDX-License-Identifier: MIT
"""A commune's demand points as plain columns, made once per context, read by every answer.

A coverage answer reads each home's position, population and zone. Taken from the GeoDataFrame
on every request (geometry accessors, the zone column turned to text) and grouped by zone with a
sort of some 56,000 zone names (Paris), that reading cost more than the search itself. The
columns and the zone grouping (each home's row in the sorted zone names) depend only on the
demand, so they are made once with the commune's context and shared, read-only.

A prepared commune keeps these columns as they are (:class:`PreparedDemand`): a new worker
reads them straight from the payload's arrays, and the demand's GeoDataFrame (56,000 points
rebuilt cost close to a second on Paris) is made only when an analysis first asks for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from mobility.coverage.poverty import PovertyPoints
from mobility.demand import DemandMethod, DemandPoints

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class DemandColumns:
    """Each demand point's lon, lat, population and zone; the zones sorted, and each point's.

    ``poverty`` holds what the points carry of poor households and living standards.
    """

    lon: FloatArray
    lat: FloatArray
    population: FloatArray
    zone: npt.NDArray[np.str_]
    zone_names: npt.NDArray[np.str_]
    zone_index: IntArray
    poverty: PovertyPoints

    @classmethod
    def of(cls, demand: DemandPoints | None) -> DemandColumns:
        """Read the columns of the demand points (none without a population layer)."""
        if demand is None or demand.points.empty:
            empty = np.zeros(0, dtype=np.float64)
            names = np.zeros(0, dtype=np.str_)
            return cls._frozen(
                empty,
                empty,
                empty,
                names,
                names,
                np.zeros(0, dtype=np.int64),
                PovertyPoints.of(None, 0),
            )
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
            PovertyPoints.of(points, len(points)),
        )

    @classmethod
    def from_arrays(
        cls,
        lon: FloatArray,
        lat: FloatArray,
        population: FloatArray,
        zone_names: npt.NDArray[np.str_],
        zone_index: IntArray,
        poverty: PovertyPoints,
    ) -> DemandColumns:
        """Return the columns read back from stored arrays, shared as they are (not copied).

        Each point's zone is its row in the sorted names, as :meth:`of` groups them.
        """
        zone = zone_names[zone_index]
        for array in (lon, lat, population, zone_names, zone_index, zone):
            array.flags.writeable = False
        return cls(lon, lat, population, zone, zone_names, zone_index, poverty)

    @classmethod
    def _frozen(
        cls,
        lon: FloatArray,
        lat: FloatArray,
        population: FloatArray,
        zone: npt.NDArray[np.str_],
        zone_names: npt.NDArray[np.str_],
        zone_index: IntArray,
        poverty: PovertyPoints,
    ) -> DemandColumns:
        return cls(
            _read_only(lon),
            _read_only(lat),
            _read_only(population),
            _read_only(zone),
            _read_only(zone_names),
            _read_only(zone_index),
            poverty,
        )


A = TypeVar("A", bound=np.ndarray)


def _read_only(array: A) -> A:
    """Return a copy no one can write to: the columns are shared by every answer."""
    copy: A = array.copy()
    copy.flags.writeable = False
    return copy


class PreparedDemand:
    """A commune's demand points as prepared: the columns at once, the GeoDataFrame when asked.

    ``make_points`` builds the points (called once, under a lock, by the first to ask), which
    were spread by ``method``.
    """

    def __init__(
        self,
        columns: DemandColumns,
        method: DemandMethod,
        make_points: Callable[[], DemandPoints],
    ) -> None:
        self.columns = columns
        self.method = method
        self._make_points = make_points
        self._points: DemandPoints | None = None
        self._lock = threading.Lock()

    @classmethod
    def of(cls, demand: DemandPoints) -> PreparedDemand:
        """Return a commune's demand as built from its sources (the points are there)."""
        prepared = cls(DemandColumns.of(demand), demand.method, lambda: demand)
        prepared._points = demand
        return prepared

    @property
    def made(self) -> bool:
        """Whether the demand points were made (or given)."""
        return self._points is not None

    def points(self) -> DemandPoints:
        """Return the demand points, made on first use and kept."""
        with self._lock:
            if self._points is None:
                self._points = self._make_points()
            return self._points
