# SPDX-License-Identifier: MIT
"""Snapping points onto street edges: nearest line, offset along it, one target per street."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import shapely

from mobility.errors import InvalidInputError
from mobility.geo import metric_transformer
from mobility.network import build_mode_view
from mobility.network.csr import EdgeTable, edge_table_from_view
from mobility.network.engine import DistanceEngine
from mobility.network.snapping import SnappedPoints, snap_points
from tests.mobility.network.test_engine import (
    ONE_WAY_LOOP,
    SQUARE,
    demand_points,
    make_view,
    snap_xy,
    to_lonlat,
)


@pytest.fixture(scope="module")
def paris_walk(paris: nx.MultiDiGraph) -> nx.MultiDiGraph:
    return build_mode_view(paris, "walk")[0]


@pytest.fixture(scope="module")
def sgl_drive(sgl: nx.MultiDiGraph) -> nx.MultiDiGraph:
    return build_mode_view(sgl, "drive")[0]


def project(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    x, y = metric_transformer().transform(lon, lat)
    return np.asarray(shapely.points(x, y))


@pytest.mark.parametrize("network", ["paris_walk", "sgl_drive"])
def test_points_go_to_the_nearest_street_line(network: str, request: pytest.FixtureRequest) -> None:
    view: nx.MultiDiGraph = request.getfixturevalue(network)
    table = edge_table_from_view(view)
    lon, lat = demand_points(view, 300, seed=3)
    snapped = snap_points(table, lon, lat)
    points = project(lon, lat)
    lines = table.geometry_metric
    # brute force: the distance to every edge line, nearest kept
    every = shapely.distance(points[:, None], lines[None, :])
    np.testing.assert_allclose(snapped.off_street_m, every.min(axis=1), atol=1e-6)
    # the snapped position lies on the chosen line, at the reported offset
    chosen = lines[snapped.edge_index]
    fraction = snapped.offset_m / snapped.edge_length_m
    on_line = shapely.line_interpolate_point(chosen, fraction, normalized=True)
    np.testing.assert_allclose(shapely.distance(on_line, chosen), 0.0, atol=1e-6)
    np.testing.assert_allclose(shapely.distance(points, on_line), snapped.off_street_m, atol=1e-6)
    np.testing.assert_allclose(
        shapely.distance(project(snapped.snapped_lon, snapped.snapped_lat), on_line), 0.0, atol=1e-4
    )
    assert np.all((snapped.offset_m >= 0) & (snapped.offset_m <= snapped.edge_length_m))
    np.testing.assert_array_equal(snapped.edge_length_m, table.length_m[snapped.edge_index])
    np.testing.assert_array_equal(snapped.too_far, snapped.off_street_m > 250.0)
    assert snapped.too_far[-1] and snapped.count == len(lon)


def test_the_two_directions_of_a_street_are_one_target(paris_walk: nx.MultiDiGraph) -> None:
    table = edge_table_from_view(paris_walk)
    assert len(table.segment_edges) * 2 == table.n_edges == 1882
    assert table.is_segment[table.segment_edges].all()
    lon, lat = demand_points(paris_walk, 200, seed=4)
    snapped = snap_points(table, lon, lat)
    assert table.is_segment[snapped.edge_index].all()


def test_one_way_streets_are_targets_of_their_own(sgl_drive: nx.MultiDiGraph) -> None:
    table = edge_table_from_view(sgl_drive)
    one_way = (table.reverse_of < 0).sum()
    assert len(table.segment_edges) == one_way + (table.n_edges - one_way) // 2


def test_offsets_are_scaled_to_the_length_attribute() -> None:
    view = make_view(SQUARE, ONE_WAY_LOOP, lengths={0: 250.0}, bends={1: (150.0, 50.0)})
    engine = DistanceEngine.build(view, mode="drive")
    snapped = snap_xy(engine, (40.0, 3.0), (150.0, 50.0), (100.0, 100.0))
    assert snapped.offset_m[0] == pytest.approx(100.0)
    assert snapped.off_street_m[0] == pytest.approx(3.0)
    assert snapped.edge_length_m[0] == 250.0
    assert snapped.offset_m[1] == pytest.approx(snapped.edge_length_m[1] / 2)
    assert snapped.off_street_m[1] == pytest.approx(0.0, abs=1e-6)
    assert snapped.off_street_m[2] == pytest.approx(0.0, abs=1e-6)
    assert snapped.offset_m[2] in (pytest.approx(0.0, abs=1e-6), snapped.edge_length_m[2])
    lon, lat = to_lonlat(40.0, 0.0)
    assert snapped.snapped_lon[0] == pytest.approx(lon, abs=1e-9)
    assert snapped.snapped_lat[0] == pytest.approx(lat, abs=1e-9)
    np.testing.assert_allclose(snapped.fraction, snapped.offset_m / snapped.edge_length_m)


def test_max_snap_distance_flags_far_points() -> None:
    view = make_view(SQUARE, ONE_WAY_LOOP)
    engine = DistanceEngine.build(view, mode="drive")
    far = snap_xy(engine, (50.0, -300.0), (50.0, -200.0))
    assert far.too_far.tolist() == [True, False]
    assert engine.snap(*to_lonlat(50.0, -200.0), max_snap_m=100.0).too_far.tolist() == [True]
    assert far.edge_index[0] == far.edge_index[1]  # still snapped, for the record


def test_inputs_are_checked(paris_walk: nx.MultiDiGraph) -> None:
    table = edge_table_from_view(paris_walk)
    assert snap_points(table, [], []).count == 0
    with pytest.raises(InvalidInputError, match="same number"):
        snap_points(table, [2.35, 2.36], [48.87])
    with pytest.raises(InvalidInputError, match="finite"):
        snap_points(table, [2.35, np.nan], [48.87, 48.87])
    with pytest.raises(InvalidInputError, match="max_snap_m"):
        snap_points(table, [2.35], [48.87], max_snap_m=-1.0)


def test_snapped_points_select_and_fingerprint(paris_walk: nx.MultiDiGraph) -> None:
    table = edge_table_from_view(paris_walk)
    lon, lat = demand_points(paris_walk, 20, seed=5)
    snapped = snap_points(table, lon, lat)
    again = snap_points(table, lon, lat)
    assert snapped.digest() == again.digest()
    part = snapped.take(np.arange(5))
    assert part.count == 5 and part.digest() != snapped.digest()
    masked = snapped.take(~snapped.too_far)
    assert masked.count == int((~snapped.too_far).sum())
    assert SnappedPoints.empty().count == 0


def test_the_street_index_is_built_once(paris_walk: nx.MultiDiGraph) -> None:
    table: EdgeTable = edge_table_from_view(paris_walk)
    snap_points(table, [2.36], [48.875])
    tree = table.cached("street_pieces", lambda: None)
    snap_points(table, [2.355], [48.872])
    assert table.cached("street_pieces", lambda: None) is tree is not None
