# SPDX-License-Identifier: MIT
"""``--to-store``: the batch's table in the store and the ``/batches`` endpoints serve what the
GeoParquet file holds, on both backends; an unknown batch is a problem+json 404.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from distributed import Client
from fastapi.testclient import TestClient
from shapely import wkt
from shapely.geometry import shape

from api.main import create_app
from mobility.cli import main
from tests.conftest import make_settings
from tests.support.adjacent import HOME, NEIGHBOUR
from tests.support.batch_territory import BROKEN

CODES = ["75110", HOME, NEIGHBOUR, BROKEN]
FIGURES = ("commune", "zone", "population", "population_covered", "share", "method")


def _coverage(url: str, out: Path, address: str) -> int:
    argv = ["--database-url", url, "batch", "coverage", "--communes", ",".join(CODES)]
    argv += ["--layer", "charging-points", "--within-m", "300", "--out", str(out)]
    return main([*argv, "--scheduler", address, "--to-store"])


def _same(value: Any, expected: Any) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return value is None or value == ""
    if expected is None:
        return value is None or value == ""
    if isinstance(expected, float):
        return math.isclose(float(value), expected)
    return str(value) == str(expected)


def _no_geometry(geometry: Any) -> bool:
    """Tell a missing geometry of an iterated GeoParquet row (None, or NaN once iterated)."""
    return geometry is None or isinstance(geometry, float) or geometry.is_empty


def test_the_store_and_the_batches_endpoints_serve_the_parquet_rows(
    territory: str, dask_client: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "coverage.parquet"
    assert _coverage(territory, out, dask_client.scheduler.address) == 1
    printed = capsys.readouterr().out
    batch_id = printed.split("stored as batch ")[1].split(":")[0]
    rows = gpd.read_parquet(out)
    with TestClient(create_app(make_settings(territory))) as api:
        listed = api.get("/batches").json()["batches"]
        assert [b["id"] for b in listed] == [batch_id]
        document = api.get(f"/batches/{batch_id}").json()
        assert document["status"] == "finished" and document["analysis"] == "coverage"
        assert document["progress"] == {"communes": 4, "done": 4, "failed": 1, "left": 0}
        assert [c["commune"] for c in document["communes"]] == CODES
        assert document["errors"] == [
            {"commune": BROKEN, "reason": rows[rows["commune"] == BROKEN].iloc[0]["reason"]}
        ]
        for commune in document["communes"][:3]:
            own = rows[(rows["commune"] == commune["commune"]) & (rows["zone"] == "")].iloc[0]
            assert commune["status"] == "done"
            for name in FIGURES:
                assert _same(commune["figures"][name], own[name]), name

        geojson = api.get(f"/batches/{batch_id}/results")
        assert geojson.headers["content-type"] == "application/geo+json"
        features = geojson.json()["features"]
        assert len(features) == len(rows)
        for feature, (_, row) in zip(features, rows.iterrows(), strict=True):
            for name in (*FIGURES, "status", "reason"):
                assert _same(feature["properties"][name], row[name]), name
            if _no_geometry(row["geometry"]):
                assert feature["geometry"] is None
            else:
                assert shape(feature["geometry"]).equals_exact(row["geometry"], 1e-9)

        table = api.get(f"/batches/{batch_id}/results", params={"f": "csv"})
        assert table.headers["content-type"] == "text/csv; charset=utf-8"
        lines = list(csv.DictReader(io.StringIO(table.text)))
        assert list(lines[0]) == [*FIGURES, "status", "reason", "geometry_wkt"]
        assert len(lines) == len(rows)
        for line, (_, row) in zip(lines, rows.iterrows(), strict=True):
            for name in (*FIGURES, "status", "reason"):
                assert _same(line[name], row[name]), name
            if _no_geometry(row["geometry"]):
                assert line["geometry_wkt"] == ""
            else:
                assert wkt.loads(line["geometry_wkt"]).equals_exact(row["geometry"], 1e-9)
        assert json.loads(lines[0]["method"]) == json.loads(rows.iloc[0]["method"])

        missing = api.get("/batches/0123456789abcdef")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        for path in (
            "/batches/0123456789abcdef/results",
            "/batches/0123456789abcdef/results?f=csv",
        ):
            assert api.get(path).status_code == 404
        bad = api.get("/batches/not-an-id")
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"].endswith("batch_id")

    # Run again: the same batch, its finished communes kept, its status finished again.
    assert _coverage(territory, out, dask_client.scheduler.address) == 1
    assert "3 already finished" in capsys.readouterr().out
    with TestClient(create_app(make_settings(territory))) as api:
        again = api.get(f"/batches/{batch_id}").json()
        assert again["progress"] == document["progress"] and again["status"] == "finished"
        assert len(api.get(f"/batches/{batch_id}/results").json()["features"]) == len(rows)
