# SPDX-License-Identifier: MIT
"""A mode view as flat arrays: build the :class:`EdgeTable` and the CSR graphs routers search.

Routing many points over a commune's streets with networkx costs seconds; scipy's compiled
Dijkstra on a compressed sparse row (CSR) matrix costs milliseconds. The builders here are the
only step that walks networkx; everything after works on the table's arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import shapely
from shapely.geometry import LineString

from mobility.errors import InvalidInputError
from mobility.geo import metric_transformer
from mobility.network.edge_table import (
    WEIGHTS,
    BoolArray,
    EdgeTable,
    FloatArray,
    IntArray,
    ObjectArray,
    Weight,
    csr_from_edges,
    csr_nbytes,
)
from mobility.network.reverse_pairs import pair_reverses

__all__ = [
    "WEIGHTS",
    "BoolArray",
    "EdgeTable",
    "FloatArray",
    "IntArray",
    "ObjectArray",
    "Weight",
    "build_csr",
    "csr_from_edges",
    "csr_nbytes",
    "edge_table_from_arrays",
    "edge_table_from_view",
]


def build_csr(view: nx.MultiDiGraph, weight: Weight) -> tuple[sp.csr_matrix, IntArray]:
    """Return a mode view as a CSR matrix and the node id of every row.

    Parameters
    ----------
    view
        A mode view (see :func:`mobility.network.views.build_mode_view`).
    weight
        ``"length"`` (metres) or ``"time"`` (seconds, from ``travel_time_s``).
    """
    table = edge_table_from_view(view)
    return table.csr(weight), table.node_ids


def edge_table_from_view(view: nx.MultiDiGraph) -> EdgeTable:
    """Read a mode view into an :class:`EdgeTable` (the only step that walks networkx).

    Raises
    ------
    InvalidInputError
        When the view has no edge, or an edge lacks a positive length or a speed.
    """
    if view.number_of_edges() == 0:
        raise InvalidInputError("The street view has no edge to route on.")
    nodes = list(view.nodes)
    position = {node: index for index, node in enumerate(nodes)}
    lon = np.array([float(view.nodes[node]["x"]) for node in nodes])
    lat = np.array([float(view.nodes[node]["y"]) for node in nodes])
    rows = list(view.edges(keys=True, data=True))
    length = np.array([float(attrs.get("length", np.nan)) for _, _, _, attrs in rows])
    seconds = np.array([_travel_time_s(attrs) for _, _, _, attrs in rows])
    lines = np.empty(len(rows), dtype=object)
    lines[:] = [attrs.get("geometry") for _, _, _, attrs in rows]
    return _assemble(
        node_ids=np.array([int(node) for node in nodes], dtype=np.int64),
        lon=lon,
        lat=lat,
        u=np.array([position[u] for u, _, _, _ in rows], dtype=np.int64),
        v=np.array([position[v] for _, v, _, _ in rows], dtype=np.int64),
        length=length,
        seconds=seconds,
        lines=lines,
        name=[attrs.get("name") for _, _, _, attrs in rows],
        key=np.array([_int_key(key) for _, _, key, _ in rows], dtype=np.int64),
    )


def _travel_time_s(attrs: dict[str, Any]) -> float:
    if "travel_time_s" in attrs:
        return float(attrs["travel_time_s"])
    speed = float(attrs.get("speed_kmh", np.nan))
    return float(attrs.get("length", np.nan)) / (speed / 3.6)


def _int_key(key: object) -> int:
    return key if isinstance(key, int) else -1


def edge_table_from_arrays(
    node_lon: npt.ArrayLike,
    node_lat: npt.ArrayLike,
    u: npt.ArrayLike,
    v: npt.ArrayLike,
    length_m: npt.ArrayLike,
    speed_kmh: npt.ArrayLike,
    geometry: Sequence[LineString] | None = None,
) -> EdgeTable:
    """Build an :class:`EdgeTable` straight from arrays (node ids are the row numbers).

    Parameters
    ----------
    node_lon, node_lat
        Node coordinates, EPSG:4326.
    u, v
        Tail and head node index of every directed edge (a two-way street is two edges; a
        two-way loop too, the second drawn round the other way, since only lines tell a loop's
        way back from another loop of its crossing).
    length_m, speed_kmh
        Positive length and speed of every edge.
    geometry
        Lon/lat line of every edge, oriented u→v; ``None`` for straight lines, which are only
        built when points are first snapped.

    Raises
    ------
    InvalidInputError
        On arrays of mismatched sizes, node indexes out of range, or non-positive values.
    """
    lon = np.asarray(node_lon, dtype=np.float64).ravel()
    lat = np.asarray(node_lat, dtype=np.float64).ravel()
    tails = np.asarray(u, dtype=np.int64).ravel()
    heads = np.asarray(v, dtype=np.int64).ravel()
    length = np.asarray(length_m, dtype=np.float64).ravel()
    speed = np.broadcast_to(np.asarray(speed_kmh, dtype=np.float64), length.shape)
    if len(lon) != len(lat):
        raise InvalidInputError("node_lon and node_lat must have the same size.")
    if not len(tails) == len(heads) == len(length):
        raise InvalidInputError("u, v and length_m must have the same size.")
    if len(tails) and (
        min(tails.min(), heads.min()) < 0 or max(tails.max(), heads.max()) >= len(lon)
    ):
        raise InvalidInputError("u and v must be node indexes in [0, number of nodes).")
    if not np.all(np.isfinite(speed) & (speed > 0)):
        raise InvalidInputError("Every speed must be positive and finite.")
    lines: ObjectArray | None = None
    if geometry is not None:
        if len(geometry) != len(tails):
            raise InvalidInputError("geometry must hold one line per edge.")
        lines = np.empty(len(tails), dtype=object)
        lines[:] = list(geometry)
    return _assemble(
        node_ids=np.arange(len(lon), dtype=np.int64),
        lon=lon,
        lat=lat,
        u=tails,
        v=heads,
        length=length,
        seconds=length / (speed / 3.6),
        lines=lines,
        name=None,
        key=np.broadcast_to(np.zeros(1, dtype=np.int64), tails.shape),  # one shared 0
    )


def _assemble(
    *,
    node_ids: IntArray,
    lon: FloatArray,
    lat: FloatArray,
    u: IntArray,
    v: IntArray,
    length: FloatArray,
    seconds: FloatArray,
    lines: ObjectArray | None,
    name: list[Any] | None,
    key: IntArray,
) -> EdgeTable:
    if len(u) == 0:
        raise InvalidInputError("The street network has no edge to route on.")
    if not np.all(np.isfinite(lon) & np.isfinite(lat)):
        raise InvalidInputError("Every node needs finite coordinates.")
    if not np.all(np.isfinite(length) & (length > 0)):
        raise InvalidInputError("Every edge needs a positive, finite length.")
    if not np.all(np.isfinite(seconds) & (seconds > 0)):
        raise InvalidInputError("Every edge needs a positive speed or travel time.")
    x, y = metric_transformer().transform(lon, lat)
    node_x = np.asarray(x, dtype=np.float64)
    node_y = np.asarray(y, dtype=np.float64)
    metric: ObjectArray | None = None
    if lines is not None:
        metric = _project_lines(lines, lon, lat, u, v)
    if name is not None:
        names = np.full(len(u), None, dtype=object)
        names[:] = name
    else:  # no names: one shared None, not a pointer per edge
        names = np.broadcast_to(np.full(1, None, dtype=object), u.shape)
    return EdgeTable(
        node_ids=node_ids,
        node_x_m=node_x,
        node_y_m=node_y,
        u_index=u,
        v_index=v,
        length_m=length,
        travel_time_s=seconds,
        reverse_of=pair_reverses(u, v, metric),
        name=names,
        key=key,
        line_metric=metric,
    )


def _project_lines(
    lines: ObjectArray, lon: FloatArray, lat: FloatArray, u: IntArray, v: IntArray
) -> ObjectArray:
    """Project lon/lat lines to Lambert-93; a missing line becomes the straight one."""
    missing = np.array([not isinstance(line, LineString) or line.is_empty for line in lines])
    if missing.any():
        where = np.flatnonzero(missing)
        coords = np.empty((2 * len(where), 2), dtype=np.float64)
        coords[0::2, 0], coords[0::2, 1] = lon[u[where]], lat[u[where]]
        coords[1::2, 0], coords[1::2, 1] = lon[v[where]], lat[v[where]]
        lines = lines.copy()
        lines[where] = shapely.linestrings(coords, indices=np.repeat(np.arange(len(where)), 2))
    transformer = metric_transformer()

    def project(coords: FloatArray) -> FloatArray:
        xs, ys = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([xs, ys])

    return np.asarray(shapely.transform(lines, project), dtype=object)
