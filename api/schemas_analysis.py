# SPDX-License-Identifier: MIT
"""Response models of the analysis routes (coverage, service areas, gaps)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Distribution(BaseModel):
    """Population-weighted distance to the nearest asset.

    Null beyond reach: coverage searches the streets only up to the threshold, so a figure
    beyond it is not measured; gaps search the whole network and measure every reachable one.
    """

    p50_m: float | None
    p90_m: float | None
    max_m: float | None


class PovertyFigures(BaseModel):
    """Poor households within reach and living standards of the covered and the uncovered.

    Given when the population source carries them (INSEE's Filosofi 200 m grid); a figure whose
    count the source lacks is null.
    """

    poor_households: float | None = Field(description="Poor households (men_pauv) in the commune.")
    poor_households_covered: float | None = Field(description="Those within reach.")
    poor_households_share_covered: float | None = Field(
        description="Share of the poor households within reach, 0 to 1; null when none."
    )
    living_standard_covered_eur: float | None = Field(
        description="Mean standard of living of the inhabitants within reach (euros a year)."
    )
    living_standard_uncovered_eur: float | None = Field(
        description="Mean standard of living of the inhabitants beyond reach (euros a year)."
    )
    method: str


class CoverageFigures(BaseModel):
    """Commune-wide figures."""

    population: float
    population_covered: float
    share: float | None = Field(
        description="Covered share of the population, 0 to 1; null when the commune has no "
        "population data (see share_unavailable_reason)."
    )
    share_unavailable_reason: str | None = Field(
        description="Why share is null (no population data) and how to load it; null otherwise."
    )
    demand_points: int
    demand_points_off_network: int
    population_off_network: float
    assets_used: int
    assets_off_network: int
    distance: Distribution
    poverty: PovertyFigures | None = Field(
        description="Poverty within reach; null when the population source carries no poverty "
        "figure (see poverty_unavailable_reason)."
    )
    poverty_unavailable_reason: str | None = Field(
        description="Why poverty is null and which source gives it; null otherwise."
    )


class ZoneRow(BaseModel):
    """Coverage of one population zone (IRIS)."""

    zone: str
    population: float
    population_covered: float
    share: float | None = Field(
        description="Covered share, 0 to 1; null for a zone without inhabitants."
    )


class CoverageReport(BaseModel):
    """Who lives within reach, for the commune and per zone, with the method stated."""

    commune: str
    layer: str
    mode: Literal["walk", "drive"]
    summary: CoverageFigures
    zones: list[ZoneRow]
    notes: list[str]
    method: dict[str, Any] = Field(
        description="Question, threshold, asset filter, the population counted (`population`: "
        "field, description, year, source file), demand method, snapping rule, network, "
        "speeds, data sources."
    )


class AnalysisFeatureCollection(BaseModel):
    """A GeoJSON FeatureCollection produced by an analysis, with the method stated."""

    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]
    summary: dict[str, Any] | None = None
    notes: list[str] = []
    method: dict[str, Any]
