# SPDX-License-Identifier: MIT
"""The same import from other formats and another CRS: a GeoPackage and a zipped Shapefile in
Lambert-93 give the commune the GeoJSON files in lon/lat give."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest

from mobility.store import open_store
from tests.support.idf_import import ImportFiles, run_import

LAMBERT_93 = "EPSG:2154"


def _shapefile_zip(frame: gpd.GeoDataFrame, folder: Path) -> Path:
    frame.to_file(folder / "voies.shp")
    target = folder / "voies.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for part in folder.glob("voies.*"):
            if part != target:
                archive.write(part, part.name)
    return target


def test_geopackage_and_shapefile_in_lambert_93_import_the_same_commune(
    store_url: str, region: ImportFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = run_import(store_url, capsys, region, "75110")
    boundaries = tmp_path / "iris_l93.gpkg"
    gpd.read_file(f"/vsigzip/{region.iris}").to_crs(LAMBERT_93).to_file(boundaries, driver="GPKG")
    shapes = tmp_path / "shp"
    shapes.mkdir()
    lines = gpd.read_file(f"/vsigzip/{region.streets}").to_crs(LAMBERT_93)
    streets = _shapefile_zip(lines[["L_LONGMIN", "geometry"]], shapes)
    other = run_import(
        store_url,
        capsys,
        region,
        "75110",
        "--replace",
        boundaries=str(boundaries),
        streets=str(streets),
    )
    assert other["layers"] == plain["layers"]
    plain_streets = next(s for s in plain["stages"] if s["stage"] == "streets")
    other_streets = next(s for s in other["stages"] if s["stage"] == "streets")
    assert (other_streets["read"], other_streets["kept"]) == (
        plain_streets["read"],
        plain_streets["kept"],
    )
    assert other["existing_assets"]["changed"] == 0
    store = open_store(store_url)
    try:
        assert store.get_commune("75110").name == plain["name"]
    finally:
        store.close()
