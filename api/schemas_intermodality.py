# SPDX-License-Identifier: MIT
"""Response models of the intermodal hubs route (documentation of the JSON report)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class MissingModeRow(BaseModel):
    """An expected mode a hub lacks, with the sentence that says so."""

    mode: str
    within_m: float
    nearest_m: float | None = Field(description="Street distance to the nearest one, or null.")
    message: str = Field(examples=["RER station without bike parking within 150 m"])


class BestAddition(BaseModel):
    """The mode whose addition at the hub would serve the most hubs."""

    mode: str
    hubs_gaining: int


class HubRow(BaseModel):
    """What meets at one hub along the streets, and its completeness."""

    rank: int
    id: str
    name: str
    hub_modes: list[str]
    main_mode: str
    lines: list[str]
    completeness: float = Field(description="Expected modes present / expected modes, 0 to 1.")
    score: str = Field(examples=["4/6"])
    expected_present: list[str]
    modes_present: list[str]
    missing: list[MissingModeRow]
    nearest_m: dict[str, float | None] = Field(
        description="Street distance to the nearest asset of every mode (null: none in reach "
        "of the search); 0 for the hub's own modes."
    )
    off_network: bool
    best_addition: BestAddition | None


class AdditionRow(BaseModel):
    """One asset added at a hub and the hubs that would gain its mode."""

    rank: int
    hub_id: str
    name: str
    missing_mode: str
    within_m: float
    hubs_gaining: int
    gaining_hub_ids: list[str]
    completeness: float
    options: dict[str, int] = Field(description="Hubs gaining, for every mode the hub lacks.")
    message: str


class IntermodalityReport(BaseModel):
    """The hubs of a commune ranked least complete first, and the additions ranked by gain."""

    commune: str
    reach_m: dict[str, float] = Field(description="The reach used for each expected mode.")
    expected_modes: list[str]
    score_formula: str
    summary: dict[str, Any]
    hubs: list[HubRow]
    additions: list[AdditionRow]
    notes: list[str]
    method: dict[str, Any]
