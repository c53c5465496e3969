# SPDX-License-Identifier: MIT
"""The k-d tree street index against brute force: long pieces, near and far points."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from mobility.geo import metric_transformer, wire_transformer
from mobility.network.csr import edge_table_from_arrays
from mobility.network.snap_index import CHUNK_M
from mobility.network.snapping import snap_points, street_pieces

CENTRE = (652_000.0, 6_862_000.0)


def lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = wire_transformer().transform(x, y)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nearest_street_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_nodes = 60
    # streets from a few metres to a few kilometres, so long pieces get several index points
    x = CENTRE[0] + rng.uniform(-3000, 3000, n_nodes)
    y = CENTRE[1] + rng.uniform(-3000, 3000, n_nodes)
    u = rng.integers(0, n_nodes, 90)
    v = (u + rng.integers(1, n_nodes, 90)) % n_nodes
    node_lon, node_lat = lonlat(x, y)
    table = edge_table_from_arrays(node_lon, node_lat, u, v, np.full(90, 100.0), 30.0)
    pieces = street_pieces(table)
    assert pieces.length.max() > 4 * CHUNK_M
    # points on and near the streets, and far outside them
    px = np.concatenate([CENTRE[0] + rng.uniform(-3500, 3500, 400), [CENTRE[0] + 20_000.0]])
    py = np.concatenate([CENTRE[1] + rng.uniform(-3500, 3500, 400), [CENTRE[1] - 15_000.0]])
    lon, lat = lonlat(px, py)
    snapped = snap_points(table, lon, lat)
    mx, my = metric_transformer().transform(lon, lat)
    points = shapely.points(np.asarray(mx), np.asarray(my))
    lines = table.geometry_metric
    every = shapely.distance(points[:, None], lines[None, :])
    np.testing.assert_allclose(snapped.off_street_m, every.min(axis=1), atol=1e-6)
