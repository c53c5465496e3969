# SPDX-License-Identifier: MIT
"""The coverage matrix equals the engine's own distances, row by row, cutoff ties included."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobility.assets import Layer
from mobility.coverage.context import CommuneContext
from mobility.errors import InvalidInputError
from mobility.geo import wire_transformer
from mobility.network.engine import DistanceEngine
from mobility.network.snapping import SnappedPoints
from mobility.scenarios import base_assets
from mobility.siting import coverage_matrix
from mobility.store import SqlStore
from tests.mobility.siting.support import ORIGIN_X, ORIGIN_Y, grid_engine, random_points

SPACING_M = 80.0


def assert_rows_match(
    engine: DistanceEngine,
    demand: SnappedPoints,
    candidates: SnappedPoints,
    cutoff: float,
    weight: str = "length",
    direction: str = "to_assets",
) -> None:
    matrix = coverage_matrix(
        engine,
        demand,
        candidates,
        cutoff=cutoff,
        weight=weight,  # type: ignore[arg-type]
        direction=direction,  # type: ignore[arg-type]
    )
    assert matrix.shape == (candidates.count, demand.count)
    assert matrix.dtype == np.uint8 and np.all(matrix.data == 1)
    got = matrix.toarray().astype(bool)
    for i in range(candidates.count):
        cost = engine.distances(
            demand,
            candidates.take([i]),
            cutoff_m=cutoff,
            weight=weight,  # type: ignore[arg-type]
            direction=direction,  # type: ignore[arg-type]
        )
        np.testing.assert_array_equal(got[i], cost <= cutoff, err_msg=f"candidate {i}")


def node_points(engine: DistanceEngine) -> SnappedPoints:
    lon, lat = wire_transformer().transform(engine.edges.node_x_m, engine.edges.node_y_m)
    return engine.snap(lon, lat)


@pytest.mark.parametrize(
    ("mode", "weight", "direction", "cutoff"),
    [("walk", "length", "to_assets", 300.0), ("drive", "time", "from_assets", 60.0)],
)
def test_rows_equal_the_engine_on_paris(
    paris_context: CommuneContext,
    paris_store: SqlStore,
    mode: str,
    weight: str,
    direction: str,
    cutoff: float,
) -> None:
    engine = paris_context.engine(mode)  # type: ignore[arg-type]
    demand = paris_context.snapped_demand(mode)  # type: ignore[arg-type]
    hubs = base_assets(paris_store, "75110", Layer.HUBS)
    hub_points = engine.snap([h.lon for h in hubs], [h.lat for h in hubs])
    for candidates in (node_points(engine), hub_points):
        assert_rows_match(engine, demand, candidates, cutoff, weight, direction)


@st.composite
def street_grids(draw: st.DrawFn) -> tuple[DistanceEngine, SnappedPoints, SnappedPoints]:
    """A jittered grid with absent, two-way and one-way streets, lengths longer than drawn
    (sometimes whole metres, so that distances land exactly on the cutoff), and points both
    anywhere and exactly on crossings."""
    rows, cols = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    jitter = st.floats(-15.0, 15.0, allow_nan=False)
    x = np.array([c * SPACING_M + draw(jitter) for r in range(rows) for c in range(cols)])
    y = np.array([r * SPACING_M + draw(jitter) for r in range(rows) for c in range(cols)])
    x, y = x + ORIGIN_X, y + ORIGIN_Y
    pairs = [(n, n + 1) for n in range(rows * cols) if n % cols < cols - 1]
    pairs += [(n, n + cols) for n in range(rows * cols) if n + cols < rows * cols]
    round_lengths = draw(st.booleans())
    tails: list[int] = []
    heads: list[int] = []
    lengths: list[float] = []
    speeds: list[float] = []
    for a, b in pairs:
        kind = draw(st.sampled_from(["none", "two-way", "forward", "backward"]))
        if kind == "none":
            continue
        drawn = float(np.hypot(x[a] - x[b], y[a] - y[b]))
        length = drawn * draw(st.floats(1.0, 1.5))
        length = float(np.ceil(length)) if round_lengths else length
        speed = draw(st.sampled_from([15.0, 30.0, 50.0]))
        ends = [(a, b), (b, a)] if kind == "two-way" else [(a, b) if kind == "forward" else (b, a)]
        for tail, head in ends:
            tails.append(tail)
            heads.append(head)
            lengths.append(length)
            speeds.append(speed)
    if not tails:
        tails, heads, lengths, speeds = [0], [1], [SPACING_M], [30.0]
    lon, lat = wire_transformer().transform(x, y)
    engine = DistanceEngine.from_arrays(
        lon, lat, tails, heads, lengths, speeds, max_snap_m=draw(st.sampled_from([25.0, 250.0]))
    )
    width, height = (cols - 1) * SPACING_M, (rows - 1) * SPACING_M
    point = st.one_of(
        st.tuples(
            st.floats(ORIGIN_X - 60.0, ORIGIN_X + width + 60.0),
            st.floats(ORIGIN_Y - 60.0, ORIGIN_Y + height + 60.0),
        ),
        st.integers(0, rows * cols - 1).map(lambda n: (float(x[n]), float(y[n]))),
    )

    def snap(points: list[tuple[float, float]]) -> SnappedPoints:
        px, py = np.array(points).T
        plon, plat = wire_transformer().transform(px, py)
        return engine.snap(plon, plat)

    demand = snap(draw(st.lists(point, min_size=1, max_size=14)))
    candidates = snap(draw(st.lists(point, min_size=1, max_size=6)))
    return engine, demand, candidates


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    grid=street_grids(),
    weight=st.sampled_from(["length", "time"]),
    direction=st.sampled_from(["to_assets", "from_assets"]),
    cutoff=st.one_of(
        st.floats(0.0, 400.0), st.integers(0, 5).map(lambda k: k * SPACING_M + float(k))
    ),
)
def test_rows_equal_the_engine_on_random_grids(
    grid: tuple[DistanceEngine, SnappedPoints, SnappedPoints],
    weight: str,
    direction: str,
    cutoff: float,
) -> None:
    engine, demand, candidates = grid
    assert_rows_match(engine, demand, candidates, cutoff, weight, direction)


def test_rows_on_a_one_way_grid_with_exact_ties() -> None:
    engine = grid_engine(8, one_way_share=0.4, seed=3)
    demand = random_points(engine, 300, seed=5)
    lon, lat = wire_transformer().transform(engine.edges.node_x_m, engine.edges.node_y_m)
    both = engine.snap(np.r_[lon, 2.35], np.r_[lat, 48.87])  # the last one is far away
    for direction in ("to_assets", "from_assets"):
        assert_rows_match(engine, demand, both, 300.0, "length", direction)
        assert_rows_match(engine, node_points(engine), both, 300.0, "length", direction)


@pytest.mark.parametrize(("weight", "cutoff"), [("length", 300.0), ("time", 40.0)])
def test_candidates_on_crossings_are_searched_from_the_crossing(weight: str, cutoff: float) -> None:
    """Crossings (no leg, at an edge's end) skip the virtual node; mixed with other candidates."""
    from mobility.network.engine_search import place
    from mobility.siting.matrix import _search_sources

    engine = grid_engine(8, one_way_share=0.4, seed=7)
    demand = random_points(engine, 250, seed=8)
    edges = engine.edges
    rng = np.random.default_rng(9)
    x = np.r_[edges.node_x_m, rng.uniform(edges.node_x_m.min(), edges.node_x_m.max(), 30)]
    y = np.r_[edges.node_y_m, rng.uniform(edges.node_y_m.min(), edges.node_y_m.max(), 30)]
    candidates = engine.snap(*wire_transformer().transform(x, y))
    sites = place(candidates, engine.edges, weight)  # type: ignore[arg-type]
    keep = np.flatnonzero(sites.usable)
    for direction in ("to_assets", "from_assets"):
        sources, graph = _search_sources(
            engine.edges,
            sites,
            keep,
            weight,
            direction,  # type: ignore[arg-type]
        )
        on_node = sources < engine.edges.n_nodes
        assert on_node.any() and graph.shape[0] == engine.edges.n_nodes + int((~on_node).sum())
        assert_rows_match(engine, demand, candidates, cutoff, weight, direction)


def test_empty_sets_and_far_points() -> None:
    engine = grid_engine(4)
    demand = random_points(engine, 20, seed=1)
    empty = coverage_matrix(engine, demand, SnappedPoints.empty(), cutoff=100.0)
    assert empty.shape == (0, 20) and empty.nnz == 0
    none = coverage_matrix(engine, SnappedPoints.empty(), demand, cutoff=100.0)
    assert none.shape == (20, 0) and none.nnz == 0
    far = engine.snap([2.0], [48.0])
    assert far.too_far.all()
    assert coverage_matrix(engine, demand, far, cutoff=10_000.0).nnz == 0
    assert coverage_matrix(engine, far, demand, cutoff=10_000.0).nnz == 0


@pytest.mark.parametrize("cutoff", [None, -1.0, float("inf"), float("nan")])
def test_refuses_a_bad_cutoff(cutoff: float | None) -> None:
    engine = grid_engine(3)
    points = random_points(engine, 3, seed=1)
    with pytest.raises(InvalidInputError) as error:
        coverage_matrix(engine, points, points, cutoff=cutoff)  # type: ignore[arg-type]
    assert [p.field for p in error.value.problems] == ["cutoff"]


def test_refuses_points_of_another_network_and_bad_options() -> None:
    small, large = grid_engine(3), grid_engine(6)
    points = random_points(large, 30, seed=1)
    with pytest.raises(InvalidInputError, match="another street network"):
        coverage_matrix(small, points, points, cutoff=100.0)
    mine = random_points(small, 3, seed=1)
    with pytest.raises(InvalidInputError, match="weight"):
        coverage_matrix(small, mine, mine, cutoff=100.0, weight="money")  # type: ignore[arg-type]


def test_a_large_grid_is_sparse_and_exact() -> None:
    """Sampled rows of a large matrix against the engine (its speed: scripts/bench_siting.py)."""
    engine = grid_engine(101)
    demand = random_points(engine, 20_000, seed=1)
    candidates = random_points(engine, 2_000, seed=2)
    matrix = coverage_matrix(engine, demand, candidates, cutoff=500.0)
    assert matrix.shape == (2_000, 20_000)
    assert 0 < matrix.nnz < 0.01 * 2_000 * 20_000
    for i in (0, 999, 1_999):
        cost = engine.distances(demand, candidates.take([i]), cutoff_m=500.0)
        np.testing.assert_array_equal(matrix[i].toarray().ravel().astype(bool), cost <= 500.0)


def test_cached_demand_placement_serves_every_weight_and_direction() -> None:
    """The placement and incidence cached per demand set give the same rows on every reuse."""
    engine = grid_engine(7, one_way_share=0.3, seed=11)
    demand = random_points(engine, 200, seed=12)
    candidates = random_points(engine, 25, seed=13)
    for _ in range(2):  # the second round reads the caches only
        for weight in ("length", "time"):
            for direction in ("to_assets", "from_assets"):
                cutoff = 250.0 if weight == "length" else 200.0
                assert_rows_match(engine, demand, candidates, cutoff, weight, direction)
    engine.clear_cache()  # a fresh placement object: a fresh incidence
    assert_rows_match(engine, demand, candidates, 250.0, "length", "from_assets")


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), count=st.integers(0, 12))
def test_source_rows_equal_the_engine_helper(seed: int, count: int) -> None:
    """The direct two-entry source rows against the engine's general ``append_source_rows``."""
    import scipy.sparse as sp

    from mobility.network.engine_search import append_source_rows
    from mobility.siting.matrix import _with_sources

    rng = np.random.default_rng(seed)
    n_nodes = 6
    base = sp.random(n_nodes, n_nodes, density=0.4, random_state=rng, format="csr")
    base.sort_indices()
    u, v = rng.integers(0, n_nodes, count), rng.integers(0, n_nodes, count)
    v = np.where(rng.random(count) < 0.3, u, v)  # both ends on one crossing (a loop)
    link_u = np.where(rng.random(count) < 0.2, np.inf, rng.integers(0, 4, count).astype(float))
    link_v = np.where(rng.random(count) < 0.2, np.inf, rng.integers(0, 4, count).astype(float))
    ids = n_nodes + np.arange(count)
    rows, cols = np.concatenate([ids, ids]), np.concatenate([u, v])
    link = np.concatenate([link_u, link_v])
    finite = np.isfinite(link)
    expected = append_source_rows(base, rows[finite], cols[finite], link[finite], count)
    found = _with_sources(base, u, v, link_u, link_v)
    assert found.shape == expected.shape
    assert np.array_equal(found.indptr, expected.indptr)
    assert np.array_equal(found.indices, expected.indices)
    assert np.array_equal(found.data, expected.data)
