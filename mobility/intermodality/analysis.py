# SPDX-License-Identifier: MIT
"""Intermodal hubs of a commune: what meets at each, how complete it is, what to add where.

The entry point :func:`analyse_intermodality` takes a commune context and the three asset layers
(already read, with any scenario applied), assesses every hub along the walking streets
(:mod:`mobility.intermodality.assessment`) and returns the hubs ranked least complete first, the
additions ranked by the number of hubs they would serve, and a statement of the method and
inputs so that every figure can be checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mobility.assets import Asset, Hub, HubMode, Layer, Parking
from mobility.commune import describe_population
from mobility.coverage.analysis import SNAPPING_RULE
from mobility.coverage.context import CommuneContext
from mobility.coverage.surroundings import describe_surroundings, in_surroundings
from mobility.intermodality.assessment import (
    NEAREST_HORIZON_M,
    Addition,
    Assessment,
    HubAssessment,
    assess_hubs,
    rank_additions,
    rank_hubs,
)
from mobility.intermodality.modes import (
    ADDABLE_MODES,
    EXPECTED_MODES,
    MODE_LABELS,
    PRESENT_WHEN,
    SECURE_RULE,
    AddableMode,
    Reach,
    asset_modes,
    is_secure_bike_parking,
    main_mode,
    score_formula,
)

ADDITION_RULE = (
    "for each hub and each addable mode it lacks: the hubs that would gain the mode if one asset "
    "of it were added at the hub's location, i.e. the hubs lacking it whose street distance to "
    "that point is within the mode's reach (the hub itself always gains). Each hub is listed "
    "once with its best mode (ties: {order}); ranked by hubs gaining (most first), then "
    "completeness (least first), then name. Public transport counts in the score but cannot be "
    "added."
)


@dataclass
class IntermodalityResult:
    """The answer for one commune and one reach, with everything needed to explain it."""

    commune: str
    reach: Reach
    assessment: Assessment
    hubs: list[HubAssessment]
    additions: list[Addition]
    method: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def best_additions(self) -> dict[str, Addition]:
        """Return each hub's best addition, by hub id."""
        return {addition.assessment.hub.id: addition for addition in self.additions}

    def candidates(self, mode: AddableMode | None = None) -> list[Addition]:
        """Return the ranked additions, or those of one mode only (every hub lacking it)."""
        return self.additions if mode is None else rank_additions(self.assessment, mode=mode)

    def summary(self) -> dict[str, Any]:
        """Return the commune-wide figures: hubs, score distribution, modes lacking."""
        scores: dict[str, int] = {}
        for hub in self.hubs:
            key = f"{len(hub.expected_present)}/{len(EXPECTED_MODES)}"
            scores[key] = scores.get(key, 0) + 1
        lacking = {mode: sum(hub.lacks(mode) for hub in self.hubs) for mode in EXPECTED_MODES}
        mean = sum(h.completeness for h in self.hubs) / len(self.hubs) if self.hubs else None
        return {
            "hubs": len(self.hubs),
            "hubs_off_network": sum(hub.off_network for hub in self.hubs),
            "complete": sum(not hub.missing for hub in self.hubs),
            "mean_completeness": round(mean, 4) if mean is not None else None,
            "score_distribution": dict(sorted(scores.items(), reverse=True)),
            "hubs_lacking": lacking,
            "assets_used": self.assessment.assets_used,
            "assets_off_network": self.assessment.assets_off_network,
        }


def analyse_intermodality(
    context: CommuneContext,
    *,
    hubs: Sequence[Asset],
    parking: Sequence[Asset],
    charging_points: Sequence[Asset],
    reach: Reach,
    hub_mode: HubMode | None = None,
) -> IntermodalityResult:
    """Assess the hubs of a commune along the walking streets and rank what to add where.

    With ``hub_mode`` only the hubs served by that mode are assessed and ranked (e.g. the rail
    stations, leaving out bike-share stations); every hub still brings its modes to the others.
    """
    engine = context.engine("walk")
    outside = in_surroundings(context, hubs)
    assessed = None
    if hub_mode is not None or outside.any():
        assessed = [
            i
            for i, hub in enumerate(hubs)
            if not outside[i]
            and (
                hub_mode is None
                or (isinstance(hub.attributes, Hub) and hub_mode in hub.attributes.modes)
            )
        ]
    assessment = assess_hubs(engine, hubs, [*parking, *charging_points], reach, assessed=assessed)
    counts = {
        Layer.HUBS.value: len(hubs),
        Layer.PARKING.value: len(parking),
        Layer.CHARGING_POINTS.value: len(charging_points),
    }
    return IntermodalityResult(
        commune=context.record.code,
        reach=reach,
        assessment=assessment,
        hubs=rank_hubs(assessment.hubs),
        additions=rank_additions(assessment),
        method=describe_method(context, reach, counts)
        | {
            "hubs_assessed": _assessed_rule(hub_mode, len(assessment.hubs), int(outside.sum())),
            "surroundings": describe_surroundings(
                context,
                {
                    Layer.HUBS.value: hubs,
                    Layer.PARKING.value: parking,
                    Layer.CHARGING_POINTS.value: charging_points,
                },
            ),
        },
        notes=_notes(context, assessment, hubs, parking, charging_points),
    )


def _assessed_rule(hub_mode: HubMode | None, count: int, outside: int) -> str:
    around = (
        f"; the {outside} hub(s) of the commune's surroundings only bring their modes"
        if outside
        else ""
    )
    if hub_mode is None:
        return f"every hub of the commune ({count}){around}"
    return (
        f"the {count} hubs of the commune served by {hub_mode.replace('_', ' ')}; the other "
        f"hubs only bring their modes{around}"
    )


def describe_method(
    context: CommuneContext, reach: Reach, counts: dict[str, int]
) -> dict[str, Any]:
    """Return the method and inputs of the analysis, stated for a council meeting."""
    record = context.record
    engine = context.engine("walk")
    return {
        "question": "which modes meet at each hub within walking reach along the streets, "
        "and where one addition would complete the most hubs",
        "mode": "walk",
        "reach_m": reach.to_dict(),
        "distance": "street distance from the hub to the nearest asset giving each mode: "
        "straight line from the hub to its street + along the streets + straight line to the "
        f"asset; nearest distances beyond {NEAREST_HORIZON_M:g} m are reported as null",
        "snapping": SNAPPING_RULE.format(max_snap_m=context.max_snap_m).replace(
            "Homes (demand points)", "Hubs"
        ),
        "modes": {
            "hubs": "a hub gives the modes it lists (rail, rer, metro, tram, bus, bike_share, "
            "car_share); its own modes are present at 0 m",
            "parking": "kind bicycle gives bike_parking, kind car gives car_parking; "
            "motorcycle parking gives none",
            "charging-points": "every charging point gives charging",
            "secure_bike_parking": SECURE_RULE,
        },
        "score_formula": score_formula(),
        "additions": ADDITION_RULE.format(order=", ".join(ADDABLE_MODES)),
        "hubs_order": "least complete first, then name",
        "assets": counts,
        "population": describe_population(record),
        "network": {
            "summary": context.report("walk").summary(),
            "nodes": engine.edges.n_nodes,
            "edges": engine.edges.n_edges,
            "one_way": "ignored (walking)",
        },
        "sources": record.info.get("sources", []),
        "commune_revision": record.revision,
        "computed_at": datetime.now(UTC).isoformat(),
    }


def _notes(
    context: CommuneContext,
    assessment: Assessment,
    hubs: Sequence[Asset],
    parking: Sequence[Asset],
    charging_points: Sequence[Asset],
) -> list[str]:
    notes = list(context.record.info.get("notes", []))
    if not hubs:
        notes.append(
            "no hubs in this commune: nothing to assess; load stations or bike share stations "
            "into the hubs layer"
        )
        return notes
    given = set().union(*(asset_modes(a) for a in [*hubs, *parking, *charging_points]))
    for mode in EXPECTED_MODES:
        if not given.intersection(PRESENT_WHEN[mode]):
            notes.append(f"no {MODE_LABELS[mode]} in this commune's data: every hub lacks it")
    bicycles = [
        p.attributes
        for p in parking
        if isinstance(p.attributes, Parking) and p.attributes.kind == "bicycle"
    ]
    secure = [b for b in bicycles if is_secure_bike_parking(b)]
    if bicycles and not secure:
        notes.append(
            f"none of the {len(bicycles)} bicycle parkings is recorded as covered with "
            "controlled access: all count as bike parking, none as secure bike parking"
        )
    motorcycles = sum(
        isinstance(p.attributes, Parking) and p.attributes.kind == "motorcycle" for p in parking
    )
    if motorcycles:
        notes.append(f"{motorcycles} motorcycle parking(s) give no mode in this analysis")
    if assessment.assets_off_network:
        notes.append(
            f"{assessment.assets_off_network} asset(s) lie more than {context.max_snap_m:g} m "
            "from every walkable street and are never within reach"
        )
    off = [h for h in assessment.hubs if h.off_network]
    if off:
        notes.append(
            f"{len(off)} hub(s) lie more than {context.max_snap_m:g} m from every walkable "
            "street: only their own modes count as present"
        )
    return notes


def hub_properties(hub: HubAssessment, rank: int, best: Addition | None) -> dict[str, Any]:
    """Return one hub's row as JSON-ready values (distances rounded to the centimetre)."""
    attributes: Hub = hub.attributes
    return {
        "rank": rank,
        "id": hub.hub.id,
        "name": attributes.name,
        "hub_modes": list(attributes.modes),
        "main_mode": main_mode(attributes),
        "lines": list(attributes.lines),
        "completeness": round(hub.completeness, 4),
        "score": f"{len(hub.expected_present)}/{len(EXPECTED_MODES)}",
        "expected_present": list(hub.expected_present),
        "modes_present": list(hub.present),
        "missing": [
            {
                "mode": missing.mode,
                "within_m": missing.within_m,
                "nearest_m": _metres(missing.nearest_m),
                "message": missing.message,
            }
            for missing in hub.missing
        ],
        "nearest_m": {mode: _metres(value) for mode, value in hub.nearest_m.items()},
        "off_network": hub.off_network,
        "best_addition": (
            None if best is None else {"mode": best.mode, "hubs_gaining": best.hubs_gaining}
        ),
    }


def addition_properties(addition: Addition, rank: int, reach: Reach) -> dict[str, Any]:
    """Return one ranked addition as JSON-ready values."""
    hub = addition.assessment
    label = MODE_LABELS[addition.mode]
    within = reach.within_m[addition.mode]
    return {
        "rank": rank,
        "hub_id": hub.hub.id,
        "name": hub.attributes.name,
        "missing_mode": addition.mode,
        "within_m": within,
        "hubs_gaining": addition.hubs_gaining,
        "gaining_hub_ids": list(addition.gaining),
        "completeness": round(hub.completeness, 4),
        "options": dict(addition.options),
        "message": f"one {label} at {hub.attributes.name} would bring {label} within "
        f"{within:g} m to {addition.hubs_gaining} hub(s)",
    }


def candidate_feature(addition: Addition, rank: int, reach: Reach) -> dict[str, Any]:
    """Return an addition as a siting candidate: a Point with ``id``, ``name`` and the gain."""
    hub = addition.assessment.hub
    properties = addition_properties(addition, rank, reach)
    candidate_id = f"{hub.id}:{addition.mode}"
    properties = {"id": candidate_id, **properties}
    return {
        "type": "Feature",
        "id": candidate_id,
        "geometry": {"type": "Point", "coordinates": [hub.lon, hub.lat]},
        "properties": properties,
    }


def _metres(value: float) -> float | None:
    return round(value, 2) if value != float("inf") else None
