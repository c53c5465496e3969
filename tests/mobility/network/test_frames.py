# SPDX-License-Identifier: MIT
from __future__ import annotations

import networkx as nx

from mobility.network import build_mode_view, edges_to_frame, undirected_edges_frame

COLUMNS = ["u", "v", "key", "name", "highway", "length", "oneway", "walk", "drive", "geometry"]


def test_edges_frame_has_one_row_per_directed_edge(paris: nx.MultiDiGraph) -> None:
    frame = edges_to_frame(paris)
    assert list(frame.columns) == COLUMNS
    assert len(frame) == paris.number_of_edges() == 1886
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    row = frame[(frame.u == 0) & (frame.v == 1)].iloc[0]
    assert row["name"] == "Rue Saint-Martin" and row["length"] == 33.85
    assert row.geometry.coords[0] == (paris.nodes[0]["x"], paris.nodes[0]["y"])


def test_undirected_frame_drops_the_way_back(paris: nx.MultiDiGraph) -> None:
    frame = undirected_edges_frame(paris)
    assert list(frame.columns) == COLUMNS
    assert len(frame) == 943  # every segment, the Cour des Bretons loop included, stored twice
    total = edges_to_frame(paris)["length"].sum()
    assert abs(frame["length"].sum() - total / 2) < 1.0


def test_undirected_frame_keeps_one_way_streets(sgl: nx.MultiDiGraph) -> None:
    frame = undirected_edges_frame(sgl)
    one_way = frame[frame.oneway]
    assert len(one_way) > 100
    assert len(frame) < sgl.number_of_edges()
    assert frame.walk.sum() > 0 and frame.drive.sum() > 0


def test_frames_of_views_and_empty_graphs(sgl: nx.MultiDiGraph) -> None:
    view, _ = build_mode_view(sgl, "walk")
    frame = undirected_edges_frame(view)
    assert len(frame) == 5467  # 10934 directed walk edges, each stored both ways
    directed_m = edges_to_frame(view)["length"].sum()
    assert abs(frame["length"].sum() - directed_m / 2) < 0.001 * directed_m
    empty = edges_to_frame(nx.MultiDiGraph())
    assert list(empty.columns) == COLUMNS and len(empty) == 0
