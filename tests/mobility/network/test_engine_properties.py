# SPDX-License-Identifier: MIT
"""Properties of the distance engine on small random street grids with random one-way streets."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString

from mobility.network.engine import DistanceEngine
from mobility.network.snapping import SnappedPoints
from tests.mobility.network.test_engine import make_view, snap_xy
from tests.support.reference import reference_distances

SPACING_M = 80.0
PROPERTY_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Instance:
    view: nx.MultiDiGraph
    demand: list[tuple[float, float]]
    assets: list[tuple[float, float]]
    extra_asset: tuple[float, float]
    max_snap_m: float

    def engine(self) -> DistanceEngine:
        return DistanceEngine.build(self.view, mode="drive", max_snap_m=self.max_snap_m)


@st.composite
def instances(draw: st.DrawFn, *, min_assets: int = 0) -> Instance:
    """A jittered grid: each neighbour pair absent, two-way, or one-way either way; some lines
    bent, some lengths longer than the drawn line, a few parallel streets; random points."""
    rows, cols = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    jitter = st.floats(-15.0, 15.0, allow_nan=False)
    nodes = {
        r * cols + c: (c * SPACING_M + draw(jitter), r * SPACING_M + draw(jitter))
        for r in range(rows)
        for c in range(cols)
    }
    pairs = [(n, n + 1) for n in nodes if n % cols < cols - 1]
    pairs += [(n, n + cols) for n in nodes if n + cols in nodes]
    streets: list[tuple[int, int, bool]] = []
    lengths: dict[int, float] = {}
    bends: dict[int, tuple[float, float]] = {}
    speeds: dict[int, float] = {}
    kinds = st.sampled_from(["none", "two-way", "forward", "backward", "parallel"])
    for u, v in pairs:
        kind = draw(kinds)
        if kind == "none":
            continue
        copies = 2 if kind == "parallel" else 1
        for copy in range(copies):
            tail, head = (v, u) if kind == "backward" else (u, v)
            index = len(streets)
            streets.append((tail, head, kind in ("forward", "backward")))
            (x0, y0), (x1, y1) = nodes[tail], nodes[head]
            line = [(x0, y0), (x1, y1)]
            if copy or draw(st.booleans()):
                shift = 40.0 * copy  # a parallel street never runs along the same line
                bend = ((x0 + x1) / 2 + draw(jitter) + shift, (y0 + y1) / 2 + draw(jitter) + shift)
                bends[index] = bend
                line.insert(1, bend)
            lengths[index] = LineString(line).length * draw(st.floats(1.0, 1.6))
            speeds[index] = draw(st.sampled_from([15.0, 30.0, 50.0]))
    if not streets:
        streets.append((0, 1, False))
    width, height = (cols - 1) * SPACING_M, (rows - 1) * SPACING_M
    point = st.tuples(st.floats(-60.0, width + 60.0), st.floats(-60.0, height + 60.0))
    view = make_view(nodes, streets, lengths=lengths, bends=bends, speeds=speeds)
    return Instance(
        view=view,
        demand=draw(st.lists(point, min_size=1, max_size=12)),
        assets=draw(st.lists(point, min_size=min_assets, max_size=4)),
        extra_asset=draw(point),
        max_snap_m=draw(st.sampled_from([25.0, 250.0])),
    )


weights = st.sampled_from(["length", "time"])
directions = st.sampled_from(["to_assets", "from_assets"])
cutoffs = st.one_of(st.none(), st.floats(20.0, 600.0))


def assert_matches(got: np.ndarray, expected: np.ndarray, cutoff: float | None) -> None:
    """Equal within 1e-6; an inf on one side only is allowed just at the cutoff (rounding)."""
    both = np.isfinite(got) & np.isfinite(expected)
    np.testing.assert_allclose(got[both], expected[both], rtol=0, atol=1e-6)
    one_side = np.isfinite(got) != np.isfinite(expected)
    if one_side.any():
        assert cutoff is not None
        finite = np.where(np.isfinite(got), got, expected)[one_side]
        np.testing.assert_allclose(finite, cutoff, atol=1e-6)


@PROPERTY_SETTINGS
@given(instance=instances(), weight=weights, direction=directions, cutoff=cutoffs)
def test_engine_equals_the_reference(
    instance: Instance, weight: str, direction: str, cutoff: float | None
) -> None:
    engine = instance.engine()
    demand = snap_xy(engine, *instance.demand)
    assets = snap_xy(engine, *instance.assets) if instance.assets else SnappedPoints.empty()
    got = engine.distances(demand, assets, cutoff_m=cutoff, weight=weight, direction=direction)  # type: ignore[arg-type]
    expected = reference_distances(
        instance.view, engine, demand, assets, weight=weight, direction=direction, cutoff=cutoff
    )
    assert_matches(got, expected, cutoff)
    assert np.isinf(got[demand.too_far]).all()


@PROPERTY_SETTINGS
@given(instance=instances(), weight=weights, direction=directions, cutoff=cutoffs)
def test_adding_an_asset_never_increases_a_distance(
    instance: Instance, weight: str, direction: str, cutoff: float | None
) -> None:
    engine = instance.engine()
    demand = snap_xy(engine, *instance.demand)
    before_points = instance.assets
    after_points = [*instance.assets, instance.extra_asset]
    before_assets = snap_xy(engine, *before_points) if before_points else SnappedPoints.empty()
    options = {"cutoff_m": cutoff, "weight": weight, "direction": direction}
    before = engine.distances(demand, before_assets, **options)  # type: ignore[arg-type]
    after = engine.distances(demand, snap_xy(engine, *after_points), **options)  # type: ignore[arg-type]
    assert np.all(after <= before + 1e-9)
    assert np.all(np.isfinite(after) | ~np.isfinite(before))  # coverage never shrinks


@PROPERTY_SETTINGS
@given(instance=instances(min_assets=1), weight=weights)
def test_node_distances_satisfy_the_triangle_inequality(instance: Instance, weight: str) -> None:
    engine = instance.engine()
    assets = snap_xy(engine, *instance.assets)
    assume(not assets.too_far.all())  # with no asset on a street every distance is inf
    row = {int(node): i for i, node in enumerate(engine.node_ids)}
    attr = "length" if weight == "length" else "travel_time_s"
    to_assets = engine.node_distances(assets, weight=weight)  # type: ignore[arg-type]
    from_assets = engine.node_distances(assets, weight=weight, direction="from_assets")  # type: ignore[arg-type]
    # an asset on a street is reached from that street's tail and reaches its head
    assert np.isfinite(to_assets).any() and np.isfinite(from_assets).any()
    for u, v, attrs in instance.view.edges(data=True):
        cost = attrs[attr]
        assert to_assets[row[u]] <= cost + to_assets[row[v]] + 1e-9
        assert from_assets[row[v]] <= from_assets[row[u]] + cost + 1e-9
