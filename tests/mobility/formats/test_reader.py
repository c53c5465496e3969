# SPDX-License-Identifier: MIT
"""read_asset_file: format and flavour sniffing, layer checks; the report's summary."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mobility.assets import Layer
from mobility.errors import UnsupportedFormatError
from mobility.formats import read_asset_file, sniff_format
from mobility.formats.report import ParsedAsset, ReadReport, RejectedRow
from tests.mobility.formats.conftest import (
    IDFM_PARIS,
    IDFM_SGL,
    OSM_BIKE,
    OSM_PARKING,
    PARIS_IRVE,
    REPO,
    SGL_IRVE,
    VELIB,
    feature_collection,
    point_feature,
)


@pytest.mark.parametrize(
    ("path", "fmt", "assets", "layers"),
    [
        (PARIS_IRVE, "irve", 89, {"charging-points": 89}),
        (SGL_IRVE, "irve", 21, {"charging-points": 21}),
        (VELIB, "geojson-velib", 123, {"hubs": 123}),
        (IDFM_PARIS, "geojson-idfm", 29, {"hubs": 29}),
        (IDFM_SGL, "geojson-idfm", 8, {"hubs": 8}),
        (OSM_PARKING, "geojson-osm", 23, {"parking": 23}),
        (OSM_BIKE, "geojson-osm", 81, {"parking": 72, "hubs": 9}),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else None,
)
def test_sniffs_every_real_file(path: Path, fmt: str, assets: int, layers: dict[str, int]) -> None:
    report = read_asset_file(path.read_bytes(), source_name=path.name)
    assert report.format == fmt
    assert len(report.assets) == assets
    assert report.count_by_layer() == layers
    assert report.rejected == []
    summary = report.to_dict()
    assert summary["source_name"] == path.name
    assert summary["assets"] == assets


def test_sniff_format() -> None:
    assert sniff_format(b'\xef\xbb\xbf  {"type": "FeatureCollection"}') == "geojson"
    assert sniff_format(b"nom_amenageur,siren_amenageur") == "irve"


def test_explicit_format_and_layer() -> None:
    data = PARIS_IRVE.read_bytes()
    assert len(read_asset_file(data, fmt="irve", layer=Layer.CHARGING_POINTS).assets) == 89
    with pytest.raises(UnsupportedFormatError, match="holds charging points, not parking"):
        read_asset_file(data, fmt="irve", layer=Layer.PARKING)
    with pytest.raises(UnsupportedFormatError, match="not valid JSON"):
        read_asset_file(data, fmt="geojson")
    with pytest.raises(UnsupportedFormatError, match="cannot be parking"):
        read_asset_file(VELIB.read_bytes(), layer=Layer.PARKING)


def test_layer_filters_an_osm_file() -> None:
    report = read_asset_file(OSM_BIKE.read_bytes(), layer=Layer.HUBS)
    assert len(report.assets) == 9
    assert report.skipped == {
        "amenity=bicycle_parking: not in the requested layer hubs": 63,
        "amenity=motorcycle_parking: not in the requested layer hubs": 9,
    }


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf\n"])
def test_empty(data: bytes) -> None:
    with pytest.raises(UnsupportedFormatError, match="empty"):
        read_asset_file(data)


def test_empty_collection() -> None:
    report = read_asset_file(feature_collection())
    assert (report.rows_read, report.assets) == (0, [])


def test_flavour_from_property_names() -> None:
    osm = feature_collection(point_feature({"element": "node", "id": 1, "amenity": "parking"}))
    assert read_asset_file(osm).format == "geojson-osm"
    native = feature_collection({**point_feature({"kind": "bicycle", "capacity": 4}), "id": "p1"})
    report = read_asset_file(native)
    assert report.format == "geojson-native"
    assert report.assets[0].layer == Layer.PARKING


def test_report_summary() -> None:
    data = feature_collection(
        point_feature({"stationcode": "1", "name": "A", "capacity": "x"}),
        point_feature({"stationcode": "2", "name": "B", "capacity": 3}),
        point_feature({"stationcode": "2", "name": "B", "capacity": 4}),
    )
    report = read_asset_file(data, source_name="velib.geojson")
    summary = report.to_dict()
    assert summary == {
        "format": "geojson-velib",
        "source_name": "velib.geojson",
        "rows_read": 3,
        "assets": 1,
        "assets_by_layer": {"hubs": 1},
        "rejected_rows": 2,
        "rejected_count": 2,
        "rejected": [
            {
                "line": 1,
                "id": "velib-1",
                "field": "capacity",
                "reason": "The value 'x' is not a whole number.",
            },
            {
                "line": 2,
                "id": "velib-2",
                "field": "stationcode",
                "reason": "The id velib-2 appears again at line 3; the later row is kept.",
            },
        ],
        "rejected_truncated": False,
        "duplicate_ids": ["velib-2"],
        "skipped": {},
    }
    short = report.to_dict(max_rejected=1)
    assert len(short["rejected"]) == 1 and short["rejected_truncated"] is True
    assert RejectedRow(3, None, "row", "Bad.").to_dict() == {
        "line": 3,
        "id": None,
        "field": "row",
        "reason": "Bad.",
    }


def test_report_types_are_frozen() -> None:
    report = read_asset_file(VELIB.read_bytes())
    asset = report.assets[0]
    with pytest.raises(AttributeError):
        asset.id = "other"  # type: ignore[misc]
    assert isinstance(report, ReadReport) and isinstance(asset, ParsedAsset)


def test_formats_never_import_fastapi() -> None:
    for path in (REPO / "mobility" / "formats").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(name.split(".")[0] == "fastapi" for name in names), path
