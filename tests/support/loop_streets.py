# SPDX-License-Identifier: MIT
"""Small street networks with loops, written as GraphML the way tools store them, and their
distances the slow, independent way: each street split at the points, plain networkx Dijkstra.

A loop is a street leaving a crossing and coming back to it. Tools store a two-way loop in
different ways: once in an undirected file (``undirected``), once in a directed graph made from
an undirected one (``once``), both ways round with the line reversed as OSMnx does (``both``);
a ``one-way`` loop is stored once and cars follow its drawing. The reference knows only the
streets as drawn here and where each point stands on them, never the loaded graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import networkx as nx
import numpy as np
from hypothesis import strategies as st
from shapely.geometry import LineString

from mobility.geo import wire_transformer
from mobility.network import WALK_SPEED_KMH, build_mode_view, load_streets
from mobility.network.engine import DistanceEngine
from tests.mobility.network.support import graphml_doc

Stored = Literal["undirected", "once", "both", "one-way"]
STORED: tuple[Stored, ...] = ("undirected", "once", "both", "one-way")
Highway = Literal["residential", "footway"]

ORIGIN = (652_000.0, 6_862_000.0)
"""Lambert-93 origin of the drawings (Paris): coordinates below are metres from it."""

DRIVE_SPEED_KMH = 30.0
"""Every street carries ``maxspeed=30``, so drive times are known without the class table."""


def to_lonlat(x: float, y: float) -> tuple[float, float]:
    """Lon/lat of a point given in metres from :data:`ORIGIN`."""
    lon, lat = wire_transformer().transform(ORIGIN[0] + x, ORIGIN[1] + y)
    return float(lon), float(lat)


@dataclass(frozen=True)
class Street:
    """A street drawn in metres from its u crossing to its v crossing (the same for a loop)."""

    u: int
    v: int
    coords: tuple[tuple[float, float], ...]
    stored: Stored = "undirected"
    highway: Highway = "residential"

    @property
    def line(self) -> LineString:
        return LineString(self.coords)

    @property
    def length_m(self) -> float:
        return float(self.line.length)

    def serves(self, mode: str) -> bool:
        return mode == "walk" or self.highway != "footway"

    def ways(self, mode: str) -> tuple[bool, bool]:
        """Whether the mode may travel the street along its drawing, and against it."""
        if not self.serves(mode):
            return False, False
        return True, mode == "walk" or self.stored != "one-way"


@dataclass(frozen=True)
class Position:
    """Where a point stands: on street ``street``, ``offset_m`` along it from its u end, and
    ``aside_m`` to the left of it (its off-street leg)."""

    street: int
    offset_m: float
    aside_m: float = 0.0


def point_lonlat(streets: Sequence[Street], position: Position) -> tuple[float, float]:
    """Lon/lat of a point, beside its street on the left at its off-street distance."""
    line = streets[position.street].line
    at = line.interpolate(position.offset_m)
    ahead = line.interpolate(min(position.offset_m + 0.01, line.length))
    behind = line.interpolate(max(position.offset_m - 0.01, 0.0))
    dx, dy = ahead.x - behind.x, ahead.y - behind.y
    norm = float(np.hypot(dx, dy))
    x = at.x - dy / norm * position.aside_m
    y = at.y + dx / norm * position.aside_m
    return to_lonlat(x, y)


def points_lonlat(
    streets: Sequence[Street], positions: Sequence[Position]
) -> tuple[list[float], list[float]]:
    """Lon and lat lists of points, for :meth:`DistanceEngine.snap`."""
    pairs = [point_lonlat(streets, position) for position in positions]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def graphml_streets(streets: Sequence[Street]) -> bytes:
    """A GraphML document of the streets, each stored the way its ``stored`` says."""
    nodes: dict[int, tuple[float, float]] = {}
    for street in streets:
        nodes[street.u] = street.coords[0]
        nodes[street.v] = street.coords[-1]
    node_xml = []
    for node, (x, y) in sorted(nodes.items()):
        lon, lat = to_lonlat(x, y)
        node_xml.append(
            f'<node id="{node}"><data key="x">{lon!r}</data><data key="y">{lat!r}</data></node>'
        )
    edge_xml = []
    for street in streets:
        forward = _wkt(street.coords)
        if street.stored == "both":
            backward = _wkt(street.coords[::-1])
            edge_xml.append(_edge_xml(street, street.u, street.v, forward, directed=True))
            edge_xml.append(_edge_xml(street, street.v, street.u, backward, directed=True))
        else:
            directed = street.stored != "undirected"
            edge_xml.append(_edge_xml(street, street.u, street.v, forward, directed=directed))
    return graphml_doc("\n".join(node_xml), "\n".join(edge_xml))


def _wkt(coords: Sequence[tuple[float, float]]) -> str:
    lonlat = [to_lonlat(x, y) for x, y in coords]
    return "LINESTRING (" + ", ".join(f"{lon!r} {lat!r}" for lon, lat in lonlat) + ")"


def _edge_xml(street: Street, source: int, target: int, wkt: str, *, directed: bool) -> str:
    oneway = "True" if street.stored == "one-way" else "False"
    return (
        f'<edge source="{source}" target="{target}" directed="{str(directed).lower()}">'
        f'<data key="hw">{street.highway}</data><data key="ow">{oneway}</data>'
        f'<data key="len">{street.length_m!r}</data><data key="geom">{wkt}</data>'
        f'<data key="ms">{DRIVE_SPEED_KMH:g}</data></edge>'
    )


def reference_costs(
    streets: Sequence[Street],
    mode: str,
    demand: Sequence[Position],
    assets: Sequence[Position],
    *,
    weight: str = "length",
    direction: str = "to_assets",
) -> np.ndarray:
    """Each demand point's cost to (or from) its nearest asset, legs included, by networkx.

    Every street the mode may use is split at the points standing on it and each piece is
    added in the directions the street allows (a piece of no length both ways: its two ends
    are one place); each point hangs from its place by its off-street leg, walked.
    """
    speed_kmh = WALK_SPEED_KMH if mode == "walk" else DRIVE_SPEED_KMH
    scale = 1.0 if weight == "length" else 1.0 / (speed_kmh / 3.6)
    leg_scale = 1.0 if weight == "length" else 1.0 / (WALK_SPEED_KMH / 3.6)
    graph = nx.MultiDiGraph()
    stops: dict[int, list[tuple[float, object]]] = defaultdict(list)
    for kind, positions in (("asset", assets), ("demand", demand)):
        for index, position in enumerate(positions):
            place, point = ("on", kind, index), ("point", kind, index)
            stops[position.street].append((position.offset_m, place))
            leg = abs(position.aside_m) * leg_scale
            graph.add_edge(place, point, w=leg)
            graph.add_edge(point, place, w=leg)
    for index, street in enumerate(streets):
        along, against = street.ways(mode)
        if not along:
            continue
        chain = [(0.0, street.u), *sorted(stops[index], key=lambda s: s[0])]
        chain.append((street.length_m, street.v))
        for (low, first), (high, second) in pairwise(chain):
            cost = (high - low) * scale
            graph.add_edge(first, second, w=cost)
            if against or cost == 0.0:
                graph.add_edge(second, first, w=cost)
    sources = [("point", "asset", index) for index in range(len(assets))]
    searched = graph.reverse(copy=False) if direction == "to_assets" else graph
    reached = nx.multi_source_dijkstra_path_length(searched, sources, weight="w")
    return np.array(
        [reached.get(("point", "demand", index), np.inf) for index in range(len(demand))]
    )


# --- random grids with loops hanging from their crossings ---------------------------------------

SPACING_M = 100.0
QUADRANTS = ((1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0))


def loop_coords(
    centre: tuple[float, float], quadrant: tuple[float, float], size_m: float, *, clockwise: bool
) -> tuple[tuple[float, float], ...]:
    """A four-sided loop from a crossing into one quadrant, never nearer other streets than
    its own crossing (it stays inside ``size_m`` < half the grid spacing)."""
    x, y = centre
    sx, sy = quadrant
    corners = [(size_m, size_m / 3), (size_m, size_m), (size_m / 3, size_m)]
    if clockwise:
        corners = corners[::-1]
    return ((x, y), *[(x + sx * a, y + sy * b) for a, b in corners], (x, y))


@dataclass(frozen=True)
class LoopGrid:
    """A grid of two-way streets with loops, and points standing on them as (street, share of
    its length) draws. No point has an off-street leg: each lies on its street, so snapping
    has one answer."""

    streets: tuple[Street, ...]
    demand: tuple[tuple[int, float], ...]
    assets: tuple[tuple[int, float], ...]

    def positions(self, mode: str, draws: Sequence[tuple[int, float]]) -> list[Position]:
        """The drawn points on the streets the mode may use (the street draw read modulo)."""
        usable = [index for index, street in enumerate(self.streets) if street.serves(mode)]
        chosen = [(usable[street % len(usable)], share) for street, share in draws]
        return [Position(street, share * self.streets[street].length_m) for street, share in chosen]


@st.composite
def loop_grids(draw: st.DrawFn) -> LoopGrid:
    """A 2×2 to 3×3 grid of two-way streets, one to four loops stored in every way, points."""
    rows, cols = draw(st.integers(2, 3)), draw(st.integers(2, 3))
    centre = {
        r * cols + c: (c * SPACING_M, r * SPACING_M) for r in range(rows) for c in range(cols)
    }
    streets: list[Street] = []
    for node, (x, y) in centre.items():
        for other in (node + 1, node + cols):
            if other in centre and (other != node + 1 or node % cols < cols - 1):
                stored = draw(st.sampled_from(["undirected", "both"]))
                streets.append(Street(node, other, ((x, y), centre[other]), stored))
    spots = st.tuples(st.sampled_from(sorted(centre)), st.sampled_from(range(len(QUADRANTS))))
    chosen = draw(st.lists(spots, min_size=1, max_size=4, unique=True))
    for node, quadrant in chosen:
        coords = loop_coords(
            centre[node],
            QUADRANTS[quadrant],
            draw(st.floats(10.0, 40.0)),
            clockwise=draw(st.booleans()),
        )
        stored = draw(st.sampled_from(STORED))
        highway = draw(st.sampled_from(["residential", "footway"]))
        streets.append(Street(node, node, coords, stored, highway))
    point = st.tuples(st.integers(0, len(streets) - 1), st.floats(0.02, 0.98))
    demand = draw(st.lists(point, min_size=1, max_size=10))
    assets = draw(st.lists(point, min_size=1, max_size=3))
    return LoopGrid(tuple(streets), tuple(demand), tuple(assets))


LOOP = ((0.0, 0.0), (0.0, 100.0), (-100.0, 100.0), (-100.0, 0.0), (0.0, 0.0))
"""A 400 m square loop hanging from crossing 1 (at the origin)."""
ROAD_M = 200.0
ROAD, ON_LOOP = 0, 1
"""The streets of :func:`loop_layout`, in order."""


def loop_layout(stored: Stored, highway: Highway = "residential") -> list[Street]:
    """A 200 m street from crossing 1 to crossing 2, and :data:`LOOP` stored as ``stored``."""
    return [Street(1, 2, ((0.0, 0.0), (ROAD_M, 0.0))), Street(1, 1, LOOP, stored, highway)]


def build_engine(streets: Sequence[Street], mode: str) -> tuple[nx.MultiDiGraph, DistanceEngine]:
    """The mode's view of the streets, loaded from their GraphML, and its distance engine."""
    graph = load_streets(graphml_streets(streets), fmt="graphml")
    view, _ = build_mode_view(graph, mode)  # type: ignore[arg-type]
    return view, DistanceEngine.build(view, mode=mode)  # type: ignore[arg-type]
