# SPDX-License-Identifier: MIT
"""Why an SDIRVE field has no value, and which input or query parameter would give it one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mobility.regulation.sdirve_result import MissingInput
from mobility.regulation.sdirve_schema import (
    BY_USE,
    DATES,
    FORECAST,
    OBJECTIVES,
    PLANNED,
    TOTAL_STATIONS,
    USAGE,
    sdirve_fields,
)

USAGE_MONTHS = 22
"""The schema measures usage over the 22 months before the diagnostic."""


def missing_inputs(values: Mapping[str, Any], prefix: str) -> list[MissingInput]:
    """Return an entry for each schema field without a value (codes aside), in schema order."""
    entries = []
    for schema_field in sdirve_fields():
        name = schema_field.name
        if name in ("code_commune_insee", "code_iris_insee") or values.get(name) is not None:
            continue
        reason, input_path, query = why_missing(name, prefix)
        entries.append(MissingInput(name, schema_field.required, reason, input_path, query))
    return entries


def why_missing(name: str, prefix: str) -> tuple[str, str | None, str | None]:
    """Return the reason a field is empty, the input path and the query parameter to fill it."""
    if name in DATES:
        return "a date the commune sets", name, None
    if name in USAGE:
        key = name.removeprefix("existant_")
        return (
            f"usage of the existing points over the {USAGE_MONTHS} months before the diagnostic "
            "is known to their operators only; it is never estimated",
            f"{prefix}usage.{key}",
            None,
        )
    if name in PLANNED:
        return (
            "planned points are the points a scenario adds to the base data; no scenario was "
            "given (a scenario adding no point gives 0)",
            None,
            "scenario",
        )
    if name in FORECAST:
        key = "bev" if name == FORECAST[0] else "phev"
        return (
            "the forecast fleet at the horizon comes from the commune's own study",
            f"{prefix}forecast_fleet.{key}",
            None,
        )
    if name in OBJECTIVES:
        key = name.removeprefix("objectifs_nb_pdc_")
        return "an objective the commune sets", f"{prefix}objectives.{key}", None
    if name == TOTAL_STATIONS:
        return (
            "an objective the commune sets, or the stations of a scenario",
            f"{prefix}objectives.total_stations",
            "scenario",
        )
    if name in BY_USE:
        rest = name.removeprefix("objectifs_nb_pdc_usage_")
        use, _, suffix = rest.rpartition("_intervalle_")
        return (
            "an optional split of the objectives by main use",
            f"{prefix}objectives.by_use.{use}.intervalle_{suffix}",
            None,
        )
    return "optional: the address where the SDIRVE is published", "url_sdirve", None
