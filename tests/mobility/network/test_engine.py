# SPDX-License-Identifier: MIT
"""The distance engine against an independent, slow networkx reference, on real streets."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from shapely.geometry import LineString

from mobility.errors import InvalidInputError
from mobility.geo import wire_transformer
from mobility.network import WALK_SPEED_KMH, build_mode_view
from mobility.network.csr import build_csr
from mobility.network.engine import DistanceEngine
from mobility.network.reverse_pairs import pair_reverses
from mobility.network.snapping import SnappedPoints
from tests.mobility.network.support import ROOT
from tests.support.reference import reference_distances

PARIS_DIR = ROOT / "data" / "paris-10e"
SGL_DIR = ROOT / "tests" / "fixtures" / "saint-germain-en-laye-78551"
TOLERANCE_M = 0.01


# --- the reference: split the streets at every point, then plain networkx Dijkstra -------------


def assert_same_distances(got: np.ndarray, expected: np.ndarray, tolerance: float) -> float:
    """Infinities must match exactly, finite values within the tolerance; return the max error."""
    assert got.shape == expected.shape
    assert np.array_equal(np.isinf(got), np.isinf(expected)), np.flatnonzero(
        np.isinf(got) != np.isinf(expected)
    )
    finite = np.isfinite(expected)
    error = float(np.max(np.abs(got[finite] - expected[finite]), initial=0.0))
    assert error <= tolerance, error
    return error


# --- inputs ----------------------------------------------------------------------------------


def irve_points(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with path.open(encoding="utf-8") as handle:
        pairs = [json.loads(row["coordonneesXY"]) for row in csv.DictReader(handle)]
    coords = np.array(pairs, dtype=float)
    return coords[:, 0], coords[:, 1]


def geojson_points(path: Path) -> tuple[np.ndarray, np.ndarray]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    coords = np.array([feature["geometry"]["coordinates"][:2] for feature in features])
    return coords[:, 0], coords[:, 1]


def asset_points(name: str) -> tuple[np.ndarray, np.ndarray]:
    if name == "irve-paris":
        return irve_points(PARIS_DIR / "irve_statique_75110.csv")
    if name == "velib":
        return geojson_points(PARIS_DIR / "velib_stations_75110_500m.geojson")
    if name == "gares":
        return geojson_points(SGL_DIR / "gares_idfm_saint-germain-en-laye_1km.geojson")
    if name == "irve-sgl":
        return irve_points(SGL_DIR / "irve_statique_within_1km_of_saint-germain-en-laye.csv")
    lon_a, lat_a = asset_points("gares")
    lon_b, lat_b = asset_points("irve-sgl")
    return np.r_[lon_a, lon_b], np.r_[lat_a, lat_b]


def demand_points(view: nx.MultiDiGraph, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random points: half over the view's extent, half near its streets, a few exactly at
    crossings, and one far away from every street."""
    rng = np.random.default_rng(seed)
    xs = np.array([attrs["x"] for _, attrs in view.nodes(data=True)])
    ys = np.array([attrs["y"] for _, attrs in view.nodes(data=True)])
    spread = count // 2
    lon = list(rng.uniform(xs.min(), xs.max(), spread))
    lat = list(rng.uniform(ys.min(), ys.max(), spread))
    lines = [attrs["geometry"] for _, _, attrs in view.edges(data=True)]
    for index in rng.choice(len(lines), count - spread):
        point = lines[index].interpolate(rng.uniform(0.0, 1.0), normalized=True)
        lon.append(point.x + rng.uniform(-0.001, 0.001))
        lat.append(point.y + rng.uniform(-0.0007, 0.0007))
    at_nodes = rng.choice(len(xs), 10, replace=False)
    lon = np.r_[lon, xs[at_nodes], xs.min() - 0.02]
    lat = np.r_[lat, ys[at_nodes], ys.min()]
    return lon, lat


@pytest.fixture(scope="module")
def views(paris: nx.MultiDiGraph, sgl: nx.MultiDiGraph) -> dict[str, nx.MultiDiGraph]:
    return {
        "paris-walk": build_mode_view(paris, "walk")[0],
        "paris-drive": build_mode_view(paris, "drive")[0],
        "sgl-drive": build_mode_view(sgl, "drive")[0],
        "sgl-walk": build_mode_view(sgl, "walk")[0],
    }


@pytest.fixture(scope="module")
def engines(views: dict[str, nx.MultiDiGraph]) -> dict[str, DistanceEngine]:
    return {
        name: DistanceEngine.build(view, mode=view.graph["mode"]) for name, view in views.items()
    }


CASES = [
    ("paris-walk", "irve-paris", "length", "to_assets", (500.0, 2000.0)),
    ("paris-walk", "velib", "length", "to_assets", (500.0, 2000.0)),
    ("paris-walk", "irve-paris", "time", "from_assets", (400.0, 1500.0)),
    ("paris-drive", "irve-paris", "length", "to_assets", (500.0, 2000.0)),
    ("paris-drive", "velib", "time", "to_assets", (60.0, 240.0)),
    ("sgl-drive", "gares", "length", "to_assets", (500.0, 2000.0)),
    ("sgl-drive", "gares", "length", "from_assets", (500.0, 2000.0)),
    ("sgl-drive", "gares+irve", "length", "to_assets", (500.0, 2000.0)),
    ("sgl-drive", "gares+irve", "time", "from_assets", (60.0, 300.0)),
    ("sgl-walk", "gares+irve", "length", "to_assets", (500.0, 2000.0)),
]


@pytest.mark.parametrize(("network", "asset_set", "weight", "direction", "cutoffs"), CASES)
def test_engine_matches_the_networkx_reference(
    views: dict[str, nx.MultiDiGraph],
    engines: dict[str, DistanceEngine],
    network: str,
    asset_set: str,
    weight: str,
    direction: str,
    cutoffs: Sequence[float],
) -> None:
    view, engine = views[network], engines[network]
    assets = engine.snap(*asset_points(asset_set))
    demand = engine.snap(*demand_points(view, 300, seed=len(network) + len(asset_set)))
    assert demand.too_far[-1] and not assets.too_far.all()
    expected = reference_distances(view, engine, demand, assets, weight=weight, direction=direction)
    assert np.isfinite(expected).sum() > 200
    values = np.unique(expected[np.isfinite(expected)])
    middle = float(values[len(values) // 2 - 1 : len(values) // 2 + 1].mean())  # between two
    for cutoff in (None, *cutoffs, middle):
        got = engine.distances(
            demand,
            assets,
            cutoff_m=cutoff,
            weight=weight,  # type: ignore[arg-type]
            direction=direction,  # type: ignore[arg-type]
        )
        limited = expected if cutoff is None else np.where(expected > cutoff, np.inf, expected)
        assert_same_distances(got, limited, TOLERANCE_M)


# --- small streets drawn in Lambert-93 metres, for exact expectations ---------------------------

ORIGIN = (652_000.0, 6_862_000.0)
SQUARE = {1: (0.0, 0.0), 2: (100.0, 0.0), 3: (100.0, 100.0), 4: (0.0, 100.0)}
ONE_WAY_LOOP = [(1, 2, True), (2, 3, True), (3, 4, True), (4, 1, True)]


def to_lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = wire_transformer().transform(ORIGIN[0] + x, ORIGIN[1] + y)
    return float(lon), float(lat)


def make_view(
    nodes: dict[int, tuple[float, float]],
    streets: Sequence[tuple[int, int, bool]],
    *,
    lengths: dict[int, float] | None = None,
    bends: dict[int, tuple[float, float]] | None = None,
    speeds: dict[int, float] | None = None,
    mode: str = "drive",
) -> nx.MultiDiGraph:
    """A mode view from metric node positions and (u, v, one_way) streets (two-way: both ways).

    ``bends`` adds a middle vertex to a street's line, ``lengths`` overrides its length (which
    otherwise is the metric length of its line), ``speeds`` its speed (30 km/h by default).
    """
    view = nx.MultiDiGraph(crs="EPSG:4326", mode=mode)
    for node, (x, y) in nodes.items():
        lon, lat = to_lonlat(x, y)
        view.add_node(node, x=lon, y=lat, source_id=str(node))
    for index, (u, v, one_way) in enumerate(streets):
        metric = [nodes[u], *([bends[index]] if bends and index in bends else []), nodes[v]]
        coords = [to_lonlat(x, y) for x, y in metric]
        measured = float(LineString(metric).length)
        length = lengths.get(index, measured) if lengths else measured
        speed = speeds.get(index, 30.0) if speeds else 30.0
        attrs = {"length": length, "speed_kmh": speed, "travel_time_s": length / (speed / 3.6)}
        view.add_edge(u, v, geometry=LineString(coords), name=f"street {index}", **attrs)
        if not one_way:
            view.add_edge(v, u, geometry=LineString(coords[::-1]), name=f"street {index}", **attrs)
    return view


def snap_xy(engine: DistanceEngine, *points: tuple[float, float]) -> SnappedPoints:
    lonlat = [to_lonlat(x, y) for x, y in points]
    return engine.snap([p[0] for p in lonlat], [p[1] for p in lonlat])


def both_ways(
    view: nx.MultiDiGraph, engine: DistanceEngine, demand: SnappedPoints, assets: SnappedPoints
) -> tuple[np.ndarray, np.ndarray]:
    """Engine distances both ways, after checking them against the reference."""
    result = []
    for direction in ("to_assets", "from_assets"):
        got = engine.distances(demand, assets, cutoff_m=None, direction=direction)
        expected = reference_distances(view, engine, demand, assets, direction=direction)
        assert_same_distances(got, expected, 1e-6)
        result.append(got)
    return result[0], result[1]


def test_asset_and_demand_on_the_same_one_way_edge_in_both_orders() -> None:
    view = make_view(SQUARE, ONE_WAY_LOOP)
    engine = DistanceEngine.build(view, mode="drive")
    assets = snap_xy(engine, (30.0, 0.0))
    demand = snap_xy(engine, (10.0, 0.0), (70.0, 0.0))
    to_assets, from_assets = both_ways(view, engine, demand, assets)
    # before the asset: straight on; past it: round the block (30 to node 2, 300 round, 30 back).
    np.testing.assert_allclose(to_assets, [20.0, 360.0], atol=1e-6)
    np.testing.assert_allclose(from_assets, [380.0, 40.0], atol=1e-6)
    assert engine.distances(demand, assets, cutoff_m=300.0)[1] == np.inf


def test_asset_and_demand_on_the_same_two_way_edge() -> None:
    streets = [(1, 2, False), (2, 3, True), (3, 4, True), (4, 1, True)]
    view = make_view(SQUARE, streets)
    engine = DistanceEngine.build(view, mode="drive")
    assert len(engine.edges.segment_edges) == 4
    assets = snap_xy(engine, (30.0, 0.0))
    demand = snap_xy(engine, (10.0, 0.0), (70.0, 0.0))
    to_assets, from_assets = both_ways(view, engine, demand, assets)
    np.testing.assert_allclose(to_assets, [20.0, 40.0], atol=1e-6)
    np.testing.assert_allclose(from_assets, [20.0, 40.0], atol=1e-6)


def test_points_snapped_exactly_at_a_node() -> None:
    view = make_view(SQUARE, ONE_WAY_LOOP)
    engine = DistanceEngine.build(view, mode="drive")
    assets = snap_xy(engine, (30.0, 0.0))
    demand = snap_xy(engine, SQUARE[3], SQUARE[1])
    assert np.all(demand.off_street_m < 1e-6)
    at_end = np.isclose(demand.offset_m, 0.0, atol=1e-6) | np.isclose(
        demand.offset_m, demand.edge_length_m, atol=1e-6
    )
    assert at_end.all()
    to_assets, from_assets = both_ways(view, engine, demand, assets)
    np.testing.assert_allclose(to_assets, [230.0, 30.0], atol=1e-6)
    np.testing.assert_allclose(from_assets, [170.0, 370.0], atol=1e-6)
    nodes = engine.node_distances(assets)
    np.testing.assert_allclose(nodes[np.argsort(engine.node_ids)], [30.0, 330.0, 230.0, 130.0])


def test_a_point_beyond_max_snap_is_flagged_and_never_reached() -> None:
    view = make_view(SQUARE, ONE_WAY_LOOP)
    engine = DistanceEngine.build(view, mode="drive", max_snap_m=100.0)
    demand = snap_xy(engine, (50.0, -150.0), (50.0, -90.0))
    assert demand.too_far.tolist() == [True, False]
    np.testing.assert_allclose(demand.off_street_m, [150.0, 90.0], atol=1e-6)
    assets = snap_xy(engine, (30.0, 0.0))
    got = engine.distances(demand, assets, cutoff_m=None)
    assert got[0] == np.inf and got[1] == pytest.approx(90.0 + 50.0 + 300.0 + 30.0)
    far_asset = snap_xy(engine, (30.0, 500.0))
    assert far_asset.too_far.all()
    assert np.isinf(engine.distances(demand, far_asset, cutoff_m=None)).all()
    assert np.isinf(engine.node_distances(far_asset)).all()


def test_empty_asset_or_demand_sets() -> None:
    view = make_view(SQUARE, ONE_WAY_LOOP)
    engine = DistanceEngine.build(view, mode="drive")
    demand = snap_xy(engine, (10.0, 0.0), (70.0, 5.0))
    for assets in (SnappedPoints.empty(), engine.snap([], [])):
        assert assets.count == 0
        got = engine.distances(demand, assets, cutoff_m=500.0)
        assert got.shape == (2,) and np.isinf(got).all()
        assert engine.reach(assets, 100.0).count == 0
    assert engine.distances(SnappedPoints.empty(), demand, cutoff_m=None).shape == (0,)


def test_time_weight_walks_the_off_street_legs() -> None:
    view = make_view(SQUARE, ONE_WAY_LOOP, speeds={0: 36.0})
    engine = DistanceEngine.build(view, mode="drive")
    assets = snap_xy(engine, (30.0, 0.0))
    demand = snap_xy(engine, (10.0, -20.0))
    walk_mps = WALK_SPEED_KMH / 3.6
    got = engine.distances(demand, assets, cutoff_m=None, weight="time")
    assert got[0] == pytest.approx(20.0 / walk_mps + 20.0 / 10.0)
    expected = reference_distances(view, engine, demand, assets, weight="time")
    assert_same_distances(got, expected, 1e-6)
    assert engine.distances(demand, assets, cutoff_m=16.0, weight="time")[0] == np.inf


def test_offsets_follow_the_length_attribute_not_the_drawn_line() -> None:
    view = make_view(SQUARE, ONE_WAY_LOOP, lengths={0: 200.0}, bends={1: (150.0, 50.0)})
    engine = DistanceEngine.build(view, mode="drive")
    assets = snap_xy(engine, (30.0, 0.0))
    assert assets.offset_m[0] == pytest.approx(60.0)
    demand = snap_xy(engine, (10.0, 0.0), (150.0, 50.0))
    to_assets, _ = both_ways(view, engine, demand, assets)
    bent = 2 * float(np.hypot(50.0, 50.0))
    assert to_assets[0] == pytest.approx(40.0)
    assert to_assets[1] == pytest.approx(bent / 2 + 100.0 + 100.0 + 60.0)


def test_search_graphs_are_cached_per_asset_set() -> None:
    view = make_view(SQUARE, ONE_WAY_LOOP)
    engine = DistanceEngine.build(view, mode="drive")
    demand = snap_xy(engine, (10.0, 0.0))
    first = engine.distances(demand, snap_xy(engine, (30.0, 0.0)), cutoff_m=None)
    again = engine.distances(demand, snap_xy(engine, (30.0, 0.0)), cutoff_m=100.0)
    assert engine.stats.cached_asset_sets == 1
    np.testing.assert_array_equal(first, again)
    for step in range(12):
        engine.distances(demand, snap_xy(engine, (5.0 * step, 1.0)), cutoff_m=None)
    assert engine.stats.cached_asset_sets == 8
    engine.clear_cache()
    assert engine.stats.cached_asset_sets == 0


def test_stats_describe_the_engine(views: dict[str, nx.MultiDiGraph]) -> None:
    """Sizes and memory (the build time is reported, not judged: scripts/ measure speed)."""
    engine = DistanceEngine.build(views["paris-walk"], mode="walk")
    stats = engine.stats
    assert (stats.mode, stats.nodes, stats.edges, stats.segments) == ("walk", 634, 1882, 941)
    assert stats.to_dict()["edges"] == 1882
    assert stats.memory_bytes == engine.edges.nbytes() > 0  # nothing cached yet
    points = engine.snap([2.3600, 2.3550], [48.8760, 48.8720])
    engine.distances(points, points.take([0]), cutoff_m=None)
    assert engine.stats.memory_bytes > engine.edges.nbytes()  # the search and placement kept
    engine.clear_cache()
    assert engine.stats.memory_bytes == engine.edges.nbytes()


def test_refusals() -> None:
    view = make_view(SQUARE, ONE_WAY_LOOP)
    engine = DistanceEngine.build(view, mode="drive")
    other = DistanceEngine.build(make_view(SQUARE, ONE_WAY_LOOP, lengths={0: 150.0}), mode="drive")
    points = snap_xy(engine, (10.0, 0.0))
    with pytest.raises(InvalidInputError, match="another street network"):
        engine.distances(snap_xy(other, (10.0, 0.0)), points, cutoff_m=None)
    with pytest.raises(InvalidInputError, match="cutoff_m"):
        engine.distances(points, points, cutoff_m=-1.0)
    with pytest.raises(InvalidInputError, match="weight"):
        engine.distances(points, points, cutoff_m=None, weight="speed")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="direction"):
        engine.distances(points, points, cutoff_m=None, direction="both")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="finite cutoff"):
        engine.reach(points, float("inf"))
    with pytest.raises(InvalidInputError, match="not 'walk'"):
        DistanceEngine.build(view, mode="walk")
    with pytest.raises(InvalidInputError, match="mode"):
        DistanceEngine(engine.edges, mode="bike")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="no edge"):
        DistanceEngine.build(nx.MultiDiGraph(), mode="walk")


def test_from_arrays_matches_build(views: dict[str, nx.MultiDiGraph]) -> None:
    view = views["sgl-drive"]
    built = DistanceEngine.build(view, mode="drive")
    nodes = list(view.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    rows = list(view.edges(data=True))
    arrays = DistanceEngine.from_arrays(
        [view.nodes[n]["x"] for n in nodes],
        [view.nodes[n]["y"] for n in nodes],
        [index[u] for u, _, _ in rows],
        [index[v] for _, v, _ in rows],
        [attrs["length"] for _, _, attrs in rows],
        [attrs["speed_kmh"] for _, _, attrs in rows],
        [attrs["geometry"] for _, _, attrs in rows],
    )
    np.testing.assert_array_equal(arrays.edges.reverse_of, built.edges.reverse_of)
    lon, lat = demand_points(view, 200, seed=7)
    for weight in ("length", "time"):
        args = {"cutoff_m": 1500.0 if weight == "length" else 200.0, "weight": weight}
        np.testing.assert_allclose(
            arrays.distances(arrays.snap(lon, lat), arrays.snap(*asset_points("gares")), **args),  # type: ignore[arg-type]
            built.distances(built.snap(lon, lat), built.snap(*asset_points("gares")), **args),  # type: ignore[arg-type]
            rtol=1e-9,
        )


def test_from_arrays_with_straight_lines_builds_them_only_to_snap() -> None:
    side = 5
    x, y = np.meshgrid(np.arange(side) * 100.0, np.arange(side) * 100.0)
    lon, lat = wire_transformer().transform(ORIGIN[0] + x.ravel(), ORIGIN[1] + y.ravel())
    grid = np.arange(side * side).reshape(side, side)
    pairs = np.r_[
        np.c_[grid[:, :-1].ravel(), grid[:, 1:].ravel()], np.c_[grid[:-1].ravel(), grid[1:].ravel()]
    ]
    u, v = np.r_[pairs[:, 0], pairs[:, 1]], np.r_[pairs[:, 1], pairs[:, 0]]
    engine = DistanceEngine.from_arrays(lon, lat, u, v, np.full(len(u), 100.0), 30.0)
    assert engine.edges.line_metric is None
    assert (engine.edges.reverse_of >= 0).all() and len(engine.edges.segment_edges) == len(pairs)
    assets = engine.snap(*to_lonlat(0.0, 0.0))
    demand = engine.snap(*to_lonlat(450.0, 400.0))
    assert engine.distances(demand, assets, cutoff_m=None)[0] == pytest.approx(800.0 + 50.0)
    with pytest.raises(InvalidInputError, match="node indexes"):
        DistanceEngine.from_arrays(lon, lat, [0], [side * side], [1.0], [30.0])
    with pytest.raises(InvalidInputError, match="positive"):
        DistanceEngine.from_arrays(lon, lat, [0], [1], [0.0], [30.0])


def test_build_csr_keeps_the_shortest_parallel_edge() -> None:
    streets = [(1, 2, True), (1, 2, True), (2, 1, True)]
    view = make_view(SQUARE, streets, bends={1: (50.0, 40.0)}, lengths={1: 90.0, 2: 120.0})
    matrix, node_ids = build_csr(view, "length")
    assert node_ids.tolist() == [1, 2, 3, 4] and matrix.shape == (4, 4)
    assert matrix.nnz == 2
    assert matrix[0, 1] == 90.0 and matrix[1, 0] == 120.0
    seconds, _ = build_csr(view, "time")
    assert seconds[0, 1] == pytest.approx(90.0 / (30.0 / 3.6))


def test_each_street_is_paired_with_its_way_back(engines: dict[str, DistanceEngine]) -> None:
    for name, engine in engines.items():
        table = engine.edges
        paired = np.flatnonzero(table.reverse_of >= 0)
        back = table.reverse_of[paired]
        assert np.array_equal(table.reverse_of[back], paired), name
        assert np.array_equal(table.u_index[back], table.v_index[paired])
        lines = table.geometry_metric
        for edge, twin in zip(paired[:50], back[:50], strict=True):
            assert list(lines[edge].coords) == list(lines[twin].coords)[::-1]
    assert (engines["paris-walk"].edges.reverse_of >= 0).all()
    assert (engines["sgl-drive"].edges.reverse_of < 0).sum() > 100  # one-way streets


def test_reach_on_a_one_way_loop() -> None:
    view = make_view(SQUARE, ONE_WAY_LOOP)
    engine = DistanceEngine.build(view, mode="drive")
    assets = snap_xy(engine, (30.0, 0.0))
    edge_of = {
        (int(engine.node_ids[u]), int(engine.node_ids[v])): i
        for i, (u, v) in enumerate(zip(engine.edges.u_index, engine.edges.v_index, strict=True))
    }
    reach = engine.reach(assets, 50.0)
    got = sorted(
        zip(reach.edge_index.tolist(), reach.start_m.round(6), reach.end_m.round(6), strict=True)
    )
    assert got == sorted([(edge_of[1, 2], 0.0, 30.0), (edge_of[4, 1], 80.0, 100.0)])
    assert reach.total_m == pytest.approx(50.0)
    ahead = engine.reach(assets, 50.0, direction="from_assets", per_segment=False)
    assert ahead.edge_index.tolist() == [edge_of[1, 2]]
    assert (ahead.start_m[0], ahead.end_m[0]) == pytest.approx((30.0, 80.0))
    probes = np.array([29.9, 30.1, 79.9, 80.1])
    inside = ahead.contains(np.full(4, edge_of[1, 2]), probes)
    assert inside.tolist() == [False, True, True, False]


@pytest.mark.parametrize(
    ("network", "asset_set", "cutoff"),
    [("paris-walk", "irve-paris", 300.0), ("sgl-drive", "gares", 800.0)],
)
@pytest.mark.parametrize("direction", ["to_assets", "from_assets"])
def test_reach_agrees_with_distances_along_every_street(
    engines: dict[str, DistanceEngine], network: str, asset_set: str, cutoff: float, direction: str
) -> None:
    engine = engines[network]
    table = engine.edges
    assets = engine.snap(*asset_points(asset_set))
    segments = table.segment_edges
    # inner positions: the very end of a one-way street is its crossing, reached through the
    # streets that meet there, which is where reach lists it
    fractions = np.linspace(0.0005, 0.9995, 9)
    edge = np.repeat(segments, len(fractions))
    offset = np.tile(fractions, len(segments)) * table.length_m[edge]
    zeros = np.zeros(len(edge))
    probes = SnappedPoints(
        edge, offset, table.length_m[edge], zeros, zeros, zeros, np.zeros(len(edge), dtype=bool)
    )
    distance = engine.distances(probes, assets, cutoff_m=None, direction=direction)  # type: ignore[arg-type]
    reach = engine.reach(assets, cutoff, direction=direction)  # type: ignore[arg-type]
    clear = np.abs(distance - cutoff) > 1e-6
    inside = reach.contains(edge, offset)
    assert np.array_equal(inside[clear], (distance <= cutoff)[clear])
    assert 0 < inside.sum() < len(edge)
    assert np.all(np.diff(reach.edge_index) >= 0)
    assert np.all(reach.end_m >= reach.start_m)
    assert np.all(reach.end_m <= table.length_m[reach.edge_index] + 1e-9)


def test_a_point_at_the_end_of_a_one_way_street_is_at_the_crossing() -> None:
    view = make_view(SQUARE, ONE_WAY_LOOP)
    engine = DistanceEngine.build(view, mode="drive")
    # both points project onto the corner at node 2 (the end of 1→2, the start of 2→3)
    for asset_xy, demand_xy in [((110.0, -10.0), (100.0, 0.0)), ((100.0, 0.0), (110.0, -10.0))]:
        assets, demand = snap_xy(engine, asset_xy), snap_xy(engine, demand_xy)
        to_assets, from_assets = both_ways(view, engine, demand, assets)
        legs = float(np.hypot(10.0, 10.0))
        np.testing.assert_allclose([to_assets[0], from_assets[0]], [legs, legs], atol=1e-6)


def test_duplicate_lines_pair_one_to_one_and_loops_pair_with_their_reverse() -> None:
    line = LineString([(0.0, 0.0), (10.0, 5.0), (20.0, 0.0)])
    back = LineString(list(line.coords)[::-1])
    loop = LineString([(0.0, 0.0), (5.0, 5.0), (10.0, 0.0), (0.0, 0.0)])
    loop_back = LineString(list(loop.coords)[::-1])
    other = LineString([(0.0, 0.0), (10.0, -5.0), (20.0, 0.0)])
    u = np.array([0, 1, 1, 0, 0, 0, 1])
    v = np.array([1, 0, 0, 0, 0, 1, 0])
    lines = np.array([line, back, back, loop, loop_back, other, back], dtype=object)
    reverse_of = pair_reverses(u, v, lines)
    assert reverse_of.tolist() == [1, 0, -1, 4, 3, -1, -1]
    straight = pair_reverses(np.array([0, 1, 2, 1]), np.array([1, 0, 1, 2]), None)
    assert straight.tolist() == [1, 0, 3, 2]


def test_points_given_on_the_way_back_of_a_street_count_the_same(
    views: dict[str, nx.MultiDiGraph], engines: dict[str, DistanceEngine]
) -> None:
    engine = engines["paris-walk"]
    table = engine.edges
    demand = engine.snap(*demand_points(views["paris-walk"], 100, seed=9))
    assets = engine.snap(*asset_points("velib"))
    back = table.reverse_of[demand.edge_index]
    assert (back >= 0).all()
    length = table.length_m[back]
    turned = SnappedPoints(
        back,
        length * (1.0 - demand.fraction),
        length,
        demand.off_street_m,
        demand.snapped_lon,
        demand.snapped_lat,
        demand.too_far,
    )
    for direction in ("to_assets", "from_assets"):
        np.testing.assert_allclose(
            engine.distances(turned, assets, cutoff_m=None, direction=direction),
            engine.distances(demand, assets, cutoff_m=None, direction=direction),
            rtol=1e-12,
        )
