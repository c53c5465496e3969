# SPDX-License-Identifier: MIT
"""The SDIRVE batch: one national CSV whose rows are those of each commune's ``sdirve.csv``.

The shipped commune has its figures and a scenario of the batch's name: its row is the one
``GET /communes/75110/sdirve.csv?scenario=…`` serves. A commune without figures is a failed row
naming the missing fields, left out of the file; a second run recomputes nothing finished, and
a change of the figures computes the commune again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from distributed import Client
from fastapi.testclient import TestClient

from api.main import create_app
from mobility.cli import main
from tests.api.test_regulation import COMMUNE_INPUTS, OBJECTIVES
from tests.conftest import API_KEY, make_settings
from tests.support.adjacent import HOME

KEY = {"X-API-Key": API_KEY}
PLAN = "SDIRVE 2030"


def _sdirve(url: str, out: Path, *extra: str) -> int:
    args = ["--database-url", url, "batch", "sdirve", "--communes", f"75110,{HOME}"]
    return main([*args, "--scenario", PLAN, "--out", str(out), *extra])


def test_sdirve_batch_writes_each_communes_csv_row_under_one_header(
    territory: str, dask_client: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sdirve.csv"
    address = ("--scheduler", dask_client.scheduler.address)
    with TestClient(create_app(make_settings(territory))) as api:
        put = api.put("/communes/75110/inputs/sdirve", json=COMMUNE_INPUTS, headers=KEY)
        assert put.status_code == 200, put.text
        plan = {"commune": "75110", "name": PLAN}
        created = api.post("/scenarios", json=plan, headers=KEY)
        assert created.status_code == 201, created.text
        scenario = created.json()["id"]
        expected = api.get("/communes/75110/sdirve.csv", params={"scenario": scenario})
        assert expected.status_code == 200, expected.text

        assert _sdirve(territory, out, *address) == 1
        printed = capsys.readouterr().out
        assert out.read_text(encoding="utf-8") == expected.text
        assert f"{HOME}: commune {HOME} has no scenario named {PLAN!r}" in printed

        assert _sdirve(territory, out, *address) == 1
        assert "1 communes computed, 1 already finished, 1 failed" in capsys.readouterr().out

        changed = {**COMMUNE_INPUTS, "objectives": {**OBJECTIVES, "intervalle_1": 301}}
        etag = api.get("/communes/75110/inputs/sdirve").headers["etag"]
        put = api.put(
            "/communes/75110/inputs/sdirve", json=changed, headers={**KEY, "If-Match": etag}
        )
        assert put.status_code == 200, put.text
        assert _sdirve(territory, out, *address) == 1
        assert "2 communes computed, 0 already finished" in capsys.readouterr().out
        again = api.get("/communes/75110/sdirve.csv", params={"scenario": scenario}).text
        assert out.read_text(encoding="utf-8") == again
        assert ",301," in again
