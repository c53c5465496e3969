# SPDX-License-Identifier: MIT
"""Directions of travel: the way back of an edge, and street segments made of both directions.

A two-way street is two directed edges. Mode views need the way back where only one direction is
stored (pedestrians ignore one-way signs); maps, population spreading and length totals need each
segment once. Both rest on one notion of *twins*: edges joining the same nodes in opposite
directions with the same length. A loop (a street leaving a crossing and coming back to it) joins
its crossing to itself both ways, so its twin is told by its line: another loop of the crossing
drawn the same way back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import shapely
from shapely.geometry import LineString

from mobility.network.geometry import reverse_line

EdgeTuple = tuple[Any, Any, Any, Mapping[str, Any]]
"""``(u, v, key, attributes)`` as yielded by ``graph.edges(keys=True, data=True)``."""

SAME_LOOP_DEGREES = 1e-9
"""Largest vertex gap (lon/lat degrees, about 0.1 mm) for a loop's line to be its twin's run
backwards. Tighter than the edge table's pairing tolerance
(:data:`mobility.network.reverse_pairs.SAME_LINE_TOLERANCE_M`, 1 mm), so a twin accepted here is
paired there too, and a point placed on the loop may leave it by either end."""


def has_twin(
    graph: nx.MultiDiGraph,
    u: Any,
    v: Any,
    length: float,
    accept: Callable[[Mapping[str, Any]], bool] | None = None,
) -> bool:
    """Tell whether an edge u→v of about ``length`` metres exists (and passes ``accept``).

    Twins are matched on length (1 % or 0.5 m) so that a different street joining the same two
    nodes is not mistaken for the way back.
    """
    for attrs in graph.succ[u].get(v, {}).values():
        if accept is not None and not accept(attrs):
            continue
        if same_length(float(attrs["length"]), length):
            return True
    return False


def same_length(a: float, b: float) -> bool:
    """Tell whether two edge lengths match closely enough (1 % or 0.5 m) to be twins."""
    return abs(a - b) <= max(0.5, 0.01 * max(a, b))


def reverse_edge_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Copy an edge's attributes for its way back: reversed line, and cars only if two-way."""
    copy = dict(attrs)
    copy["geometry"] = reverse_line(attrs["geometry"])
    copy["drive"] = bool(attrs.get("drive")) and not attrs.get("oneway")
    return copy


def has_loop_twin(
    graph: nx.MultiDiGraph,
    node: Any,
    key: Any,
    line: LineString,
    accept: Callable[[Mapping[str, Any]], bool] | None = None,
) -> bool:
    """Tell whether a loop of ``node`` other than ``key`` runs along ``line`` the other way.

    A loop's length would find the loop itself, and a second loop of the same length may be
    another street (two courtyards of one crossing): only the line tells the way round back.
    """
    backwards = shapely.reverse(line)
    for other, attrs in graph.succ[node].get(node, {}).items():
        if other == key or (accept is not None and not accept(attrs)):
            continue
        if shapely.equals_exact(attrs["geometry"], backwards, tolerance=SAME_LOOP_DEGREES):
            return True
    return False


def add_missing_reverses(graph: nx.MultiDiGraph, *, flag: str | None = None) -> int:
    """Give every edge (with ``flag`` true, when given) a twin running v→u if it has none.

    Loops included: a loop stored once gets its way round the other way, its line run backwards.

    Returns
    -------
    int
        How many edges were added; the graph is changed in place.
    """

    def accept(attrs: Mapping[str, Any]) -> bool:
        return flag is None or bool(attrs.get(flag))

    return _add_twins(graph, accept, loops_only=False)


def add_loop_twins(graph: nx.MultiDiGraph) -> int:
    """Give every two-way loop (not ``oneway``) stored once its way round the other way.

    A source with classes states each direction of its streets, but a loop stored once may
    still be a two-way street: an undirected graph stores every street once, and turning one
    into a directed graph keeps a single edge per loop (both directions would be the same
    ``(u, u, key)``). Such a loop, travelled one way only, sends a point on it round the whole
    loop to reach the crossing it stands a few metres from.

    Returns
    -------
    int
        How many edges were added; the graph is changed in place.
    """
    return _add_twins(graph, lambda attrs: not attrs.get("oneway"), loops_only=True)


def _add_twins(
    graph: nx.MultiDiGraph, accept: Callable[[Mapping[str, Any]], bool], *, loops_only: bool
) -> int:
    todo = [
        (u, v, key, attrs)
        for u, v, key, attrs in graph.edges(keys=True, data=True)
        if (u == v or not loops_only) and accept(attrs)
    ]
    added = 0
    for u, v, key, attrs in todo:
        if u == v:
            found = has_loop_twin(graph, u, key, attrs["geometry"], accept)
        else:
            found = has_twin(graph, v, u, float(attrs["length"]), accept)
        if not found:
            graph.add_edge(v, u, **reverse_edge_attrs(attrs))
            added += 1
    return added


@dataclass(slots=True, eq=False)
class _Segment:
    edge: EdgeTuple
    twin: EdgeTuple | None = None


def pair_street_edges(edges: Iterable[EdgeTuple]) -> list[tuple[EdgeTuple, EdgeTuple | None]]:
    """Group directed edges into street segments: each edge with its way back, when present.

    Drawing streets, spreading population along them or summing street length must count a
    two-way segment once, not twice. The first edge met of each pair represents the segment.
    A loop (u = v) pairs with a loop of the same length and the same line run the other way.

    Returns
    -------
    list of (edge, twin or None)
        One item per segment, in input order of the representative edge.
    """
    segments: list[_Segment] = []
    waiting: dict[tuple[Any, Any], list[_Segment]] = {}
    for edge in edges:
        u, v = edge[0], edge[1]
        candidates = waiting.get((v, u), [])
        match = next((s for s in candidates if _are_twins(s.edge, edge)), None)
        if match is not None:
            candidates.remove(match)
            match.twin = edge
            continue
        segment = _Segment(edge)
        waiting.setdefault((u, v), []).append(segment)
        segments.append(segment)
    return [(segment.edge, segment.twin) for segment in segments]


def _are_twins(first: EdgeTuple, second: EdgeTuple) -> bool:
    a, b = first[3], second[3]
    if not same_length(float(a["length"]), float(b["length"])):
        return False
    return first[0] != first[1] or bool(a["geometry"].equals(b["geometry"]))
