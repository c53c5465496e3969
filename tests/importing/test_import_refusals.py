# SPDX-License-Identifier: MIT
"""Bad input to ``mobility commune import``: a clear error naming the field, nothing written."""

from __future__ import annotations

import copy
import csv
import gzip
import io
import json
from pathlib import Path

import geopandas as gpd
import pytest

from mobility.assets import Layer
from mobility.store import AssetQuery, open_store
from tests.support.communes import run_cli
from tests.support.digests import store_digest
from tests.support.idf_import import ImportFiles, import_command


def _import(url: str, region: ImportFiles, code: str, *extra: str) -> int:
    files = ("--streets", str(region.streets), *extra)
    command = import_command(
        region, *files, code=code, margin_m=None, replace=True, json_report=False
    )
    return run_cli(url, *command)


def _refused(
    url: str, capsys: pytest.CaptureFixture[str], region: ImportFiles, code: str, *extra: str
) -> str:
    """Run an import that must fail; return what it printed after checking no table changed."""
    store = open_store(url)
    try:
        before = store_digest(store)
        assert _import(url, region, code, *extra) != 0
        assert store_digest(store) == before
    finally:
        store.close()
    printed = capsys.readouterr()
    return printed.out + printed.err


@pytest.mark.parametrize("margin", ["-1", "50000", "nan"])
def test_a_margin_out_of_range_is_refused_naming_margin_m(
    sample_store_url: str, region: ImportFiles, capsys: pytest.CaptureFixture[str], margin: str
) -> None:
    err = _refused(sample_store_url, capsys, region, "75110", f"--margin-m={margin}")
    assert "margin_m: must be between 0 and 10,000" in err


def test_a_boundaries_file_without_the_code_is_refused(
    sample_store_url: str, region: ImportFiles, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(sample_store_url, capsys, region, "75110", "--boundaries", str(region.communes))
    assert "boundaries" in err and "75110" in err


def test_a_street_file_without_lines_is_refused(
    sample_store_url: str,
    region: ImportFiles,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    points = tmp_path / "points.geojson.gz"
    points.write_bytes(region.velib.read_bytes())  # stations: points, no line
    err = _refused(sample_store_url, capsys, region, "75110", "--streets", str(points))
    assert "street file holds no line" in err


def test_a_missing_file_is_named_by_its_option(
    sample_store_url: str, region: ImportFiles, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(sample_store_url, capsys, region, "75110", "--hubs", "/nonexistent.geojson")
    assert "hubs: /nonexistent.geojson is not a file" in err


def test_a_population_file_without_its_field_is_refused(
    sample_store_url: str, region: ImportFiles, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(sample_store_url, capsys, region, "75110", "--population", str(region.iris))
    assert "population_field" in err


def test_an_irve_file_without_a_usable_row_is_refused(
    sample_store_url: str,
    region: ImportFiles,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = list(csv.reader(io.StringIO(gzip.decompress(region.irve.read_bytes()).decode())))
    power = rows[0].index("puissance_nominale")
    for row in rows[1:]:
        row[power] = "many"
    bad = tmp_path / "irve_bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    err = _refused(
        sample_store_url, capsys, region, "75110", "--irve", str(bad), "--mode", "valid-rows"
    )
    assert f"irve: none of the {len(rows) - 1} rows is usable" in err
    assert "puissance_nominale" in err


def test_a_truncated_geopackage_is_refused(
    sample_store_url: str,
    region: ImportFiles,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    whole = tmp_path / "iris.gpkg"
    gpd.read_file(f"/vsigzip/{region.iris}").to_file(whole, driver="GPKG")
    truncated = tmp_path / "iris_truncated.gpkg"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    err = _refused(sample_store_url, capsys, region, "75110", "--boundaries", str(truncated))
    assert "truncated GeoPackage" in err


def _gares_with(region: ImportFiles, tmp_path: Path, lon: float, lat: float) -> Path:
    """Return the region's stations with one more, whose name holds a control character."""
    collection = json.loads(gzip.decompress(region.gares.read_bytes()))
    bad = copy.deepcopy(collection["features"][0])
    bad["properties"] |= {"ID_REF_ZDL": 999_999.0, "NOM_GARE": "Saint-Leu D\x92esserent"}
    bad["geometry"] = {"type": "Point", "coordinates": [lon, lat]}
    collection["features"].append(bad)
    path = tmp_path / "gares_with_a_bad_name.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def test_a_bad_row_far_outside_the_surroundings_is_counted_not_refused(
    sample_store_url: str,
    region: ImportFiles,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    gares = _gares_with(region, tmp_path, 2.4023, 49.2183)  # Saint-Leu-d'Esserent, Oise
    assert _import(sample_store_url, region, "75110", "--hubs", str(gares)) == 0
    out = capsys.readouterr().out
    assert "1 invalid row(s) outside the commune and its surroundings set aside" in out
    assert "NOM_GARE" in out
    store = open_store(sample_store_url)
    try:
        names = {
            asset.attributes.name
            for asset in store.iter_assets(AssetQuery(Layer.HUBS, commune="75110"))
        }
    finally:
        store.close()
    assert "Saint-Leu D\x92esserent" not in names and names


def test_the_same_bad_row_inside_the_commune_refuses_the_import(
    sample_store_url: str,
    region: ImportFiles,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    gares = _gares_with(region, tmp_path, 2.3580, 48.8760)  # inside the 10e
    err = _refused(sample_store_url, capsys, region, "75110", "--hubs", str(gares))
    assert "NOM_GARE" in err and "control character" in err
