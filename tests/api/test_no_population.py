# SPDX-License-Identifier: MIT
"""A commune without population data: shares are null with a reason, siting is refused.

The commune is the shipped 10e loaded through the CLI from a manifest that names every shipped
file but the population, as a commune is loaded when no population file is at hand. The reason
given must name a command that works: the last test runs it and gets a share back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.conftest import API_KEY, make_settings
from tests.support.communes import run_cli
from tests.support.paths import PARIS, SAMPLE_MANIFEST
from tests.support.stores import copy_sqlite

KEY = {"X-API-Key": API_KEY}
CHARGING = "layer=charging-points&within_m=300"


@pytest.fixture(scope="module")
def no_population_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store holding the 10e built from the shipped files minus the population."""
    folder = tmp_path_factory.mktemp("no-population")
    manifest = json.loads(SAMPLE_MANIFEST.read_text(encoding="utf-8"))
    del manifest["population"]
    for role in ("boundary", "streets"):
        manifest[role]["file"] = str(PARIS / manifest[role]["file"])
    manifest["assets"] = [
        {**entry, "file": str(PARIS / entry["file"])}
        for entry in manifest["assets"]
        if entry["file"] == "irve_statique_75110.csv"
    ]
    path = folder / "commune.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    store = folder / "store.sqlite"
    assert run_cli(f"sqlite:///{store}", "commune", "load", str(path)) == 0
    return store


@pytest.fixture
def no_population_url(no_population_template: Path, tmp_path: Path) -> str:
    return copy_sqlite(no_population_template, tmp_path / "store.sqlite")


@pytest.fixture
def client(no_population_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(no_population_url))) as test_client:
        yield test_client


def _assert_reason(reason: Any) -> None:
    assert isinstance(reason, str)
    assert "commune 75110 has no population data" in reason
    assert "mobility commune add 75110" in reason and "--population" in reason


def test_coverage_share_is_null_with_the_reason(client: TestClient) -> None:
    body = client.get(f"/communes/75110/coverage?{CHARGING}").json()
    summary = body["summary"]
    assert summary["population"] == 0.0
    assert summary["assets_used"] == 89  # the points are there; the inhabitants are not
    assert summary["share"] is None
    _assert_reason(summary["share_unavailable_reason"])
    assert summary["distance"] == {"p50_m": None, "p90_m": None, "max_m": None}
    assert body["zones"] == []
    assert summary["share_unavailable_reason"] in body["notes"]
    assert not any("0 %" in note for note in body["notes"])


def test_coverage_without_assets_does_not_say_zero_percent(client: TestClient) -> None:
    body = client.get("/communes/75110/coverage?layer=hubs&within_m=300").json()
    assert body["summary"]["share"] is None
    assert any("no hubs" in note for note in body["notes"])
    assert not any("0 %" in note for note in body["notes"])


def test_gaps_state_that_nothing_can_be_measured(client: TestClient) -> None:
    body = client.get(f"/communes/75110/gaps?{CHARGING}").json()
    assert body["features"] == []
    assert body["summary"]["share"] is None
    _assert_reason(body["summary"]["share_unavailable_reason"])
    assert body["summary"]["share_unavailable_reason"] in body["notes"]


def test_siting_is_refused_naming_the_missing_population(client: TestClient) -> None:
    response = client.post(
        "/communes/75110/siting", json={"layer": "charging-points", "count": 3, "within_m": 300}
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert error["field"] == "code"
    _assert_reason(error["message"])


def test_scenario_comparison_has_no_share_to_compare(client: TestClient) -> None:
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [2.36, 48.875]},
        "properties": {"puissance_nominale": 22},
    }
    created = client.post(
        "/scenarios",
        json={
            "commune": "75110",
            "name": "one point",
            "add": [{"layer": "charging-points", "features": [feature]}],
        },
        headers=KEY,
    )
    assert created.status_code == 201, created.text
    compare = client.get(
        f"/scenarios/{created.json()['id']}/compare", params={"layer": "charging-points"}
    ).json()
    (layer,) = compare["layers"]
    assert layer["assets"] == {"base": 89, "scenario": 90}
    assert layer["share"] == {"base": None, "scenario": None, "change": None}
    _assert_reason(layer["share_unavailable_reason"])
    assert layer["zones"] == []
    assert layer["gaps"]["count"] == {"base": 0, "scenario": 0}


def test_the_command_the_reason_names_brings_the_share_back(no_population_url: str) -> None:
    manifest = json.loads(SAMPLE_MANIFEST.read_text(encoding="utf-8"))
    population = manifest["population"]
    status = run_cli(
        no_population_url,
        "commune",
        "add",
        "75110",
        "--name",
        manifest["name"],
        "--boundary",
        str(PARIS / manifest["boundary"]["file"]),
        "--streets",
        str(PARIS / manifest["streets"]["file"]),
        "--population",
        str(PARIS / population["file"]),
        "--population-field",
        population["field"],
        "--replace",
    )
    assert status == 0
    with TestClient(create_app(make_settings(no_population_url))) as client:
        summary = client.get(f"/communes/75110/coverage?{CHARGING}").json()["summary"]
    assert summary["population"] > 0
    assert summary["assets_used"] == 89  # the assets were kept, as the reason says
    assert summary["share"] == pytest.approx(
        summary["population_covered"] / summary["population"], abs=1e-4
    )
    assert summary["share_unavailable_reason"] is None
