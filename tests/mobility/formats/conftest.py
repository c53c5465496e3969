# SPDX-License-Identifier: MIT
"""Shared paths and helpers for the format readers' tests (repository copies only)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from mobility.assets import ChargingPoint, Hub, Parking
from mobility.formats.report import ParsedAsset

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "data"
FIXTURES = REPO / "tests" / "fixtures"

PARIS_IRVE = DATA / "paris-10e" / "irve_statique_75110.csv"
SGL_IRVE = (
    FIXTURES
    / "saint-germain-en-laye-78551"
    / "irve_statique_within_1km_of_saint-germain-en-laye.csv"
)
EXAMPLE_IRVE = DATA / "schema-irve" / "exemple-valide-statique.csv"
VELIB = DATA / "paris-10e" / "velib_stations_75110_500m.geojson"
IDFM_PARIS = DATA / "paris-10e" / "gares_idfm_75110_500m.geojson"
IDFM_SGL = FIXTURES / "saint-germain-en-laye-78551" / "gares_idfm_saint-germain-en-laye_1km.geojson"
OSM_PARKING = DATA / "paris-10e" / "osm_parking.geojson"
OSM_BIKE = DATA / "paris-10e" / "osm_bike_moto_parking_rental.geojson"


def read_csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Return the header and the rows of a CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def csv_text(header: list[str], rows: list[list[str]], *, delimiter: str = ",") -> str:
    """Write a header and rows back as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def feature_collection(*features: dict[str, Any]) -> bytes:
    """Return a FeatureCollection of the given features as UTF-8 bytes."""
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def point_feature(
    properties: dict[str, Any], lon: float = 2.3522, lat: float = 48.8785
) -> dict[str, Any]:
    """Return a Point feature in Paris 10e."""
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


@pytest.fixture(scope="session")
def paris_rows() -> tuple[list[str], list[list[str]]]:
    return read_csv_rows(PARIS_IRVE)


def as_point(asset: ParsedAsset) -> ChargingPoint:
    """Return the asset's attributes, checked to be a charging point."""
    assert isinstance(asset.attributes, ChargingPoint)
    return asset.attributes


def as_parking(asset: ParsedAsset) -> Parking:
    """Return the asset's attributes, checked to be a parking."""
    assert isinstance(asset.attributes, Parking)
    return asset.attributes


def as_hub(asset: ParsedAsset) -> Hub:
    """Return the asset's attributes, checked to be a hub."""
    assert isinstance(asset.attributes, Hub)
    return asset.attributes
