# SPDX-License-Identifier: MIT
"""Intermodal hubs of Paris 10e, checked against a plain networkx Dijkstra and by hand."""

from __future__ import annotations

import numpy as np
import pytest

from mobility.assets import Asset, Layer
from mobility.coverage.context import CommuneContext
from mobility.intermodality import Reach, analyse_intermodality
from mobility.intermodality.assessment import NEAREST_HORIZON_M, assess_hubs, snap_assets
from mobility.intermodality.modes import ADDABLE_MODES, MODES, asset_modes
from mobility.scenarios import base_assets
from mobility.store import SqlStore
from tests.support.reference import reference_distances


@pytest.fixture(scope="module")
def layers(paris_store: SqlStore) -> dict[Layer, list[Asset]]:
    return {layer: base_assets(paris_store, "75110", layer) for layer in Layer}


def test_nearest_distances_match_a_networkx_reference(
    paris_context: CommuneContext, layers: dict[Layer, list[Asset]]
) -> None:
    hubs = layers[Layer.HUBS]
    others = [*layers[Layer.PARKING], *layers[Layer.CHARGING_POINTS]]
    result = assess_hubs(paris_context.engine("walk"), hubs, others, Reach.build())
    engine = paris_context.engine("walk")
    view, _ = paris_context.model.mode_view("walk")
    assets = [*hubs, *others]
    snapped = snap_assets(engine, assets)
    hub_points = snapped.take(np.arange(len(hubs)))
    checked = 0
    for mode in MODES:
        mask = np.array([mode in asset_modes(a) for a in assets])
        if not mask.any():
            assert all(h.nearest_m[mode] == np.inf for h in result.hubs if mode not in h.present)
            continue
        expected = reference_distances(
            view, engine, hub_points, snapped.take(mask), cutoff=NEAREST_HORIZON_M
        )
        own = np.array([mode in asset_modes(h) for h in hubs])
        expected[own] = 0.0
        got = np.array([h.nearest_m[mode] for h in result.hubs])
        assert np.allclose(got, expected, atol=0.01, rtol=0), mode
        checked += int(np.isfinite(expected).sum())
    assert checked > 300


def test_gains_match_hub_to_hub_reference_distances(
    paris_context: CommuneContext, layers: dict[Layer, list[Asset]]
) -> None:
    hubs = layers[Layer.HUBS]
    others = [*layers[Layer.PARKING], *layers[Layer.CHARGING_POINTS]]
    reach = Reach.build(300, {"bike_parking": 150, "charging": 400})
    result = assess_hubs(paris_context.engine("walk"), hubs, others, reach)
    engine = paris_context.engine("walk")
    view, _ = paris_context.model.mode_view("walk")
    points = snap_assets(engine, hubs)
    # column i: every hub's street distance to a new asset standing at hub i
    to_hub = np.column_stack(
        [reference_distances(view, engine, points, points.take([i])) for i in range(len(hubs))]
    )
    ids = [h.id for h in hubs]
    for mode in ADDABLE_MODES:
        lacking = np.array([h.lacks(mode) for h in result.hubs])
        for i in range(len(hubs)):
            if not lacking[i]:
                assert result.gains[mode][i] == ()
                continue
            served = (to_hub[:, i] <= reach.within_m[mode]) | (np.arange(len(hubs)) == i)
            expected = tuple(ids[j] for j in np.flatnonzero(served & lacking))
            assert result.gains[mode][i] == expected, (mode, ids[i])


def test_figures_checked_by_hand(
    paris_context: CommuneContext, layers: dict[Layer, list[Asset]]
) -> None:
    result = analyse_intermodality(
        paris_context,
        hubs=layers[Layer.HUBS],
        parking=layers[Layer.PARKING],
        charging_points=layers[Layer.CHARGING_POINTS],
        reach=Reach.build(300),
    )
    by_name = {h.attributes.name: h for h in result.hubs}
    # 13 IDFM stations and 53 Vélib' stations (counted in the two shipped files)
    assert len(result.hubs) == 66
    assert sum(h.attributes.modes == ["bike_share"] for h in result.hubs) == 53
    # no car share in the data: every hub lacks it, so none is complete
    assert all(h.lacks("car_share") for h in result.hubs)
    assert result.summary()["complete"] == 0
    # a Vélib' station has bike share at 0 m (its own mode)
    velib = next(h for h in result.hubs if h.hub.id.startswith("velib-"))
    assert velib.nearest_m["bike_share"] == 0.0
    # Gare du Nord (lines H, K, RER B, D, M4, M5) has its three transit modes at 0 m
    nord = by_name["Gare du Nord"]
    assert {nord.nearest_m[m] for m in ("rail", "rer", "metro")} == {0.0}
    assert "train station without car share within 300 m" in {m.message for m in nord.missing}
    # Magenta (RER E only) meets trains and metro through Gare du Nord, 252.45 m away along
    # the streets; the straight line between the two is shorter, as it must be
    magenta = by_name["Magenta"]
    assert magenta.present[:3] == ("rail", "rer", "metro")
    assert magenta.nearest_m["rail"] == pytest.approx(252.45, abs=0.01)
    crow = _crow_m(magenta.hub, nord.hub)
    assert crow < magenta.nearest_m["rail"] < 2 * crow
    assert any("RER station without" in m.message for m in magenta.missing)
    # no bicycle parking of the shipped data is covered with controlled access
    assert all(h.nearest_m["secure_bike_parking"] == np.inf for h in result.hubs)
    assert any("none of the 27 bicycle parkings" in note for note in result.notes)
    ranks = [a.hubs_gaining for a in result.additions]
    assert ranks == sorted(ranks, reverse=True)
    assert ranks[0] == 9


def _crow_m(a: Asset, b: Asset) -> float:
    from mobility.geo import metric_transformer

    x, y = metric_transformer().transform([a.lon, b.lon], [a.lat, b.lat])
    return float(np.hypot(x[0] - x[1], y[0] - y[1]))
