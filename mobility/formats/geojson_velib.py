# SPDX-License-Identifier: MIT
"""Bike-share stations from a GeoJSON with ``stationcode`` and ``capacity`` (Vélib' open data).

Each station becomes a hub with the single mode ``bike_share``, its dock count as ``capacity``
and ``source="velib"``. Only what the file states is kept: the open-data export names no
operator, so ``operator`` stays unknown unless an ``operator`` property is present. The id is
``velib-<stationcode>`` (the code made URL-safe).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from mobility.assets import Hub, Layer
from mobility.formats.geojson_common import (
    iter_features,
    load_feature_collection,
    locate,
    reject_validation,
    slug,
    text,
    whole_number,
)
from mobility.formats.geometry import FeatureProblem
from mobility.formats.report import ParsedAsset, ReadReport, ReportBuilder

VELIB_FORMAT = "geojson-velib"
VELIB_PROPERTIES = frozenset({"stationcode", "capacity"})
"""Property names that identify this flavour."""


def read_velib_geojson(data: bytes, *, source_name: str = "") -> ReadReport:
    """Read a Vélib'-style bike-share GeoJSON into hubs (see the module docstring)."""
    return velib_from_features(load_feature_collection(data), source_name=source_name)


def velib_from_features(features: list[Any], *, source_name: str = "") -> ReadReport:
    """Build the report from an already parsed ``features`` array."""
    builder = ReportBuilder(VELIB_FORMAT, source_name=source_name, id_field="stationcode")
    for line, feature in iter_features(features, builder):
        properties = feature["properties"]
        code = text(properties.get("stationcode"))
        if code is None or not slug(code):
            builder.reject(line, None, "stationcode", "The station has no stationcode.")
            continue
        asset_id = f"velib-{slug(code)}"
        position = locate(builder, line, asset_id, feature)
        if position is None:
            continue
        try:
            capacity = whole_number(properties.get("capacity"), "capacity")
        except FeatureProblem as problem:
            builder.reject(line, asset_id, problem.field, problem.reason)
            continue
        name = text(properties.get("name"))
        if name is None:
            builder.reject(line, asset_id, "name", "The station has no name.")
            continue
        try:
            hub = Hub(
                name=name,
                modes=["bike_share"],
                capacity=capacity,
                operator=text(properties.get("operator")),
                source="velib",
                source_id=code,
            )
        except ValidationError as error:
            reject_validation(builder, line, asset_id, error)
            continue
        lon, lat, footprint = position
        builder.add(ParsedAsset(Layer.HUBS, asset_id, lon, lat, hub, footprint, line))
    return builder.build()
