# SPDX-License-Identifier: MIT
"""Request and response bodies of the scenario routes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.params import INSEE_PATTERN
from mobility.assets import Layer
from mobility.text import Line, Note

Name = Field(min_length=1, description="A name planners recognise.")


class AddAssets(BaseModel):
    """Assets a scenario adds to one layer."""

    model_config = ConfigDict(extra="forbid")

    layer: Layer
    features: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=10_000,
        description="GeoJSON Point features. A charging point needs at least "
        "puissance_nominale; one without its operator fields is kept as planned.",
    )
    properties: dict[str, Any] = Field(
        default_factory=dict,
        description="Attributes every feature of the group takes unless it gives its own "
        '(e.g. {"puissance_nominale": 22}).',
    )
    source: Literal["features", "siting"] = Field(
        default="features",
        description="siting: the features are sites from POST /communes/{code}/siting; their "
        "figures are dropped, their name and street kept, attributes come from properties.",
    )


class ChangeAssets(BaseModel):
    """Existing assets of one layer, replaced in the scenario (matched by feature id)."""

    model_config = ConfigDict(extra="forbid")

    layer: Layer
    features: list[dict[str, Any]] = Field(min_length=1, max_length=10_000)


class RemoveAssets(BaseModel):
    """Existing assets of one layer left out of the scenario."""

    model_config = ConfigDict(extra="forbid")

    layer: Layer
    ids: list[str] = Field(min_length=1, max_length=10_000)


class ScenarioChanges(BaseModel):
    """The changes of a scenario, by kind."""

    model_config = ConfigDict(extra="forbid")

    add: list[AddAssets] = Field(default_factory=list, max_length=50)
    change: list[ChangeAssets] = Field(default_factory=list, max_length=50)
    remove: list[RemoveAssets] = Field(default_factory=list, max_length=50)


class ScenarioBody(ScenarioChanges):
    """A new scenario, or the full replacement of one."""

    commune: str = Field(
        pattern=INSEE_PATTERN, description="INSEE code of the commune.", examples=["75110"]
    )
    name: Line = Name
    description: Note | None = None


class ScenarioPatch(BaseModel):
    """A rename or a new description."""

    model_config = ConfigDict(extra="forbid")

    name: Line | None = Field(default=None, min_length=1)
    description: Note | None = None


class ScenarioChange(BaseModel):
    """One change as stored."""

    action: Literal["add", "change", "remove"]
    layer: Layer
    id: str
    planned: bool = Field(description="A charging point still without its operator fields.")
    feature: dict[str, Any] | None = None


class ScenarioDocument(BaseModel):
    """A scenario as served."""

    id: str
    commune: str
    name: str
    description: str | None
    created_at: str | None
    updated_at: str | None
    promoted_at: str | None
    base_revision: int
    base_changed_since: bool = Field(
        description="The commune's stored data changed after the scenario was made."
    )
    counts: dict[str, dict[str, int]]
    changes: list[ScenarioChange] | None = None
    links: list[dict[str, str]]


class ScenarioList(BaseModel):
    """Scenarios, newest first."""

    scenarios: list[ScenarioDocument]
    links: list[dict[str, str]]


class ScenarioLayerCollection(BaseModel):
    """A layer's assets as a scenario has them (every one, no paging)."""

    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]] = Field(
        description="GeoJSON Point features; properties.scenario_change is add, change or null "
        "(untouched), properties.planned tells a planned charging point from a built one."
    )
