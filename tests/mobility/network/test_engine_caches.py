# SPDX-License-Identifier: MIT
"""The engine's fast paths against their slow equivalents: per-asset reach, snap cache, memory."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from mobility.geo import wire_transformer
from mobility.network import build_mode_view
from mobility.network.engine import DistanceEngine
from mobility.network.snapping import snap_points
from tests.mobility.network.test_engine import asset_points, demand_points
from tests.support.reference import reference_distances


@pytest.fixture(scope="module")
def views(paris: nx.MultiDiGraph, sgl: nx.MultiDiGraph) -> dict[str, nx.MultiDiGraph]:
    return {
        "paris-walk": build_mode_view(paris, "walk")[0],
        "sgl-drive": build_mode_view(sgl, "drive")[0],
    }


@pytest.mark.parametrize(
    ("network", "asset_set", "weight", "cutoff"),
    [
        ("paris-walk", "irve-paris", "length", 400.0),
        ("sgl-drive", "gares+irve", "length", 900.0),
        ("sgl-drive", "gares", "time", 90.0),
    ],
)
@pytest.mark.parametrize("direction", ["to_assets", "from_assets"])
@pytest.mark.parametrize("per_segment", [True, False])
def test_reach_each_is_the_reach_of_each_asset_alone(
    views: dict[str, nx.MultiDiGraph],
    network: str,
    asset_set: str,
    weight: str,
    cutoff: float,
    direction: str,
    per_segment: bool,
) -> None:
    view = views[network]
    engine = DistanceEngine.build(view, mode=view.graph["mode"])
    lon, lat = asset_points(asset_set)
    # one asset far from every street (reaches nothing) and one twice (same reach twice)
    lon, lat = np.r_[lon, lon.min() - 0.05, lon[0]], np.r_[lat, lat.min(), lat[0]]
    assets = engine.snap(lon, lat)
    assert assets.too_far[-2] and not assets.too_far.all()
    args = {"weight": weight, "direction": direction, "per_segment": per_segment}
    each = engine.reach_each(assets, cutoff, **args)  # type: ignore[arg-type]
    assert len(each) == assets.count
    for index in range(assets.count):
        alone = engine.reach(assets.take([index]), cutoff, **args)  # type: ignore[arg-type]
        got = each[index]
        np.testing.assert_array_equal(got.edge_index, alone.edge_index)
        np.testing.assert_allclose(got.start_m, alone.start_m, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(got.end_m, alone.end_m, rtol=1e-12, atol=1e-9)
        assert got.per_segment == per_segment
    assert all(each[i].count == 0 for i in np.flatnonzero(assets.too_far))
    assert each[-1].count == each[0].count


def test_reach_each_in_blocks_matches_one_block(
    views: dict[str, nx.MultiDiGraph], monkeypatch: pytest.MonkeyPatch
) -> None:
    import mobility.network.engine as engine_module

    view = views["paris-walk"]
    engine = DistanceEngine.build(view, mode="walk")
    assets = engine.snap(*asset_points("velib"))
    whole = engine.reach_each(assets, 300.0)
    monkeypatch.setattr(engine_module, "EACH_BLOCK_CELLS", 1)  # one asset per Dijkstra call
    engine.clear_cache()
    blocks = engine.reach_each(assets, 300.0)
    for one, other in zip(whole, blocks, strict=True):
        np.testing.assert_array_equal(one.edge_index, other.edge_index)
        np.testing.assert_array_equal(one.end_m, other.end_m)


def test_snapped_sets_are_cached_read_only_and_counted(views: dict[str, nx.MultiDiGraph]) -> None:
    view = views["sgl-drive"]
    engine = DistanceEngine.build(view, mode="drive")
    built = engine.stats.memory_bytes
    lon, lat = demand_points(view, 60, seed=3)
    first = engine.snap(lon, lat)
    # the snapping index and the kept set are counted
    assert engine.stats.memory_bytes > built
    assert engine.snap(lon.copy(), lat.copy()) is first
    assert engine.snap(lon, lat, max_snap_m=10.0) is not first
    assert not first.offset_m.flags.writeable
    again = snap_points(engine.edges, lon, lat, max_snap_m=engine.max_snap_m)
    np.testing.assert_array_equal(first.edge_index, again.edge_index)
    np.testing.assert_array_equal(first.offset_m, again.offset_m)
    engine.clear_cache()
    assert engine.snap(lon, lat) is not first


def test_cached_queries_match_the_networkx_reference(views: dict[str, nx.MultiDiGraph]) -> None:
    view = views["sgl-drive"]
    engine = DistanceEngine.build(view, mode="drive")
    demand = engine.snap(*demand_points(view, 200, seed=11))
    lon, lat = asset_points("gares+irve")
    for _ in range(3):  # cold, then from the snap, search, placement and pair caches
        assets = engine.snap(lon, lat)
        for direction in ("to_assets", "from_assets"):
            got = engine.distances(demand, assets, cutoff_m=1200.0, direction=direction)  # type: ignore[arg-type]
            expected = reference_distances(
                view, engine, demand, assets, direction=direction, cutoff=1200.0
            )
            np.testing.assert_allclose(got, expected, atol=0.01, rtol=0)


def test_the_forward_matrix_is_built_only_when_needed() -> None:
    side = 4
    x, y = np.meshgrid(np.arange(side) * 100.0, np.arange(side) * 100.0)
    lon, lat = wire_transformer().transform(652_000.0 + x.ravel(), 6_862_000.0 + y.ravel())
    grid = np.arange(side * side).reshape(side, side)
    pairs = np.r_[
        np.c_[grid[:, :-1].ravel(), grid[:, 1:].ravel()], np.c_[grid[:-1].ravel(), grid[1:].ravel()]
    ]
    u, v = np.r_[pairs[:, 0], pairs[:, 1]], np.r_[pairs[:, 1], pairs[:, 0]]
    engine = DistanceEngine.from_arrays(lon, lat, u, v, np.full(len(u), 100.0), 30.0)
    assert "csr_length_t" in engine.edges._cache
    assert "csr_length_f" not in engine.edges._cache
    points = engine.snap(lon[:3], lat[:3])
    to_assets = engine.distances(points, points.take([0]), cutoff_m=None)
    from_assets = engine.distances(points, points.take([0]), cutoff_m=None, direction="from_assets")
    np.testing.assert_allclose(to_assets, from_assets)  # a grid of two-way streets
    assert "csr_length_f" in engine.edges._cache
