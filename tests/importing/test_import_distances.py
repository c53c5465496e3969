# SPDX-License-Identifier: MIT
"""Distances on an imported commune against an independent route on the noded line file.

The street file the import stored (the lines cut to the surroundings) is noded again here with
plain shapely (``shapely.node``: every shared vertex and every crossing becomes a node) into a
networkx graph weighted by Lambert-93 lengths; shortest paths between the walk view's nodes must
be the same on both.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import networkx as nx
import numpy as np
import pytest
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import shape

from mobility.coverage.context import ContextCache
from mobility.geo import metric_transformer
from mobility.store import open_store
from tests.support.communes import run_cli
from tests.support.idf_import import ImportFiles, import_command

MATCH_M = 0.01
"""How close (metres) a node of the commune's graph must be to a node of the reference."""


def reference_graph(features: list[dict[str, Any]]) -> nx.Graph:
    """Node the stored lines (Lambert-93) with shapely; weigh each piece by its length."""
    lines = [part for f in features for part in shapely.get_parts(shape(f["geometry"]))]
    graph = nx.Graph()
    for piece in shapely.get_parts(shapely.node(shapely.MultiLineString(lines))):
        u, v = piece.coords[0], piece.coords[-1]
        if u != v and (not graph.has_edge(u, v) or graph[u][v]["length"] > piece.length):
            graph.add_edge(u, v, length=piece.length)
    return graph


def test_walking_distances_equal_an_independent_route_on_the_noded_lines(
    tmp_path: pytest.TempPathFactory, region: ImportFiles, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/distances.sqlite"
    files = ("--streets", str(region.streets))
    code = run_cli(url, *import_command(region, *files, margin_m=300, json_report=False))
    assert code == 0, capsys.readouterr().err
    store = open_store(url)
    try:
        stored = store.get_commune_file("75110", "streets")
        assert stored is not None
        reference = reference_graph(json.loads(gzip.decompress(stored.content))["features"])
        view, _ = ContextCache().get(store, "75110").model.mode_view("walk")
    finally:
        store.close()
    ours_at = list(view.nodes)
    x, y = metric_transformer().transform(
        [view.nodes[n]["x"] for n in ours_at], [view.nodes[n]["y"] for n in ours_at]
    )
    theirs_at = list(reference.nodes)
    gap_m, nearest = cKDTree(np.asarray(theirs_at)).query(np.column_stack([x, y]))
    assert float(gap_m.max()) < MATCH_M
    position = {node: theirs_at[i] for node, i in zip(ours_at, nearest.tolist(), strict=True)}
    undirected = nx.Graph()
    for u, v, data in view.edges(data=True):
        if not undirected.has_edge(u, v) or undirected[u][v]["length"] > data["length"]:
            undirected.add_edge(u, v, length=data["length"])
    pick = np.random.default_rng(15)
    nodes = sorted(view.nodes)
    for source in pick.choice(nodes, 12, replace=False).tolist():
        ours = nx.single_source_dijkstra_path_length(undirected, source, weight="length")
        theirs = nx.single_source_dijkstra_path_length(reference, position[source], weight="length")
        for target in pick.choice(nodes, 40, replace=False).tolist():
            assert ours[target] == pytest.approx(theirs[position[target]], rel=1e-6, abs=0.01)
