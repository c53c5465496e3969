# SPDX-License-Identifier: MIT
"""Named parameter types shared by the routers, their limits taken from the domain.

Each type carries its bounds and description, so the JSON Schema of every operation that takes
it says the same thing, and a limit changed in the domain changes here too.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query

from mobility.assets import HubMode, ParkingKind
from mobility.commune import INSEE_CODE_PATTERN, Mode
from mobility.coverage.filters import MAX_POWER_KW
from mobility.coverage.threshold import MAX_WITHIN_M, MAX_WITHIN_MIN
from mobility.intermodality.modes import MAX_WITHIN_M as MAX_HUB_WITHIN_M
from mobility.intermodality.modes import MIN_WITHIN_M as MIN_HUB_WITHIN_M
from mobility.regulation.inputs import VehicleCount

INSEE_PATTERN = INSEE_CODE_PATTERN
SCENARIO_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"

SHIPPED_COMMUNE = "75110"
"""Paris 10e, the commune that ships with the code: the example every ``code`` gives."""

CodePath = Annotated[
    str,
    Path(pattern=INSEE_PATTERN, description="INSEE code, e.g. 75110.", examples=[SHIPPED_COMMUNE]),
]
"""The ``{code}`` of every ``/communes/{code}/…`` route."""
CommuneQuery = Annotated[
    str | None,
    Query(pattern=INSEE_PATTERN, description="INSEE code, e.g. 75110.", examples=[SHIPPED_COMMUNE]),
]
"""An optional commune to narrow a list to."""
ScenarioIdPath = Annotated[str, Path(pattern=SCENARIO_ID_PATTERN, description="Scenario id.")]
ScenarioQuery = Annotated[
    str | None,
    Query(
        pattern=SCENARIO_ID_PATTERN,
        description="Analyse the commune as this scenario changes it (see /scenarios); "
        "the base data when absent.",
    ),
]
"""The optional ``scenario`` parameter every analysis route takes."""

TravelMode = Annotated[Mode, Query(description="Travel mode.")]
WithinM = Annotated[
    float | None,
    Query(
        gt=0,
        le=MAX_WITHIN_M,
        description=f"Reach along the streets, metres (at most {MAX_WITHIN_M:,.0f}); give "
        "within_m or within_min, not both.",
    ),
]
WithinMin = Annotated[
    float | None,
    Query(
        gt=0,
        le=MAX_WITHIN_MIN,
        description=f"Reach in travel time, minutes (at most {MAX_WITHIN_MIN:g}); give "
        "within_min or within_m, not both.",
    ),
]
HubWithinM = Annotated[
    float,
    Query(
        ge=MIN_HUB_WITHIN_M,
        le=MAX_HUB_WITHIN_M,
        description="Walking reach along the streets for every mode, metres "
        f"({MIN_HUB_WITHIN_M:g} to {MAX_HUB_WITHIN_M:g}).",
    ),
]


def hub_reach_override(label: str) -> object:
    """Return the ``Query`` of a per-mode reach override (``…_within_m``) at a hub."""
    return Query(
        ge=MIN_HUB_WITHIN_M,
        le=MAX_HUB_WITHIN_M,
        description=f"Reach for {label}, metres; within_m when absent.",
    )


MinPowerKw = Annotated[
    float | None,
    Query(
        ge=0,
        le=MAX_POWER_KW,
        description="Charging points of at least this power (kW); not above max_power_kw "
        "(layer charging-points).",
    ),
]
MaxPowerKw = Annotated[
    float | None,
    Query(
        ge=0,
        le=MAX_POWER_KW,
        description="Charging points of at most this power (kW); not below min_power_kw.",
    ),
]
ParkingKindQuery = Annotated[
    ParkingKind | None, Query(description="Parking for this vehicle (layer parking).")
]
HubModeQuery = Annotated[
    HubMode | None, Query(description="Hubs served by this mode (layer hubs).")
]
BevQuery = Annotated[
    VehicleCount | None,
    Query(description="Registered battery-electric cars (AFIR); give bev and phev together."),
]
PhevQuery = Annotated[
    VehicleCount | None,
    Query(description="Registered plug-in hybrids (AFIR); give phev and bev together."),
]
AnswerFormat = Literal["json", "geojson"]
"""``f``: the JSON report, or the same answer as a GeoJSON FeatureCollection."""
