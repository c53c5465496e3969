# SPDX-License-Identifier: MIT
"""A coverage batch on a real LocalCluster of two worker processes, against the API's answers.

The batch's rows must carry the figures ``GET /communes/{code}/coverage`` serves, a second run
must take finished communes from the ledger, and the broken commune must be a row.
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
from mobility.batch import BatchReport, CoverageParameters, run_batch
from mobility.batch.ledger import ledger_path
from mobility.cli import main
from mobility.store import open_store
from tests.conftest import make_settings
from tests.support.adjacent import HOME, NEIGHBOUR
from tests.support.batch_territory import BROKEN
from tests.support.builders import charging_point
from tests.support.loop_streets import to_lonlat

PARAMETERS = CoverageParameters(layer=Layer.CHARGING_POINTS, within_m=300.0)
QUERY = "coverage?layer=charging-points&within_m=300"


def _batch(url: str, client: Client, codes: list[str], out: Path) -> BatchReport:
    store = open_store(url)
    try:
        return run_batch(client, store, url, codes, PARAMETERS, out)
    finally:
        store.close()


def test_batch_rows_equal_the_endpoint_and_a_resumed_run_recomputes_nothing_finished(
    territory: str, dask_client: Client, tmp_path: Path
) -> None:
    out = tmp_path / "coverage.parquet"
    first = _batch(territory, dask_client, ["75110", HOME], out)
    assert sorted(first.computed) == ["75110", HOME]
    assert first.failed == {}

    codes = ["75110", HOME, NEIGHBOUR, BROKEN]
    second = _batch(territory, dask_client, codes, out)
    assert second.reused == ["75110", HOME]
    assert sorted(second.computed) == [NEIGHBOUR, BROKEN]
    assert list(second.failed) == [BROKEN]

    rows = gpd.read_parquet(out)
    assert rows.crs.to_epsg() == 4326
    assert list(dict.fromkeys(rows["commune"])) == codes
    broken = rows[rows["commune"] == BROKEN]
    assert len(broken) == 1
    assert broken.iloc[0]["status"] == "failed"
    assert broken.iloc[0]["reason"]
    with TestClient(create_app(make_settings(territory))) as api:
        for code in ("75110", HOME, NEIGHBOUR):
            body = api.get(f"/communes/{code}/{QUERY}").json()
            mine = rows[rows["commune"] == code].set_index("zone")
            commune = mine.loc[""]
            assert commune["status"] == "done"
            for name in ("population", "population_covered", "share"):
                assert _value(commune[name]) == body["summary"][name]
            method = json.loads(commune["method"])
            assert method.pop("computed_at") <= body["method"].pop("computed_at")
            assert method == body["method"]
            assert commune.geometry is not None and commune.geometry.is_valid
            assert sorted(mine.index) == sorted(["", *(zone["zone"] for zone in body["zones"])])
            for zone in body["zones"]:
                row = mine.loc[zone["zone"]]
                for name in ("population", "population_covered", "share"):
                    assert _value(row[name]) == zone[name]
                assert row.geometry is not None
    home = rows[(rows["commune"] == HOME) & (rows["zone"] == "")].iloc[0]
    assert 0 < home["share"] < 1

    third = _batch(territory, dask_client, codes, out)
    assert third.reused == ["75110", HOME, NEIGHBOUR]
    assert third.computed == [BROKEN]
    # Taken from the ledger, not recomputed: even the method's computed_at is the first run's.
    assert gpd.read_parquet(out).drop(columns="geometry").equals(rows.drop(columns="geometry"))


def test_a_changed_parameter_or_asset_is_computed_again(
    territory: str, dask_client: Client, tmp_path: Path
) -> None:
    out = tmp_path / "coverage.parquet"
    _batch(territory, dask_client, [HOME], out)
    store = open_store(territory)
    try:
        lon, lat = to_lonlat(850.0, 800.0)
        store.add_assets(
            [charging_point("FRTESTE94002", lon, lat, commune=HOME, code_insee_commune=HOME)]
        )
    finally:
        store.close()
    again = _batch(territory, dask_client, [HOME], out)
    assert again.computed == [HOME]
    entries = ledger_path(out).read_text().splitlines()
    assert [json.loads(line)["status"] for line in entries] == ["done", "done"]


def test_the_command_runs_on_a_given_scheduler(
    territory: str, dask_client: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cli.parquet"
    address = dask_client.scheduler.address
    argv = ["--database-url", territory, "batch", "coverage", "--communes", f"{HOME},{BROKEN}"]
    argv += ["--layer", "charging-points", "--within-m", "300", "--out", str(out)]
    assert main([*argv, "--scheduler", address]) == 1
    printed = capsys.readouterr()
    assert f"{BROKEN}: " in printed.out
    assert "dashboard:" in printed.err
    rows = gpd.read_parquet(out)
    assert set(rows["status"]) == {"done", "failed"}


def _value(value: object) -> object:
    """Return a Parquet cell as the JSON answer has it (NaN stands for null)."""
    if isinstance(value, float) and value != value:
        return None
    return value
