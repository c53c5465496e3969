# SPDX-License-Identifier: MIT
"""The edge table: a mode view's directed edges as numpy arrays, and their CSR graphs.

Routing many points over a commune's streets with networkx costs seconds; scipy's compiled
Dijkstra on a compressed sparse row (CSR) matrix costs milliseconds. :class:`EdgeTable` holds
everything a query needs, as arrays, so no networkx graph is kept once the table is built (see
:mod:`mobility.network.csr` for the builders).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import shapely

from mobility.errors import InvalidInputError
from mobility.network.ragged_lines import RaggedLines

Weight = Literal["length", "time"]
WEIGHTS: tuple[Weight, ...] = ("length", "time")

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]
T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class EdgeTable:
    """The directed edges of a mode view, one row per edge, and the node coordinates.

    Attributes
    ----------
    node_ids
        Graph node id of every node index (int64).
    node_x_m, node_y_m
        Lambert-93 coordinates of every node.
    u_index, v_index
        Tail and head node index of every edge (int64).
    length_m, travel_time_s
        The edge's ``length`` and travel time (both > 0).
    reverse_of
        Index of the edge running back along the same line, or -1 (see
        :func:`mobility.network.reverse_pairs.pair_reverses`).
    name
        Street name or ``None`` (object array).
    key
        The networkx edge key (0 for edges built from arrays), to find the edge in its view.
    line_metric, line_ragged
        The Lambert-93 line of every edge as GEOS lines (a table built from a view) or as their
        vertices (a table read back from a prepared commune: the lines are made when first
        drawn); neither for straight edges.
    """

    node_ids: IntArray
    node_x_m: FloatArray
    node_y_m: FloatArray
    u_index: IntArray
    v_index: IntArray
    length_m: FloatArray
    travel_time_s: FloatArray
    reverse_of: IntArray
    name: ObjectArray
    key: IntArray
    line_metric: ObjectArray | None = field(default=None, repr=False)
    line_ragged: RaggedLines | None = field(default=None, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)
    _sizes: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_ids)

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return len(self.u_index)

    @property
    def geometry_metric(self) -> ObjectArray:
        """Lambert-93 line of every edge, oriented u→v (straight lines built on first use)."""
        if self.line_metric is not None:
            return self.line_metric
        if self.line_ragged is not None:
            return self.line_ragged.geometries()
        return self.cached("straight_lines", self._straight_lines)

    @property
    def drawn(self) -> bool:
        """Whether the edges have lines of their own (else each is straight from u to v)."""
        return self.line_metric is not None or self.line_ragged is not None

    def line_coordinates(self, rows: IntArray) -> tuple[FloatArray, IntArray]:
        """Return the vertices of the lines of ``rows`` and, for each, its row's position.

        As ``shapely.get_coordinates(self.geometry_metric[rows], return_index=True)``, read
        from the vertices when the table holds them, without making any line.
        """
        if self.line_metric is None and self.line_ragged is not None:
            return self.line_ragged.coordinates(rows)
        coords, index = shapely.get_coordinates(self.geometry_metric[rows], return_index=True)
        return coords, np.asarray(index, dtype=np.int64)

    def _straight_lines(self) -> ObjectArray:
        coords = np.empty((2 * self.n_edges, 2), dtype=np.float64)
        coords[0::2, 0] = self.node_x_m[self.u_index]
        coords[0::2, 1] = self.node_y_m[self.u_index]
        coords[1::2, 0] = self.node_x_m[self.v_index]
        coords[1::2, 1] = self.node_y_m[self.v_index]
        indices = np.repeat(np.arange(self.n_edges), 2)
        return np.asarray(shapely.linestrings(coords, indices=indices), dtype=object)

    @property
    def is_segment(self) -> BoolArray:
        """True for the edge that stands for its street segment (the lower index of a pair)."""
        index = np.arange(self.n_edges)
        return (self.reverse_of < 0) | (index < self.reverse_of)

    @property
    def segment_edges(self) -> IntArray:
        """Indexes of the edges that stand for street segments: the snapping targets."""
        return self.cached("segment_edges", lambda: np.flatnonzero(self.is_segment))

    def cost(self, weight: Weight) -> FloatArray:
        """Return the per-edge cost for a weight: metres or seconds."""
        if weight == "length":
            return self.length_m
        if weight == "time":
            return self.travel_time_s
        raise InvalidInputError(f"Unknown weight {weight!r}; use 'length' or 'time'.")

    def csr(self, weight: Weight, *, transpose: bool = False) -> sp.csr_matrix:
        """Return the graph as a CSR matrix (built once per weight and orientation).

        ``transpose`` gives the graph with every edge turned around, to search *towards* sources.
        """
        if transpose:  # built from the swapped arrays: the forward matrix is not needed for it
            return self.cached(
                f"csr_{weight}_t",
                lambda: csr_from_edges(self.n_nodes, self.v_index, self.u_index, self.cost(weight)),
            )
        return self.cached(
            f"csr_{weight}_f",
            lambda: csr_from_edges(self.n_nodes, self.u_index, self.v_index, self.cost(weight)),
        )

    def cached(self, name: str, factory: Callable[[], T]) -> T:
        """Return a derived object built on first use (trees, lines, matrices) and kept."""
        if name not in self._cache:
            self._cache[name] = factory()
        value: T = self._cache[name]
        return value

    def nbytes(self) -> int:
        """Bytes held by the table and by everything cached with it.

        Numeric arrays count their own buffer (a broadcast constant counts once), CSR matrices
        their three arrays, cached indexes their own ``nbytes()``; arrays of GEOS geometries
        (street lines, bands) are estimated from their coordinates (see :func:`object_nbytes`).
        """
        arrays = (
            self.node_ids,
            self.node_x_m,
            self.node_y_m,
            self.u_index,
            self.v_index,
            self.length_m,
            self.travel_time_s,
            self.reverse_of,
            self.key,
            self.name,
        )
        total = sum(object_nbytes(array) for array in arrays)
        lines = {"line_metric": self.line_metric} if self.line_metric is not None else {}
        if self.line_ragged is not None:
            total += self.line_ragged.nbytes()
            if self.line_ragged.made:
                lines["line_metric"] = self.line_ragged.geometries()
        for name, value in [*lines.items(), *list(self._cache.items())]:
            if isinstance(value, np.ndarray) and value.dtype == object:
                # geometry arrays never change once built: weighed once
                if name not in self._sizes:
                    self._sizes[name] = object_nbytes(value)
                total += self._sizes[name]
            else:
                total += object_nbytes(value)
        return int(total)


GEOMETRY_OVERHEAD_BYTES = 100
"""Estimated bytes of one GEOS geometry besides its coordinates (object, envelope, Python box)."""


def object_nbytes(value: object) -> int:
    """Estimated bytes held by a cached value: arrays, CSR matrices, indexes, geometries.

    A numeric array counts its buffer once even when broadcast (a stride of 0); an array of
    geometries counts 16 bytes a coordinate plus :data:`GEOMETRY_OVERHEAD_BYTES` a geometry;
    tuples, lists and dicts count their items; other objects their ``nbytes()`` when they have
    one.
    """
    if isinstance(value, sp.csr_matrix):
        return csr_nbytes(value)
    if isinstance(value, np.ndarray):
        if value.ndim and 0 in value.strides:
            return int(value.itemsize)
        if value.dtype == object:
            flat = value.ravel()
            geometries = flat[shapely.is_geometry(flat)]
            return int(
                value.nbytes
                + 16 * int(shapely.get_num_coordinates(geometries).sum())
                + GEOMETRY_OVERHEAD_BYTES * len(geometries)
            )
        return int(value.nbytes)
    if isinstance(value, shapely.Geometry):
        return 16 * int(shapely.get_num_coordinates(value)) + GEOMETRY_OVERHEAD_BYTES
    if isinstance(value, (tuple, list)):
        return sum(object_nbytes(item) for item in value)
    if isinstance(value, dict):
        return sum(object_nbytes(item) for item in value.values())
    size = getattr(value, "nbytes", None)
    if callable(size):
        return int(size())
    return 0


def csr_nbytes(matrix: sp.csr_matrix) -> int:
    """Bytes of a CSR matrix's three arrays."""
    return int(matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes)


def csr_from_edges(
    n_nodes: int, tails: IntArray, heads: IntArray, weights: FloatArray
) -> sp.csr_matrix:
    """Build a CSR graph from edge arrays; parallel edges keep their smallest weight.

    (``scipy.sparse`` would *sum* duplicate entries, which is wrong for a street graph.)
    Indices are int32 so that scipy's csgraph routines use the matrix without copying it.
    One stable sort on the int64 key ``tail * n_nodes + head`` groups the parallel edges, and
    ``np.minimum.reduceat`` keeps the smallest weight of each group.
    """
    key = tails.astype(np.int64, copy=False) * np.int64(n_nodes) + heads
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    first = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]]) if len(order) else order
    keep = order[first]
    data = (
        np.minimum.reduceat(np.asarray(weights, dtype=np.float64)[order], first)
        if len(order)
        else np.zeros(0, dtype=np.float64)
    )
    counts = np.bincount(tails[keep], minlength=n_nodes)
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    index_type = np.int32 if len(keep) < np.iinfo(np.int32).max else np.int64
    return sp.csr_matrix(
        (data, heads[keep].astype(index_type), indptr.astype(index_type)),
        shape=(n_nodes, n_nodes),
    )


def transpose_csr(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Return the graph with every edge turned around, as CSR with the same index type.

    The rows come out with sorted columns and no duplicates, as :func:`csr_from_edges` builds
    them, so the result equals a build from the swapped edge arrays.
    """
    turned = matrix.T.tocsr()
    index_type = matrix.indices.dtype
    return sp.csr_matrix(
        (
            np.asarray(turned.data, dtype=np.float64),
            turned.indices.astype(index_type, copy=False),
            turned.indptr.astype(index_type, copy=False),
        ),
        shape=turned.shape,
    )
