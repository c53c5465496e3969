# SPDX-License-Identifier: MIT
"""A siting batch on the real LocalCluster, against ``POST /communes/{code}/siting``.

Each commune's row carries the before/after of the API's summary, each site's row the API's
site (rank, candidate, gain, point); the broken commune is a failed row; a second run computes
nothing finished.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from distributed import Client
from fastapi.testclient import TestClient

from api.main import create_app
from mobility.assets import Layer
from mobility.batch import SitingParameters, run_batch
from mobility.cli import main
from mobility.errors import InvalidInputError
from mobility.store import open_store
from tests.conftest import API_KEY, make_settings
from tests.support.adjacent import HOME
from tests.support.batch_territory import BROKEN

PARAMETERS = SitingParameters(layer=Layer.CHARGING_POINTS, within_m=300.0, count=2, method="greedy")
BODY = {"layer": "charging-points", "within_m": 300, "count": 2, "method": "greedy"}
SUMMARY = ("population_covered_before", "population_covered_after", "share_before", "share_after")
SITE = ("rank", "candidate_id", "population_gained", "population_covered_after", "share_after")


def test_siting_rows_equal_the_endpoint_and_resume(
    territory: str, dask_client: Client, tmp_path: Path
) -> None:
    out = tmp_path / "sites.parquet"
    codes = ["75110", HOME, BROKEN]
    store = open_store(territory)
    try:
        first = run_batch(dask_client, store, territory, codes, PARAMETERS, out)
        rows = gpd.read_parquet(out)
        again = run_batch(dask_client, store, territory, codes, PARAMETERS, out)
    finally:
        store.close()
    assert sorted(first.computed) == sorted(codes)
    assert list(first.failed) == [BROKEN]
    assert again.reused == ["75110", HOME]
    assert again.computed == [BROKEN]
    with TestClient(create_app(make_settings(territory))) as api:
        for code in ("75110", HOME):
            response = api.post(
                f"/communes/{code}/siting", json=BODY, headers={"X-API-Key": API_KEY}
            )
            assert response.status_code == 200, response.text
            body = response.json()
            mine = rows[rows["commune"] == code].set_index("rank")
            assert list(mine.index) == [
                0,
                *(site["properties"]["rank"] for site in body["features"]),
            ]
            assert len(body["features"]) == 2
            for name in SUMMARY:
                assert mine.loc[0, name] == body["summary"][name]
            assert mine.loc[0, "population_gained"] == body["summary"]["population_gained"]
            method = json.loads(mine.loc[0, "method"])
            method.pop("computed_at", None)
            body["method"].pop("computed_at", None)
            assert method == body["method"]
            for site in body["features"]:
                row = mine.loc[site["properties"]["rank"]]
                for name in SITE[1:]:
                    assert row[name] == site["properties"][name]
                assert list(row.geometry.coords[0]) == pytest.approx(
                    site["geometry"]["coordinates"]
                )
    broken = rows[rows["commune"] == BROKEN]
    assert list(broken["status"]) == ["failed"]


def test_a_count_out_of_range_is_refused_before_any_task() -> None:
    bad = SitingParameters(layer=Layer.CHARGING_POINTS, within_m=300.0, count=0)
    with pytest.raises(InvalidInputError) as raised:
        bad.check()
    assert [problem.field for problem in raised.value.problems] == ["count"]


def test_the_siting_command_runs_on_a_given_scheduler(
    territory: str, dask_client: Client, tmp_path: Path
) -> None:
    out = tmp_path / "cli.parquet"
    argv = ["--database-url", territory, "batch", "siting", "--communes", HOME, "--count", "1"]
    argv += ["--layer", "charging-points", "--within-m", "300", "--out", str(out)]
    assert main([*argv, "--scheduler", dask_client.scheduler.address]) == 0
    rows = gpd.read_parquet(out)
    assert list(rows["rank"]) == [0, 1]
    assert rows.iloc[1]["population_gained"] > 0
