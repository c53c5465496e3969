# SPDX-License-Identifier: MIT
"""Mode views of a street graph: what a pedestrian or a car can actually travel, in one piece.

Accessibility measures computed on a graph with stray fragments (a private courtyard, a street cut
by the extract border) give infinite or wrong distances, so each view keeps only its largest
connected piece and reports what was dropped, for the user to judge the input.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import networkx as nx

from mobility.errors import InvalidInputError
from mobility.network.directions import EdgeTuple, add_missing_reverses, pair_street_edges
from mobility.network.speeds import WALK_SPEED_KMH, default_speed_kmh

Mode = Literal["walk", "drive"]
MODES: tuple[Mode, ...] = ("walk", "drive")


@dataclass(frozen=True)
class ComponentReport:
    """What building a mode view kept and dropped.

    Attributes
    ----------
    mode
        ``"walk"`` or ``"drive"``.
    nodes_total, nodes_kept, nodes_dropped
        Nodes of the whole street graph, of the view, and the difference (which includes nodes
        no street of this mode reaches).
    edges_total, edges_kept, edges_dropped
        Directed edges serving the mode (walk: after adding the ways back), kept, dropped.
    components
        Connected pieces of the mode's street network (weak for walk, strong for drive).
    length_dropped_m
        Street length dropped, a two-way segment counted once.
    """

    mode: Mode
    nodes_total: int
    nodes_kept: int
    nodes_dropped: int
    edges_total: int
    edges_kept: int
    edges_dropped: int
    components: int
    length_dropped_m: float

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a plain mapping for JSON bodies."""
        return asdict(self)

    def summary(self) -> str:
        """Describe the pruning in one sentence for users, e.g. in an import report."""
        if self.components == 0:
            return f"kept 0 of {self.nodes_total} nodes (no {self.mode} street)"
        dropped = self.components - 1
        plural = "component" if dropped == 1 else "components"
        return (
            f"kept {self.nodes_kept} of {self.nodes_total} nodes "
            f"({dropped} {plural} dropped, {self.length_dropped_m:.1f} m of street)"
        )


def build_mode_view(
    graph: nx.MultiDiGraph, mode: Literal["walk", "drive"]
) -> tuple[nx.MultiDiGraph, ComponentReport]:
    """Return the street network one mode can travel, as a new graph, with a pruning report.

    Parameters
    ----------
    graph
        A normalized street graph (see :mod:`mobility.network.model`); it is not modified.
    mode
        ``"walk"``: edges with ``walk``, every street usable both ways (one-way signs bind cars,
        not pedestrians), largest weakly connected component. ``"drive"``: edges with ``drive``,
        one-way respected, largest strongly connected component so that every kept node can be
        reached from every other one.

    Returns
    -------
    view, report
        ``view`` copies nodes and edge attributes (no aliasing) and adds ``speed_kmh`` (walk:
        :data:`WALK_SPEED_KMH`; drive: ``maxspeed_kmh`` or the class default of
        :func:`mobility.network.speeds.default_speed_kmh`) and ``travel_time_s``; its graph
        attribute ``mode`` names the mode.

    Raises
    ------
    InvalidInputError
        When ``mode`` is not ``"walk"`` or ``"drive"``.
    """
    if mode not in MODES:
        raise InvalidInputError(f"Unknown travel mode {mode!r}; use 'walk' or 'drive'.")
    view = nx.MultiDiGraph()
    view.graph.update(graph.graph, mode=mode)
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        if attrs.get(mode):
            for node in (u, v):
                if node not in view:
                    view.add_node(node, **graph.nodes[node])
            view.add_edge(u, v, key=key, **attrs)
    if mode == "walk":
        add_missing_reverses(view, flag="walk")
        components = list(nx.weakly_connected_components(view))
    else:
        components = list(nx.strongly_connected_components(view))
    edges_total = view.number_of_edges()
    kept: set[Any] = max(components, key=len) if components else set()
    dropped = [edge for edge in view.edges(keys=True, data=True) if not kept.issuperset(edge[:2])]
    view.remove_nodes_from([node for node in view if node not in kept])
    add_speeds(view, mode, has_classes=bool(graph.graph.get("has_classes", True)))
    report = ComponentReport(
        mode=mode,
        nodes_total=graph.number_of_nodes(),
        nodes_kept=view.number_of_nodes(),
        nodes_dropped=graph.number_of_nodes() - view.number_of_nodes(),
        edges_total=edges_total,
        edges_kept=view.number_of_edges(),
        edges_dropped=edges_total - view.number_of_edges(),
        components=len(components),
        length_dropped_m=round(street_length_m(dropped), 2),
    )
    return view, report


def street_length_m(edges: list[EdgeTuple]) -> float:
    """Sum the street length of directed edges, counting a two-way segment once."""
    return sum(float(edge[3]["length"]) for edge, _ in pair_street_edges(edges))


def add_speeds(graph: nx.MultiDiGraph, mode: Mode, *, has_classes: bool) -> None:
    """Set ``speed_kmh`` and ``travel_time_s`` on every edge, so routers need no class table."""
    for _, _, attrs in graph.edges(data=True):
        if mode == "walk":
            speed = WALK_SPEED_KMH
        else:
            limit = attrs.get("maxspeed_kmh")
            highway = attrs.get("highway")
            speed = limit or default_speed_kmh(highway, has_classes=has_classes)
        attrs["speed_kmh"] = float(speed)
        attrs["travel_time_s"] = float(attrs["length"]) / (float(speed) / 3.6)
