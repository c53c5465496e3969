# SPDX-License-Identifier: MIT
"""The diagnostic indicators of a schéma directeur IRVE, for the commune and per IRIS.

The décret 2021-565 and the arrêté of 10 May 2021 ask a SDIRVE for a diagnostic whose figures
the national Table Schema (etalab/schema-sdirve v0.1.0) lists. This module fills what the data
allows and says what it does not:

- existing public points per power class: the distinct points of the commune's charging-points
  layer (IRVE statique), each placed in its IRIS;
- planned points per class (``evaluation_developpement``): the points a scenario adds to the base
  data (scenario assets minus base assets); without a scenario they are unknown;
- usage (sessions, duration, availability), forecast fleet at the horizon and objectives: supplied
  by the commune (``SdirveInputs``), never estimated; when absent they are left empty and listed
  in ``missing`` with the reason and the input that would supply them.

Every value is tied to a source (``provenance`` maps a field to an entry of ``sources``, which
gives its description and date).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import geopandas as gpd

from mobility.assets import Asset
from mobility.regulation.inputs import (
    OBJECTIVES_MAX_YEARS,
    IrisFigures,
    Objectives,
    SdirveInputs,
    add_years,
)
from mobility.regulation.iris import PLACEMENT_METHOD, IrisZone, iris_list, iris_of, place_points
from mobility.regulation.points import PointSet, PublicPoint, distinct_points
from mobility.regulation.power_classes import (
    CLASS_LABELS,
    POWER_CLASSES,
    POWER_UNIT_ASSUMPTION,
    empty_counts,
)
from mobility.regulation.sdirve_missing import missing_inputs
from mobility.regulation.sdirve_result import (
    LevelIndicators,
    MissingInput,
    SdirveIndicators,
    SourceInfo,
    json_value,
)
from mobility.regulation.sdirve_schema import (
    DATES,
    EXISTING,
    FORECAST,
    OBJECTIVES,
    PLANNED,
    TOTAL_STATIONS,
    USAGE,
    USES,
    sdirve_fields,
)


@dataclass
class _Level:
    """A level being filled: values, provenance and what is missing."""

    values: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    missing: list[MissingInput] = field(default_factory=list)

    def put(self, name: str, value: Any, source: str) -> None:
        self.values[name] = value
        self.provenance[name] = source


def sdirve_indicators(
    *,
    commune: str,
    base_assets: Sequence[Asset],
    today: date,
    commune_name: str | None = None,
    scenario_assets: Sequence[Asset] | None = None,
    scenario_id: str | None = None,
    zones: gpd.GeoDataFrame | None = None,
    inputs: SdirveInputs | None = None,
    inputs_stored_at: datetime | None = None,
) -> SdirveIndicators:
    """Compute the SDIRVE diagnostic of a commune and of each of its IRIS.

    Parameters
    ----------
    commune
        INSEE code of the commune.
    base_assets
        The commune's charging points as stored (other layers are ignored).
    today
        The date of the answer; the diagnostic date when the inputs give none.
    scenario_assets
        The charging points with a scenario applied; the points it adds are the planned ones.
        None when no scenario is asked for (planned points are then unknown).
    zones
        The commune's population zones (``zone``, ``name``, ``geometry``); those whose id is an
        IRIS code give the per-IRIS rows. None when the commune has no population layer.
    inputs
        What the commune supplied, with the time it was stored.

    Returns
    -------
    SdirveIndicators
        Values in schema order for the commune and each IRIS, sources, notes and method.
    """
    supplied = inputs or SdirveInputs()
    diagnostic = supplied.diagnostic_date(today)
    existing = distinct_points(base_assets)
    sources: dict[str, SourceInfo] = {
        "irve": SourceInfo(
            f"charging-points layer of commune {commune} (IRVE statique): "
            f"{len(existing.points)} distinct points",
            existing.latest_update(),
        )
    }
    notes: list[str] = []
    added: tuple[PublicPoint, ...] | None = None
    scenario_points: PointSet | None = None
    if scenario_assets is not None:
        scenario_points = distinct_points(scenario_assets)
        base_keys = existing.keys()
        added = tuple(p for p in scenario_points.points if p.key not in base_keys)
        label = scenario_id or "given"
        sources["scenario"] = SourceInfo(
            f"points scenario {label} adds to the base data ({len(added)})", today
        )
        sources["scenario_stations"] = SourceInfo(
            f"stations of scenario {label}: those of the base it keeps and those it adds", today
        )
        removed = len(base_keys - scenario_points.keys())
        if removed:
            notes.append(
                f"scenario {label} removes {removed} existing points; the SDIRVE counts only the "
                "points it adds (evaluation_developpement)"
            )
    _add_input_sources(sources, supplied, inputs_stored_at, diagnostic, today, notes)

    commune_level = _Level()
    _fill(commune_level, supplied, None, diagnostic, existing.points, added, scenario_points)
    levels_iris: tuple[LevelIndicators, ...] | None = None
    unassigned = 0
    iris = iris_of(zones)
    if iris is None:
        notes.append("the commune has no IRIS zones with codes: no per-IRIS indicators")
    else:
        every = (
            list(existing.points)
            + list(added or ())
            + list(scenario_points.points if scenario_points else ())
        )
        placed = place_points(list({p.key: p for p in every}.values()), iris)
        unassigned = sum(1 for p in existing.points if placed.get(p.key) is None)
        if unassigned:
            notes.append(f"{unassigned} existing points lie in no IRIS of the commune")
        levels_iris = tuple(
            _iris_level(
                zone,
                commune,
                supplied,
                diagnostic,
                existing,
                added,
                scenario_points,
                placed,
                sources,
                inputs_stored_at,
            )
            for zone in iris_list(iris)
        )
    return SdirveIndicators(
        commune=commune,
        commune_name=commune_name,
        scenario_id=scenario_id,
        diagnostic_date=diagnostic,
        commune_level=_finish(commune_level, commune, None, commune_name),
        iris=levels_iris,
        existing=_existing_summary(existing, unassigned),
        planned=_planned_summary(added, scenario_points, existing) if added is not None else None,
        sources=sources,
        notes=tuple(notes),
        method=_method(scenario_id),
    )


def _iris_level(
    zone: IrisZone,
    commune: str,
    supplied: SdirveInputs,
    diagnostic: date,
    existing: PointSet,
    added: tuple[PublicPoint, ...] | None,
    scenario_points: PointSet | None,
    placed: Mapping[str, str | None],
    sources: dict[str, SourceInfo],
    stored_at: datetime | None,
) -> LevelIndicators:
    figures = supplied.iris.get(zone.code)
    if figures is not None:
        _add_figure_sources(sources, f"iris.{zone.code}.", figures, supplied, stored_at)
    level = _Level()
    _fill(
        level,
        supplied,
        zone.code,
        diagnostic,
        tuple(p for p in existing.points if placed.get(p.key) == zone.code),
        None if added is None else tuple(p for p in added if placed.get(p.key) == zone.code),
        None
        if scenario_points is None
        else PointSet(tuple(p for p in scenario_points.points if placed.get(p.key) == zone.code)),
        figures=figures if figures is not None else IrisFigures(),
    )
    return _finish(level, commune, zone.code, zone.name)


def _fill(
    level: _Level,
    supplied: SdirveInputs,
    iris_code: str | None,
    diagnostic: date,
    existing: Sequence[PublicPoint],
    added: Sequence[PublicPoint] | None,
    scenario_points: PointSet | None,
    *,
    figures: IrisFigures | None = None,
) -> None:
    """Fill one level's values; ``figures`` are the IRIS's own inputs (None: the commune's)."""
    prefix = f"iris.{iris_code}." if iris_code else ""
    own = figures if figures is not None else supplied
    if supplied.date_realisation_diagnostic is not None:
        level.put("date_realisation_diagnostic", diagnostic, "inputs")
    else:
        level.put("date_realisation_diagnostic", diagnostic, "answer_date")
    for name in DATES[1:]:
        value = getattr(supplied, name)
        if value is not None:
            level.put(name, value, "inputs")
    counts = empty_counts()
    for point in existing:
        counts[point.power_class] += 1
    for power_class, name in zip(POWER_CLASSES, EXISTING, strict=True):
        level.put(name, counts[power_class], "irve")
    if own.usage is not None:
        level.put(USAGE[0], own.usage.nb_moyen_recharges, f"{prefix}usage")
        level.put(USAGE[1], own.usage.duree_moyenne_recharges, f"{prefix}usage")
        level.put(USAGE[2], own.usage.taux_disponibilite_moyen, f"{prefix}usage")
    if added is not None:
        planned = empty_counts()
        for point in added:
            planned[point.power_class] += 1
        for power_class, name in zip(POWER_CLASSES, PLANNED, strict=True):
            level.put(name, planned[power_class], "scenario")
    if own.forecast_fleet is not None:
        level.put(FORECAST[0], own.forecast_fleet.bev, f"{prefix}forecast_fleet")
        level.put(FORECAST[1], own.forecast_fleet.phev, f"{prefix}forecast_fleet")
    objectives: Objectives | None = own.objectives
    if objectives is not None:
        for power_class, name in zip(POWER_CLASSES, OBJECTIVES, strict=True):
            level.put(name, objectives.count(power_class.suffix), f"{prefix}objectives")
        if objectives.by_use is not None:
            for use in USES:
                counts_of_use = getattr(objectives.by_use, use)
                if counts_of_use is None:
                    continue
                for power_class in POWER_CLASSES:
                    name = f"objectifs_nb_pdc_usage_{use}_{power_class.suffix}"
                    level.put(name, counts_of_use.count(power_class.suffix), f"{prefix}objectives")
    if objectives is not None and objectives.total_stations is not None:
        level.put(TOTAL_STATIONS, objectives.total_stations, f"{prefix}objectives")
    elif scenario_points is not None:
        level.put(TOTAL_STATIONS, len(scenario_points.stations()), "scenario_stations")
    if supplied.url_sdirve is not None:
        level.put("url_sdirve", str(supplied.url_sdirve), "inputs")
    level.missing.extend(missing_inputs(level.values, prefix))


def _finish(
    level: _Level, commune: str, iris_code: str | None, name: str | None
) -> LevelIndicators:
    values: dict[str, Any] = {}
    for schema_field in sdirve_fields():
        if schema_field.name == "code_commune_insee":
            values[schema_field.name] = commune
        elif schema_field.name == "code_iris_insee":
            values[schema_field.name] = iris_code
        else:
            values[schema_field.name] = level.values.get(schema_field.name)
    provenance = dict(level.provenance)
    provenance["code_commune_insee"] = "commune"
    if iris_code:
        provenance["code_iris_insee"] = "zones"
    return LevelIndicators(commune, iris_code, name, values, provenance, tuple(level.missing))


def _add_input_sources(
    sources: dict[str, SourceInfo],
    supplied: SdirveInputs,
    stored_at: datetime | None,
    diagnostic: date,
    today: date,
    notes: list[str],
) -> None:
    sources["commune"] = SourceInfo("INSEE code of the commune", None)
    sources["zones"] = SourceInfo("IRIS code of the commune's population zones", None)
    if supplied.date_realisation_diagnostic is None:
        sources["answer_date"] = SourceInfo(
            "no date_realisation_diagnostic supplied: the date of this answer", today
        )
    if (
        any(
            getattr(supplied, name) is not None
            for name in ("date_realisation_diagnostic", "date_adoption_sdirve", "date_objectifs")
        )
        or supplied.url_sdirve is not None
    ):
        sources["inputs"] = SourceInfo("SDIRVE inputs supplied by the commune", None, stored_at)
    _add_figure_sources(sources, "", supplied, supplied, stored_at)
    objectives_date = supplied.date_objectifs
    if objectives_date is not None:
        latest = add_years(diagnostic, OBJECTIVES_MAX_YEARS)
        if not diagnostic <= objectives_date <= latest:
            notes.append(
                f"date_objectifs ({objectives_date.isoformat()}) is not within "
                f"{OBJECTIVES_MAX_YEARS} years after the diagnostic ({diagnostic.isoformat()})"
            )
    forecast = supplied.forecast_fleet
    if forecast is not None and objectives_date is not None and forecast.horizon != objectives_date:
        notes.append(
            f"the forecast fleet is for {forecast.horizon.isoformat()}, not for date_objectifs "
            f"({objectives_date.isoformat()}) as the schema asks"
        )
    if supplied.usage is not None and supplied.usage.period.end > diagnostic:
        notes.append(
            "the usage period ends after the diagnostic date; the schema asks for the "
            "months before it"
        )


def _add_figure_sources(
    sources: dict[str, SourceInfo],
    prefix: str,
    figures: IrisFigures | SdirveInputs,
    supplied: SdirveInputs,
    stored_at: datetime | None,
) -> None:
    if figures.usage is not None:
        period = figures.usage.period
        sources[f"{prefix}usage"] = SourceInfo(
            f"{figures.usage.source} (usage from {period.start.isoformat()} "
            f"to {period.end.isoformat()})",
            period.end,
            stored_at,
        )
    if figures.forecast_fleet is not None:
        forecast = figures.forecast_fleet
        sources[f"{prefix}forecast_fleet"] = SourceInfo(
            f"{forecast.source} (forecast for {forecast.horizon.isoformat()})",
            forecast.horizon,
            stored_at,
        )
    if figures.objectives is not None:
        sources[f"{prefix}objectives"] = SourceInfo(
            figures.objectives.source or "objectives supplied by the commune",
            supplied.date_objectifs,
            stored_at,
        )


def _existing_summary(existing: PointSet, unassigned: int) -> dict[str, Any]:
    counts = existing.counts_by_class()
    return {
        "points": len(existing.points),
        "by_class": {c.suffix: counts[c] for c in POWER_CLASSES},
        "stations": len(existing.stations()),
        "duplicate_rows_dropped": existing.duplicate_rows,
        "reserved_access_points": sum(1 for p in existing.points if p.reserved_access),
        "unassigned_to_iris": unassigned,
        "latest_update": json_value(existing.latest_update()),
    }


def _planned_summary(
    added: Sequence[PublicPoint], scenario_points: PointSet | None, existing: PointSet
) -> dict[str, Any]:
    counts = empty_counts()
    for point in added:
        counts[point.power_class] += 1
    kept = scenario_points.keys() if scenario_points else set()
    return {
        "points_added": len(added),
        "by_class": {c.suffix: counts[c] for c in POWER_CLASSES},
        "stations_added": len({p.station for p in added} - existing.stations()),
        "points_removed": len(existing.keys() - kept),
        "stations_in_scenario": len(scenario_points.stations()) if scenario_points else 0,
    }


def _method(scenario_id: str | None) -> dict[str, Any]:
    return {
        "schema": "etalab/schema-sdirve v0.1.0 (décret 2021-565, arrêté of 10 May 2021)",
        "existing": "distinct points of the commune's charging-points layer (IRVE statique) "
        "standing inside its boundary (the commune's own points: those of its surroundings are "
        "not counted), those with reserved access included and also counted apart in "
        "reserved_access_points, each counted once: rows sharing id_pdc_itinerance (else "
        "id_pdc_local) are one point",
        "power_classes": POWER_UNIT_ASSUMPTION,
        "classes": {c.suffix: CLASS_LABELS[c] for c in POWER_CLASSES},
        "planned": "points the scenario adds to the base data (scenario assets minus base "
        "assets, by point identity), classed by their power"
        if scenario_id
        else "no scenario given: planned points unknown",
        "stations": "distinct id_station_itinerance (else id_station_local); a point with "
        "neither is its own station",
        "iris": PLACEMENT_METHOD,
        "inputs": "usage, forecast fleet and objectives are supplied by the commune and never "
        "estimated; missing ones are left empty and listed",
    }
