# SPDX-License-Identifier: MIT
"""Edge geometries: orient them from u to v and measure them in Lambert-93.

Readers get lines that may be missing, run backwards or end a hair away from their nodes; routing
and drawing need every edge line to start exactly at u and end exactly at v, and lengths in metres,
so the fixes live here, once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import LineString

from mobility.geo import metric_transformer

Point = tuple[float, float]

SNAP_DEGREES = 1e-4
"""Largest gap (about 10 m) between a line end and its node that is closed by moving the line end;
a wider gap is bridged by adding the node as a new vertex, so no line is silently bent far."""


def build_straight_line(start: Point, end: Point) -> LineString:
    """Return the two-point line used when a source edge carries no geometry."""
    return LineString([start, end])


def orient_line(line: LineString, start: Point, end: Point) -> LineString:
    """Return ``line`` running from ``start`` (node u) to ``end`` (node v).

    Parameters
    ----------
    line
        The source geometry, in either direction.
    start, end
        Coordinates of u and v (lon, lat).

    Returns
    -------
    LineString
        The line reversed when it runs v→u, with its ends snapped to the nodes (or extended to them
        when farther than :data:`SNAP_DEGREES`), so that downstream code can rely on the contract
        without re-checking.
    """
    coords = shapely.get_coordinates(line)
    if tuple(coords[0]) == tuple(start) and tuple(coords[-1]) == tuple(end):
        return line  # the usual case: nothing to fix
    u = np.asarray(start, dtype=float)
    v = np.asarray(end, dtype=float)
    if not np.array_equal(u, v):
        forward = _gap(coords[0], u) + _gap(coords[-1], v)
        backward = _gap(coords[0], v) + _gap(coords[-1], u)
        if backward < forward:
            coords = coords[::-1]
    coords = _attach_end(coords, u, at_start=True)
    coords = _attach_end(coords, v, at_start=False)
    return LineString(coords)


def _gap(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
    return float(np.hypot(*(a - b)))


def _attach_end(
    coords: npt.NDArray[np.float64], node: npt.NDArray[np.float64], *, at_start: bool
) -> npt.NDArray[np.float64]:
    index = 0 if at_start else -1
    gap = _gap(coords[index], node)
    if gap == 0.0:
        return coords
    if gap <= SNAP_DEGREES:
        coords = coords.copy()
        coords[index] = node
        return coords
    return np.vstack([node, coords]) if at_start else np.vstack([coords, node])


def measure_lengths_m(lines: Sequence[LineString]) -> npt.NDArray[np.float64]:
    """Measure lon/lat lines in Lambert-93 metres, all at once (a loop of ``to_metric`` is slow).

    Parameters
    ----------
    lines
        Lines in EPSG:4326.

    Returns
    -------
    numpy.ndarray
        One length in metres per line, in input order.
    """
    if not lines:
        return np.zeros(0, dtype=float)
    transformer = metric_transformer()

    def project(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        xs, ys = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([xs, ys])

    geometries = np.empty(len(lines), dtype=object)
    geometries[:] = list(lines)
    projected = shapely.transform(geometries, project)
    return np.asarray(shapely.length(projected), dtype=float)


def reverse_line(line: LineString) -> LineString:
    """Return the line run backwards, for the reverse copy of an edge."""
    return shapely.reverse(line)
