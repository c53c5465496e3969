# SPDX-License-Identifier: MIT
"""The ``mobility`` command: a second commune from standard files, served beside the first."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.conftest import make_settings
from tests.support.communes import SAINT_GERMAIN_GRAPH, add_saint_germain, run_cli
from tests.support.paths import ROOT, SAINT_GERMAIN, SAMPLE_MANIFEST

GRAPH = SAINT_GERMAIN_GRAPH


run = run_cli


def test_a_second_commune_is_served_beside_the_first(
    sample_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert add_saint_germain(sample_url) == 0
    out = capsys.readouterr().out
    assert "drive: kept 1532 of 3778 nodes" in out
    assert "no population layer" in out
    irve = SAINT_GERMAIN / "irve_statique_within_1km_of_saint-germain-en-laye.csv"
    assert run(sample_url, "--json", "assets", "load", "78551", str(irve)) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["written"] == {"charging-points": 5}
    assert report["outside_commune"] == 16
    stations = SAINT_GERMAIN / "gares_idfm_saint-germain-en-laye_1km.geojson"
    assert run(sample_url, "assets", "load", "78551", str(stations), "--layer", "hubs") == 0

    with TestClient(create_app(make_settings(sample_url))) as client:
        communes = client.get("/collections/communes/items").json()
        assert [f["id"] for f in communes["features"]] == ["75110", "78551"]
        sgl = client.get("/collections/communes/items/78551").json()["properties"]
        inside = _features_inside(stations, SAINT_GERMAIN / "boundary_78551.geojson")
        assert sgl["layers"] == {"charging-points": 5, "parking": 0, "hubs": len(inside)}
        assert any("no parking loaded" in note for note in sgl["notes"])
        assert sgl["info"]["streets"]["has_classes"] is True
        points = client.get("/collections/charging-points/items", params={"commune": "78551"})
        assert points.json()["numberMatched"] == 5
        everything = client.get("/collections/charging-points/items").json()
        assert everything["numberMatched"] == 89 + 5
        hubs = client.get("/collections/hubs/items", params={"commune": "78551", "mode": "rer"})
        names = [f["properties"]["name"] for f in hubs.json()["features"]]
        assert any("Saint-Germain" in name for name in names)


def _features_inside(collection: Path, boundary: Path) -> list[dict[str, object]]:
    """The features of a GeoJSON file inside a commune's outline, by plain shapely."""
    from shapely.geometry import shape

    outline = shape(json.loads(boundary.read_text(encoding="utf-8"))["features"][0]["geometry"])
    features = json.loads(collection.read_text(encoding="utf-8"))["features"]
    return [f for f in features if outline.covers(shape(f["geometry"]))]


def test_refused_rows_write_nothing_in_all_or_nothing_mode(
    sample_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (ROOT / "data" / "paris-10e" / "irve_statique_75110.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[3][rows[0].index("implantation_station")] = "Trottoir"  # line 4 of the file
    broken = tmp_path / "broken.csv"
    with broken.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    assert run(sample_url, "commune", "remove", "75110") == 0
    assert run(sample_url, "commune", "load", str(SAMPLE_MANIFEST)) == 0
    capsys.readouterr()
    assert run(sample_url, "--json", "assets", "load", "75110", str(broken)) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "refused"
    assert report["rejected"][0]["line"] == 4
    assert report["rejected"][0]["field"] == "implantation_station"
    assert run(sample_url, "assets", "load", "75110", str(broken), "--mode", "valid-rows") == 0
    assert "1 row(s) refused" in capsys.readouterr().out


def test_bad_inputs_are_explained_and_change_nothing(
    sample_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "streets.graphml"
    garbage.write_bytes(b"\x00\x01 not a graph")
    code = run(
        sample_url,
        "commune",
        "add",
        "78551",
        "--name",
        "X",
        "--boundary",
        str(SAINT_GERMAIN / "boundary_78551.geojson"),
        "--streets",
        str(garbage),
    )
    assert code == 1
    assert "error:" in capsys.readouterr().err
    code = run(
        sample_url,
        "commune",
        "add",
        "7855",
        "--name",
        "X",
        "--boundary",
        str(SAINT_GERMAIN / "boundary_78551.geojson"),
        "--streets",
        str(GRAPH),
    )
    assert code == 1
    assert "code" in capsys.readouterr().err
    assert (
        run(
            sample_url,
            "commune",
            "add",
            "75110",
            "--name",
            "Again",
            "--boundary",
            str(SAINT_GERMAIN / "boundary_78551.geojson"),
            "--streets",
            str(GRAPH),
        )
        == 1
    )
    assert run(sample_url, "assets", "load", "99999", str(GRAPH)) == 1
    capsys.readouterr()
    assert run(sample_url, "--json", "commune", "list") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [row["code"] for row in listed] == ["75110"]
    assert listed[0]["charging-points"] == 89
    with TestClient(create_app(make_settings(sample_url))) as client:
        assert client.get("/collections/communes/items").json()["numberMatched"] == 1


def test_loading_the_sample_twice_keeps_edits(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    assert run(url, "commune", "load", str(SAMPLE_MANIFEST), "--if-absent") == 0
    with TestClient(create_app(make_settings(url))) as client:
        key = {"X-API-Key": make_settings(url).api_keys[0].get_secret_value()}
        assert (
            client.delete(
                "/collections/charging-points/items/FRV75EPX10134", headers=key
            ).status_code
            == 204
        )
    assert run(url, "commune", "load", str(SAMPLE_MANIFEST), "--if-absent") == 0
    with TestClient(create_app(make_settings(url))) as client:
        assert client.get("/collections/charging-points/items/FRV75EPX10134").status_code == 404


def test_the_installed_command_runs() -> None:
    executable = shutil.which("mobility", path=str(Path(sys.executable).parent))
    assert executable is not None
    result = subprocess.run([executable, "--help"], capture_output=True, text=True, check=True)
    assert "commune" in result.stdout


def test_scenarios_are_listed_shown_promoted_and_removed(
    sample_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from mobility.assets import Layer
    from mobility.scenarios import AssetChange
    from mobility.store import open_store
    from tests.support import builders

    store = open_store(sample_url)
    try:
        new = builders.charging_point("FRV75ECLI01", lon=2.3605, lat=48.8745)
        scenario = store.create_scenario(
            "75110", "CLI plan", [AssetChange("add", Layer.CHARGING_POINTS, new.id, new)]
        )
        before = store.count_assets(Layer.CHARGING_POINTS, "75110")
    finally:
        store.close()
    capsys.readouterr()
    assert run_cli(sample_url, "--json", "scenario", "list", "--commune", "75110") == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["id"] == scenario.id and row["changes"]["charging-points"]["add"] == 1
    assert run_cli(sample_url, "scenario", "show", scenario.id) == 0
    assert "FRV75ECLI01" in capsys.readouterr().out
    assert run_cli(sample_url, "scenario", "promote", scenario.id) == 0
    assert "promoted at" in capsys.readouterr().out
    assert run_cli(sample_url, "scenario", "promote", scenario.id) == 1
    assert "already promoted" in capsys.readouterr().err
    store = open_store(sample_url)
    try:
        assert store.count_assets(Layer.CHARGING_POINTS, "75110") == before + 1
    finally:
        store.close()
    assert run_cli(sample_url, "scenario", "remove", scenario.id) == 0
    assert run_cli(sample_url, "scenario", "show", scenario.id) == 1
