# SPDX-License-Identifier: MIT
"""``mobility commune add --streets voies.geojson``: a commune from a line file, served."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import shape

from api.main import create_app
from tests.conftest import make_settings
from tests.support.communes import run_cli
from tests.support.paths import IDF_CONTEXT, PARIS

CENTRELINES = IDF_CONTEXT / "paris_voies_centrelines_villedeparis.geojson.gz"
BOUNDARY = PARIS / "boundary_75110.geojson"


def _centrelines_near_the_10e(target: Path) -> gpd.GeoDataFrame:
    """Write the centrelines touching the 10e's box (plus ~200 m) as a gzipped GeoJSON."""
    outline = shape(json.loads(BOUNDARY.read_text(encoding="utf-8"))["features"][0]["geometry"])
    box = shapely.box(*outline.buffer(0.003).bounds)
    frame = gpd.read_file(io.BytesIO(gzip.decompress(CENTRELINES.read_bytes())))
    kept = frame[frame.intersects(box)]
    plain = target.with_suffix("")
    pyogrio.write_dataframe(kept, plain)
    target.write_bytes(gzip.compress(plain.read_bytes()))
    return kept


def test_a_commune_added_from_a_line_file_is_served(
    sample_store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    voies = tmp_path / "voies.geojson.gz"
    kept = _centrelines_near_the_10e(voies)
    assert run_cli(sample_store_url, "commune", "remove", "75110") == 0
    added = run_cli(
        sample_store_url,
        "commune",
        "add",
        "75110",
        "--name",
        "Paris 10e",
        "--boundary",
        str(BOUNDARY),
        "--streets",
        str(voies),
        "--population",
        str(PARIS / "iris_75110_pop15p_2011.geojson"),
        "--population-field",
        "C11_POP15P",
        "--zone-id-field",
        "DCOMIRIS",
    )
    assert added == 0, capsys.readouterr().err
    irve = PARIS / "irve_statique_75110.csv"
    assert run_cli(sample_store_url, "assets", "load", "75110", str(irve)) == 0

    with TestClient(create_app(make_settings(sample_store_url))) as client:
        commune = client.get("/collections/communes/items/75110").json()["properties"]
        streets = commune["info"]["streets"]
        assert streets["format"] == "lines" and streets["has_classes"] is False
        report = streets["line_file"]
        assert report["features_read"] == len(kept)
        assert report["lines_read"] == len(shapely.get_parts(kept.geometry.to_numpy()))
        assert report["crs_read"] == "EPSG:4326" and report["level_info"] is False
        assert report["pieces"] > report["lines_read"] and report["crossings_split"] > 0
        coverage = client.get(
            "/communes/75110/coverage", params={"layer": "charging-points", "within_m": 300}
        )
        assert coverage.status_code == 200, coverage.text
        summary = coverage.json()["summary"]
        assert 0.3 < summary["share"] < 1.0
