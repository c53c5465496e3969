# SPDX-License-Identifier: MIT
"""Our own GeoJSON: features whose properties are exactly one layer's model fields.

This is what the API serves, so a file exported from one commune can be loaded into another.
The layer is given, or inferred from the property names: ``puissance_nominale`` → charging
points, ``kind`` → parking, ``modes`` → hubs. Properties are validated by the layer's model
as they are: an unknown property refuses the feature with its name. The only tolerated extras
are ``id`` (used as the feature id when the feature has none), for charging points
``coordonneesXY`` (dropped: the geometry is the one source of truth for the location), and the
properties the API adds to what it serves: ``commune``, ``in_commune`` and ``updated_at``
(dropped: the commune is where the point falls, the time is the write's) and ``footprint`` (kept
as the outline when it is a valid polygon around the point's area), so that an items page or a
layer export loads back as it is.

The id is the feature's ``id``, else the ``id`` property, else for a charging point its
``feature_id`` (roaming id) and for the other layers ``<source>-<source_id>`` when both are set.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from mobility.assets import LAYER_MODELS, ChargingPoint, Layer, parse_attributes
from mobility.errors import UnsupportedFormatError
from mobility.formats.geojson_common import (
    iter_features,
    load_feature_collection,
    locate,
    property_keys,
    reject_validation,
    slug,
    text,
)
from mobility.formats.geometry import FeatureProblem, read_geometry
from mobility.formats.irve_schema import COORDINATES_COLUMN
from mobility.formats.report import ParsedAsset, ReadReport, ReportBuilder

NATIVE_FORMAT = "geojson-native"

LAYER_MARKERS: dict[str, Layer] = {
    "puissance_nominale": Layer.CHARGING_POINTS,
    "kind": Layer.PARKING,
    "modes": Layer.HUBS,
}
"""A property that only one layer's model has, and that layer."""


SERVED_PROPERTIES = frozenset({"commune", "updated_at", "footprint", "in_commune"})
"""Read-only properties the API adds to every served feature."""


def _tolerated(layer: Layer) -> set[str]:
    extras = {"id", *SERVED_PROPERTIES}
    if layer == Layer.CHARGING_POINTS:
        extras.add(COORDINATES_COLUMN)
    return set(LAYER_MODELS[layer].model_fields) | extras


def infer_layer(keys: set[str]) -> Layer | None:
    """Return the layer whose model fields the property names are, or ``None``.

    The names must hold exactly one layer marker and be among that layer's fields.
    """
    layers = {layer for marker, layer in LAYER_MARKERS.items() if marker in keys}
    if len(layers) != 1:
        return None
    layer = layers.pop()
    return layer if keys <= _tolerated(layer) else None


def read_native_geojson(
    data: bytes, *, layer: Layer | None = None, source_name: str = ""
) -> ReadReport:
    """Read a GeoJSON of one layer's own attributes (see the module docstring).

    Raises
    ------
    UnsupportedFormatError
        When ``layer`` is not given and cannot be inferred from the property names.
    """
    return native_from_features(load_feature_collection(data), layer=layer, source_name=source_name)


def _feature_id(feature: dict[str, Any], properties: dict[str, Any]) -> str | None:
    for candidate in (feature.get("id"), properties.get("id")):
        value = text(candidate)
        if value is not None:
            return value
    source, source_id = text(properties.get("source")), text(properties.get("source_id"))
    if source is not None and source_id is not None and slug(source) and slug(source_id):
        return f"{slug(source)}-{slug(source_id)}"
    return None


def native_from_features(
    features: list[Any], *, layer: Layer | None = None, source_name: str = ""
) -> ReadReport:
    """Build the report from an already parsed ``features`` array."""
    if layer is None:
        layer = infer_layer(property_keys(features))
        if layer is None and features:
            markers = ", ".join(f"{marker} → {value}" for marker, value in LAYER_MARKERS.items())
            raise UnsupportedFormatError(
                "Cannot tell which layer this GeoJSON holds: its properties are not exactly one "
                f"layer's fields ({markers}). Say which layer it is."
            )
    builder = ReportBuilder(NATIVE_FORMAT, source_name=source_name, id_field="id")
    if layer is None:
        return builder.build()  # an empty collection
    for line, feature in iter_features(features, builder):
        properties = dict(feature["properties"])
        asset_id = _feature_id(feature, properties)
        properties.pop("id", None)
        if layer == Layer.CHARGING_POINTS:
            properties.pop(COORDINATES_COLUMN, None)
        for served in SERVED_PROPERTIES:
            properties.pop(served, None)
        position = locate(builder, line, asset_id, feature)
        if position is None:
            continue
        outline = feature["properties"].get("footprint")
        if outline is not None and position[2] is None:
            try:
                footprint = read_geometry(outline)[2]
            except FeatureProblem as problem:
                builder.reject(line, asset_id, "footprint", problem.reason)
                continue
            if footprint is None:
                builder.reject(line, asset_id, "footprint", "The footprint is not an area.")
                continue
            position = (position[0], position[1], footprint)
        try:
            attributes = parse_attributes(layer, properties)
        except ValidationError as error:
            reject_validation(builder, line, asset_id, error)
            continue
        if asset_id is None and isinstance(attributes, ChargingPoint):
            asset_id = attributes.feature_id
        if asset_id is None:
            builder.reject(
                line, None, "id", "The feature has no id (feature 'id' or 'id' property)."
            )
            continue
        lon, lat, footprint = position
        builder.add(ParsedAsset(layer, asset_id, lon, lat, attributes, footprint, line))
    return builder.build()
