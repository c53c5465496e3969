# SPDX-License-Identifier: MIT
"""Response models of the regulation routes: SDIRVE diagnostic, AFIR check, commune inputs."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

Value = int | float | str | None


class CommuneRef(BaseModel):
    """The commune the answer is about."""

    code: str
    name: str | None


class SourceRef(BaseModel):
    """Where a group of figures comes from, and of when."""

    description: str
    date: dt.date | None = Field(description="Date of the figures (last update, period end...).")
    stored_at: dt.datetime | None = Field(description="When the commune supplied them, if it did.")


class Supply(BaseModel):
    """What fills a missing field: a path in the commune's inputs, or a query parameter."""

    input: str | None
    query: str | None


class MissingInput(BaseModel):
    """A schema field without a value, and why."""

    field: str
    required: bool = Field(description="Whether the SDIRVE schema requires the field.")
    reason: str
    supply: Supply


class IrisMissingInput(MissingInput):
    """A schema field missing for some IRIS."""

    iris: list[str | None] = Field(description="The IRIS codes without a value.")


class LevelIndicators(BaseModel):
    """The SDIRVE fields of the commune or of one IRIS."""

    code_iris_insee: str | None
    name: str | None
    values: dict[str, Value] = Field(
        description="Every SDIRVE schema field, in schema order; null when unknown."
    )
    provenance: dict[str, str] = Field(description="Field to the key of its entry in sources.")
    missing: list[str] = Field(description="The fields without a value.")


class ExistingPoints(BaseModel):
    """The existing public points counted."""

    points: int
    by_class: dict[str, int]
    stations: int
    duplicate_rows_dropped: int
    reserved_access_points: int
    unassigned_to_iris: int
    latest_update: dt.date | None


class PlannedPoints(BaseModel):
    """The points a scenario adds."""

    points_added: int
    by_class: dict[str, int]
    stations_added: int
    points_removed: int
    stations_in_scenario: int


class SdirveReport(BaseModel):
    """The SDIRVE diagnostic: computed figures, supplied ones, and what is missing."""

    commune: CommuneRef
    scenario: str | None
    date_realisation_diagnostic: dt.date
    indicators: LevelIndicators
    iris: list[LevelIndicators] | None = Field(
        description="One entry per IRIS, in code order; null when the commune has no IRIS."
    )
    existing: ExistingPoints
    planned: PlannedPoints | None
    missing_inputs: list[MissingInput]
    iris_missing_inputs: list[IrisMissingInput]
    sources: dict[str, SourceRef]
    notes: list[str]
    method: dict[str, Any]


class FleetUsed(BaseModel):
    """The registered fleet the target is computed for."""

    bev: int
    phev: int
    source: str
    as_of: dt.date | None
    origin: Literal["request", "stored"]
    stored_at: dt.datetime | None


class ClassPower(BaseModel):
    """Points of one power class and their nominal power."""

    points: int
    power_kw: float


class SharedSupply(BaseModel):
    """Points of one station sharing a grid delivery point (num_pdl)."""

    delivery_points_shared: int
    points: int
    nominal_power_kw: float
    points_with_known_delivery_point: int


class InstalledPower(BaseModel):
    """The installed public charging power."""

    power_kw: float
    points: int
    stations: int
    duplicate_rows_dropped: int
    by_class: dict[str, ClassPower]
    shared_supply: SharedSupply


class ReservedAccess(BaseModel):
    """The points with reserved access, apart from the public ones."""

    points: int
    power_kw: float
    counted: bool = Field(
        description="Whether they are counted in the installed power (include_reserved=true)."
    )


class PointsToClose(BaseModel):
    """Points of one class that alone would close the gap."""

    points: int
    representative_power_kw: float
    class_bounds: str


class AfirReport(BaseModel):
    """Installed public power against the AFIR fleet-based target."""

    commune: str
    scenario: str | None
    regulation: str
    ratios_kw: dict[str, float]
    fleet: FleetUsed | None
    installed: InstalledPower
    reserved_access: ReservedAccess
    required_kw: float | None
    gap_kw: float | None
    target_met: bool | None
    points_to_close_gap: dict[str, PointsToClose] | None
    notes: list[str]
    method: dict[str, str]


class CommuneInputDocument(BaseModel):
    """Figures a commune supplied, as stored."""

    commune: str
    key: Literal["sdirve", "fleet"]
    value: dict[str, Any]
    updated_at: dt.datetime
