# SPDX-License-Identifier: MIT
"""From what a client sends to checked scenario changes, every problem reported at once.

A change must make sense against the commune's base data: an added asset takes an id nobody has,
a changed or removed asset exists, every point lies inside the commune. Sites accepted from a
siting answer carry figures (rank, population gained) rather than attributes, so they take their
attributes from the defaults the client gives and their name from the street they are on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from mobility.assets import Asset, Layer, parse_planned_attributes
from mobility.errors import FieldProblem, InvalidInputError
from mobility.features import CommuneLocator, asset_from_feature
from mobility.plans import AssetChange
from mobility.store.base import CommuneRecord

FeatureSource = Literal["features", "siting"]


@dataclass(frozen=True)
class AddGroup:
    """Assets to add to one layer: GeoJSON Point features, with default attributes."""

    layer: Layer
    features: Sequence[Mapping[str, Any]]
    properties: Mapping[str, Any] = field(default_factory=dict)
    source: FeatureSource = "features"


@dataclass(frozen=True)
class ChangeGroup:
    """Existing assets of one layer replaced by the features given (matched by id)."""

    layer: Layer
    features: Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class RemoveGroup:
    """Existing assets of one layer to leave out of the scenario."""

    layer: Layer
    ids: Sequence[str]


@dataclass(frozen=True)
class ChangeRequest:
    """All the changes a client asks for, by kind."""

    add: Sequence[AddGroup] = ()
    change: Sequence[ChangeGroup] = ()
    remove: Sequence[RemoveGroup] = ()


def build_changes(
    commune: CommuneRecord,
    base_ids: Mapping[Layer, set[str]],
    request: ChangeRequest,
) -> list[AssetChange]:
    """Check a change request against the commune's base assets; return the changes.

    Raises InvalidInputError listing every problem, each with a path such as
    ``add[0].features[3].properties.puissance_nominale``.
    """
    locator = CommuneLocator([commune])
    problems: list[FieldProblem] = []
    changes: list[AssetChange] = []
    touched: dict[Layer, set[str]] = {layer: set() for layer in Layer}

    def claim(layer: Layer, asset_id: str, path: str) -> bool:
        if asset_id in touched[layer]:
            problems.append(FieldProblem(path, f"{layer.value} {asset_id!r} appears twice"))
            return False
        touched[layer].add(asset_id)
        return True

    ordinal = 0
    for g, group in enumerate(request.add):
        for f, feature in enumerate(group.features):
            path = f"add[{g}].features[{f}]"
            asset = _read_feature(group, feature, locator, path, problems, commune.code, ordinal)
            ordinal += 1
            if asset is None:
                continue
            if asset.id in base_ids.get(group.layer, set()):
                problems.append(
                    FieldProblem(
                        f"{path}.id",
                        f"{group.layer.value} {asset.id!r} already exists: list it under change",
                    )
                )
            elif claim(group.layer, asset.id, f"{path}.id"):
                changes.append(AssetChange("add", group.layer, asset.id, asset))

    for g, change_group in enumerate(request.change):
        for f, feature in enumerate(change_group.features):
            path = f"change[{g}].features[{f}]"
            raw_id = feature.get("id") if isinstance(feature, Mapping) else None
            if raw_id is None:
                problems.append(FieldProblem(f"{path}.id", "the id of the asset to change"))
                continue
            if str(raw_id) not in base_ids.get(change_group.layer, set()):
                problems.append(
                    FieldProblem(
                        f"{path}.id",
                        f"no {change_group.layer.value} {raw_id!r} in commune {commune.code}",
                    )
                )
                continue
            asset = _parse(change_group.layer, feature, locator, path, problems, str(raw_id))
            if asset is not None and claim(change_group.layer, asset.id, f"{path}.id"):
                changes.append(AssetChange("change", change_group.layer, asset.id, asset))

    for g, remove_group in enumerate(request.remove):
        for i, asset_id in enumerate(remove_group.ids):
            path = f"remove[{g}].ids[{i}]"
            if asset_id not in base_ids.get(remove_group.layer, set()):
                problems.append(
                    FieldProblem(
                        path,
                        f"no {remove_group.layer.value} {asset_id!r} in commune {commune.code}",
                    )
                )
            elif claim(remove_group.layer, asset_id, path):
                changes.append(AssetChange("remove", remove_group.layer, asset_id))

    if problems:
        raise InvalidInputError("the scenario's changes do not fit the commune", problems=problems)
    return changes


def _read_feature(
    group: AddGroup,
    feature: Mapping[str, Any],
    locator: CommuneLocator,
    path: str,
    problems: list[FieldProblem],
    code: str,
    index: int,
) -> Asset | None:
    """Turn one added feature into an asset, its attributes from the feature or a siting site."""
    if not isinstance(feature, Mapping):
        problems.append(FieldProblem(path, "must be a GeoJSON Feature"))
        return None
    own = feature.get("properties")
    own = own if isinstance(own, Mapping) else {}
    if group.source == "siting":
        properties = {**_siting_attributes(group.layer, own), **group.properties}
        raw_id = own.get("candidate_id")
        asset_id = _site_id(group.layer, raw_id, own.get("rank"), index)
    else:
        properties = {**group.properties, **own}
        if feature.get("id") is not None:
            asset_id = str(feature["id"])
        else:
            asset_id = _natural_or_planned_id(group.layer, properties, index)
    clean = {**feature, "properties": properties}
    if group.source == "siting":
        clean.pop("id", None)  # a site's id is its rank, not the id the asset takes
    clean.setdefault("type", "Feature")
    clean["properties"] = {**properties, "commune": code}
    return _parse(group.layer, clean, locator, path, problems, asset_id)


def _parse(
    layer: Layer,
    feature: Mapping[str, Any],
    locator: CommuneLocator,
    path: str,
    problems: list[FieldProblem],
    asset_id: str,
) -> Asset | None:
    try:
        return asset_from_feature(
            layer, feature, locator=locator, feature_id=asset_id, parse=parse_planned_attributes
        )
    except InvalidInputError as exc:
        problems.extend(FieldProblem(f"{path}.{p.field}", p.message) for p in exc.problems)
        return None


def _siting_attributes(layer: Layer, site: Mapping[str, Any]) -> dict[str, Any]:
    """Name a suggested site after its candidate or its street; the figures are not attributes."""
    label = site.get("name") or site.get("street")
    if not isinstance(label, str) or not label.strip():
        return {}
    if layer is Layer.CHARGING_POINTS:
        attributes: dict[str, Any] = {"nom_station": label}
        street = site.get("street")
        if isinstance(street, str) and street.strip():
            attributes["adresse_station"] = street
        return attributes
    return {"name": label}


def _site_id(layer: Layer, candidate_id: Any, rank: Any, index: int) -> str:
    """Give a suggested site a readable, URL-safe id from its candidate (or rank)."""
    if isinstance(candidate_id, str | int) and str(candidate_id).strip():
        safe = "".join(ch if ch.isalnum() or ch in "._:-" else "-" for ch in str(candidate_id))
        return f"site-{safe}"[:128]
    number = rank if isinstance(rank, int) else index + 1
    return f"site-{layer.value}-{number}"


def _natural_or_planned_id(layer: Layer, properties: Mapping[str, Any], index: int) -> str:
    """Use the roaming id a complete charging point carries, else a planned id."""
    roaming = properties.get("id_pdc_itinerance") if layer is Layer.CHARGING_POINTS else None
    if isinstance(roaming, str) and roaming.strip() and roaming != "Non concerné":
        return roaming.strip()
    return f"plan-{layer.value}-{index + 1}"
