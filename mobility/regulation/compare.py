# SPDX-License-Identifier: MIT
"""Where a scenario leaves the commune against its SDIRVE objectives and the AFIR target.

The same diagnostics run on the base and on the scenario; the comparison puts their figures side
by side. SDIRVE objectives are what the commune supplied (never derived from the plan it is judged
against); without them the objectives and what remains to reach them are null.
"""

from __future__ import annotations

from typing import Any

from mobility.regulation.afir import AfirCheck, afir_method
from mobility.regulation.points import PointSet
from mobility.regulation.power_classes import CLASS_LABELS, POWER_CLASSES
from mobility.regulation.sdirve_result import SdirveIndicators


def compare_sdirve(
    base: SdirveIndicators, scenario: SdirveIndicators, scenario_points: PointSet
) -> dict[str, Any]:
    """Return points per power class on the base and the scenario against the objectives.

    ``scenario_points`` are the scenario's distinct charging points: the base's existing points
    with the scenario's additions, changes and removals applied.
    """
    scenario_counts = scenario_points.counts_by_class()
    values = scenario.to_dict()["indicators"]["values"]
    existing = base.to_dict()["existing"]
    rows: dict[str, Any] = {}
    for power_class in POWER_CLASSES:
        suffix = power_class.suffix
        objective = values.get(f"objectifs_nb_pdc_{suffix}")
        before = int(existing["by_class"][suffix])
        after = scenario_counts[power_class]
        rows[suffix] = {
            "class_bounds": CLASS_LABELS[power_class],
            "base": before,
            "scenario": after,
            "objective": objective,
            "remaining_base": None if objective is None else max(0, objective - before),
            "remaining_scenario": None if objective is None else max(0, objective - after),
        }
    objective_stations = values.get("objectifs_nb_total_stations")
    supplied = objective_stations is not None and any(
        row["objective"] is not None for row in rows.values()
    )
    return {
        "points_by_class": rows,
        "stations": {
            "base": existing["stations"],
            "scenario": len(scenario_points.stations()),
            "objective": objective_stations,
        },
        "objectives_source": "supplied by the commune (PUT /communes/{code}/inputs/sdirve)"
        if supplied
        else None,
        "notes": []
        if supplied
        else ["no SDIRVE objectives supplied: the remaining points to reach them are unknown"],
    }


def compare_afir(base: AfirCheck, scenario: AfirCheck) -> dict[str, Any]:
    """Return installed public power and the AFIR gap on the base and the scenario.

    Both sides count the same points (public only, or reserved ones too); the reserved-access
    points are reported apart on each side, with the method that says which was done.
    """
    return {
        "regulation": base.to_dict()["regulation"],
        "fleet": base.fleet.to_dict() if base.fleet else None,
        "required_kw": base.required_kw,
        "installed_kw": {"base": base.installed_kw, "scenario": scenario.installed_kw},
        "gap_kw": {"base": base.gap_kw, "scenario": scenario.gap_kw},
        "target_met": {"base": base.target_met, "scenario": scenario.target_met},
        "reserved_access": {
            "base": base.reserved.to_dict(),
            "scenario": scenario.reserved.to_dict(),
        },
        "notes": list(dict.fromkeys([*base.notes, *scenario.notes])),
        "method": afir_method(include_reserved=base.reserved.counted)["installed"],
    }
