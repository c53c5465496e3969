# SPDX-License-Identifier: MIT
"""``commune add`` from region-wide files in Lambert-93, naming the population it counts."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import shape

from mobility.geo import METRIC_CRS
from mobility.store import open_store
from tests.support.communes import run_cli
from tests.support.paths import IDF_CONTEXT, PARIS

IRIS = IDF_CONTEXT / "paris_iris_2013_pop15p_2011.geojson.gz"
GRAPH = PARIS / "voies_paris_75110_graph.graphml"


@pytest.fixture(scope="module")
def iris_gpkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every IRIS of Paris as a Lambert-93 GeoPackage: boundaries and population alike."""
    frame = gpd.read_file(io.BytesIO(gzip.decompress(IRIS.read_bytes())))
    path = tmp_path_factory.mktemp("iris") / "iris_paris.gpkg"
    pyogrio.write_dataframe(frame.to_crs(METRIC_CRS), path, driver="GPKG", layer="iris")
    return path


def _add(url: str, iris: Path, *extra: str) -> int:
    return run_cli(
        url,
        "--json",
        "commune",
        "add",
        "75110",
        "--name",
        "Paris 10e",
        "--boundary",
        str(iris),
        "--streets",
        str(GRAPH),
        "--population",
        str(iris),
        "--population-field",
        "C11_POP15P",
        "--zone-id-field",
        "DCOMIRIS",
        *extra,
    )


def test_a_commune_from_regional_geopackages_names_its_population(
    iris_gpkg: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    described = ("--population-description", "residents aged 15 or more")
    assert _add(url, iris_gpkg, *described, "--population-year", "2011") == 0
    info = json.loads(capsys.readouterr().out)
    assert info["demand"]["population"] == {
        "field": "C11_POP15P",
        "description": "residents aged 15 or more",
        "age_group": None,
        "year": 2011,
        "source": "iris_paris.gpkg",
    }
    assert info["demand"]["total_population"] == pytest.approx(79_550)
    assert info["demand"]["zones_count"] == 42
    store = open_store(url)
    try:
        record = store.get_commune("75110")
    finally:
        store.close()
    shipped = gpd.read_file(PARIS / "boundary_75110.geojson").geometry.iloc[0]
    outline = shape(record.boundary)
    assert outline.symmetric_difference(shipped).area < 1e-6 * shipped.area


def test_without_a_description_only_the_field_is_stated(
    iris_gpkg: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add(f"sqlite:///{tmp_path / 'store.sqlite'}", iris_gpkg) == 0
    population = json.loads(capsys.readouterr().out)["demand"]["population"]
    assert population == {
        "field": "C11_POP15P",
        "description": None,
        "age_group": None,
        "year": None,
        "source": "iris_paris.gpkg",
    }


def test_a_year_that_is_not_one_is_refused_and_nothing_stored(
    iris_gpkg: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    assert _add(url, iris_gpkg, "--population-year", "11", "--population-description", " ") == 1
    err = capsys.readouterr().err
    assert "population_year" in err and "population_description" in err
    assert run_cli(url, "--json", "commune", "list") == 0
    assert json.loads(capsys.readouterr().out) == []
