# SPDX-License-Identifier: MIT
"""A commune's surroundings as the analyses see them: what stands outside, how far a reach goes.

A commune imported with a margin (``margin_m``) is modelled with the streets and assets within its
boundary buffered by that margin (EPSG:2154), because real catchments ignore municipal borders: a
home 150 m from a charger across the line is served by it. Homes stay inside the commune.

Two rules follow for every analysis. Its answer says what it counted outside the commune
(:func:`describe_surroundings`), and a reach longer than the margin is refused
(:func:`check_reach`): past the margin the streets and assets are missing, so the figures would
stop at an arbitrary line again without saying so. Network distance is never shorter than the
straight line, so a reach within the margin finds every asset that can serve a home.

A commune without a margin (every commune built before surroundings existed, or one imported
with a margin of 0) answers as it always did: its method says it has no surroundings and no
reach is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mobility.assets import Asset
from mobility.coverage.context import CommuneContext
from mobility.coverage.layers import asset_coordinates
from mobility.coverage.threshold import Threshold
from mobility.errors import FieldProblem, InvalidInputError
from mobility.network.speeds import WALK_SPEED_KMH

MARGIN_TOLERANCE_M = 1e-3
"""A reach this close to the margin is the margin: minutes turned into metres carry float noise."""
SURROUNDINGS_RULE = (
    "assets standing within margin_m of the commune's boundary (buffer in EPSG:2154) serve its "
    "inhabitants along the streets of the same area; homes are only those inside the commune"
)
NO_SURROUNDINGS_RULE = (
    "the commune was imported without surroundings (no margin): only the assets inside its "
    "boundary serve, along its own streets; re-import it with --margin-m to count the "
    "neighbours' assets across the line"
)


def in_surroundings(context: CommuneContext, assets: Sequence[Asset]) -> np.ndarray:
    """Return, per asset, whether it stands outside the commune (in its surroundings).

    None does for a commune without surroundings: it reads no asset outside its boundary.
    """
    if not assets or not context.record.margin_m:
        return np.zeros(len(assets), dtype=bool)
    lon, lat = asset_coordinates(assets)
    hasher = hashlib.blake2b(lon.tobytes(), digest_size=16)
    hasher.update(lat.tobytes())
    outside = context.kept(  # the same positions tested against the same outline: kept
        f"outside:{len(lon)}:{hasher.hexdigest()}",
        lambda: ~np.asarray(context.place.inside_commune(lon, lat), dtype=bool),
    )
    return outside.copy()


def describe_surroundings(
    context: CommuneContext, assets: Sequence[Asset] | Mapping[str, Sequence[Asset]]
) -> dict[str, Any]:
    """Return the method entry stating the margin and how many assets stood outside the commune.

    ``assets`` is the one set an analysis used, or its sets by layer name (then the count is
    given per layer).
    """
    margin_m = context.record.margin_m
    if isinstance(assets, Mapping):
        counted: int | dict[str, int] = {
            name: _outside(context, layer) for name, layer in assets.items()
        }
    else:
        counted = _outside(context, assets)
    rule = SURROUNDINGS_RULE if margin_m else NO_SURROUNDINGS_RULE
    return {"margin_m": margin_m, "assets_in_surroundings": counted, "rule": rule}


def _outside(context: CommuneContext, assets: Sequence[Asset]) -> int:
    return int(in_surroundings(context, assets).sum())


def fastest_speed_kmh(context: CommuneContext, threshold: Threshold) -> float:
    """Return the fastest speed of the mode's streets (km/h): walking pace, or the fastest car."""
    if threshold.mode == "walk":
        return WALK_SPEED_KMH
    edges = context.engine("drive").edges
    if edges.n_edges == 0:
        return 0.0
    return float(np.max(edges.length_m / edges.travel_time_s)) * 3.6


def reach_m(context: CommuneContext, threshold: Threshold) -> tuple[float, str]:
    """Return the farthest a threshold can reach along the streets (m) and how it was found.

    Metres are themselves; minutes become metres at the fastest speed of the mode's streets
    (walking pace when walking), an upper bound of the distance covered in that time.
    """
    if threshold.within_m is not None:
        return threshold.within_m, f"{threshold.within_m:g} m"
    minutes = float(threshold.within_min or 0.0)
    speed_kmh = fastest_speed_kmh(context, threshold)
    metres = minutes * 60.0 * speed_kmh / 3.6
    verb = "walking" if threshold.mode == "walk" else "driving"
    where = "the walking pace" if threshold.mode == "walk" else "the fastest speed of the streets"
    speed = f"{round(speed_kmh, 1):g} km/h"
    return metres, f"{minutes:g} min {verb} ≈ {metres:,.0f} m at {speed}, {where}"


def check_reach(context: CommuneContext, threshold: Threshold) -> None:
    """Refuse a threshold that reaches past the commune's surroundings (InvalidInputError)."""
    metres, words = reach_m(context, threshold)
    field = "within_m" if threshold.within_m is not None else "within_min"
    check_reaches(context, {field: (metres, words)})


def check_reaches(context: CommuneContext, reaches: Mapping[str, tuple[float, str]]) -> None:
    """Refuse every named reach (metres, in words) longer than the margin, naming its field."""
    margin_m = context.record.margin_m
    if not margin_m:
        return
    problems = [
        FieldProblem(
            field,
            f"the reach ({words}) exceeds the commune's surroundings margin ({margin_m:g} m): "
            "re-import with a larger --margin-m",
        )
        for field, (metres, words) in reaches.items()
        if metres > margin_m + MARGIN_TOLERANCE_M
    ]
    if problems:
        raise InvalidInputError(problems[0].message, problems=problems)
