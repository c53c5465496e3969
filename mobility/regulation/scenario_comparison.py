# SPDX-License-Identifier: MIT
"""A scenario against the base data: every figure computed twice with the same rules.

The coverage and gaps of each layer (:func:`mobility.scenarios.compare.compare_layer`) and the
regulation figures (SDIRVE objectives, AFIR gap) side by side, for one threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from mobility.assets import Layer
from mobility.commune import Mode
from mobility.coverage.context import CommuneContext
from mobility.coverage.layers import read_layer
from mobility.coverage.surroundings import check_reach
from mobility.coverage.threshold import Threshold, make_threshold
from mobility.regulation.commune import compare_regulation
from mobility.scenarios import Scenario
from mobility.scenarios.compare import compare_layer
from mobility.store.base import Store

DEFAULT_COMPARE_WITHIN_M = 300.0
"""The reach compared when the request gives neither metres nor minutes."""
COMPARISON_RULE = (
    "each figure is computed twice with the same demand, streets and threshold: "
    "on the stored assets (base) and on the stored assets with the scenario's changes "
    "(scenario); see /communes/{code}/coverage for the coverage method, "
    "/communes/{code}/sdirve and /communes/{code}/afir for the diagnostics"
)


def make_compare_threshold(
    mode: Mode, *, within_m: float | None = None, within_min: float | None = None
) -> Threshold:
    """Return the threshold compared: the one asked, or the default reach when none is."""
    if within_m is None and within_min is None:
        within_m = DEFAULT_COMPARE_WITHIN_M
    return make_threshold(mode, within_m=within_m, within_min=within_min)


def compare_scenario(
    context: CommuneContext,
    store: Store,
    scenario: Scenario,
    *,
    threshold: Threshold,
    layers: Sequence[Layer] = tuple(Layer),
    today: date,
    bev: int | None = None,
    phev: int | None = None,
) -> dict[str, Any]:
    """Return the base and the scenario side by side: coverage per layer, SDIRVE, AFIR.

    Coverage counts the assets of the commune's surroundings (a reach past them is refused);
    SDIRVE and AFIR count the commune's own points only.
    """
    check_reach(context, threshold)
    compared = []
    for layer in layers:
        base = read_layer(store, scenario.commune, layer)
        comparison = compare_layer(
            context, layer, base, scenario.apply(layer, base), threshold=threshold
        )
        compared.append(comparison.to_dict())
    return {
        "scenario": scenario.describe(),
        "commune": scenario.commune,
        "threshold": {
            "mode": threshold.mode,
            "within_m": threshold.within_m,
            "within_min": threshold.within_min,
            "in_words": threshold.describe(),
        },
        "layers": compared,
        "regulation": compare_regulation(store, scenario, today=today, bev=bev, phev=phev),
        "method": {"rule": COMPARISON_RULE},
    }
