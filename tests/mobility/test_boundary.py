# SPDX-License-Identifier: MIT
"""Boundary files as planners have them: any format, any CRS, one commune or many."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from shapely.geometry import box, shape

from mobility.boundary import (
    BoundaryIndex,
    BoundaryRecord,
    codes_at,
    read_boundaries,
    read_boundary,
)
from mobility.errors import InvalidInputError, UnsupportedFormatError
from mobility.geo import METRIC_CRS, WIRE_CRS, to_metric

ROOT = Path(__file__).resolve().parents[2]
COMMUNES = (
    ROOT / "data" / "idf-context" / "communes_75_92_93_94_adminexpress2018_simplified.geojson.gz"
)
IRIS = ROOT / "data" / "idf-context" / "paris_iris_2013_pop15p_2011.geojson.gz"
BOUNDARY_75110 = ROOT / "data" / "paris-10e" / "boundary_75110.geojson"
# Areas equal within 0.01 % once through Lambert-93 and back.
AREA_TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def communes() -> gpd.GeoDataFrame:
    return gpd.read_file(io.BytesIO(gzip.decompress(COMMUNES.read_bytes())))


@pytest.fixture(scope="module")
def iris() -> gpd.GeoDataFrame:
    return gpd.read_file(io.BytesIO(gzip.decompress(IRIS.read_bytes())))


def _write(frame: gpd.GeoDataFrame, path: Path, driver: str) -> bytes:
    pyogrio.write_dataframe(frame, path, driver=driver)
    return path.read_bytes()


def _zip_shapefile(frame: gpd.GeoDataFrame, folder: Path, *, drop: str | None = None) -> bytes:
    pyogrio.write_dataframe(frame, folder / "communes.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in sorted(folder.glob("communes.*")):
            if part.suffix != drop:
                archive.write(part, f"ADMIN-EXPRESS/{part.name}")
    return buffer.getvalue()


def _same_outline(a: shapely.Geometry, b: shapely.Geometry) -> bool:
    a_m, b_m = to_metric(a), to_metric(b)
    return bool(shapely.area(shapely.symmetric_difference(a_m, b_m)) <= AREA_TOLERANCE * b_m.area)


@pytest.mark.parametrize("driver", ["GeoJSON", "GPKG", "zipped Shapefile"])
def test_a_lambert93_file_of_many_communes_gives_each_commune(
    communes: gpd.GeoDataFrame, tmp_path: Path, driver: str
) -> None:
    lambert = communes.to_crs(METRIC_CRS)
    if driver == "zipped Shapefile":
        data = _zip_shapefile(lambert, tmp_path)
    else:
        data = _write(lambert, tmp_path / f"communes.{driver.lower()}", driver)

    records = read_boundaries(data)

    assert [r.code for r in records] == sorted(communes["code"])
    by_code = {r.code: r for r in records}
    for code, name, geometry in zip(
        communes["code"], communes["nom"], communes.geometry, strict=True
    ):
        assert by_code[code].name == name
        assert by_code[code].features == 1
        assert _same_outline(by_code[code].geometry, geometry), code


def test_a_lambert93_geojson_is_no_longer_outside_france(
    communes: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    data = _write(communes.to_crs(METRIC_CRS), tmp_path / "communes.geojson", "GeoJSON")
    outline = shape(read_boundary(data, code="92004"))
    expected = communes.loc[communes["code"] == "92004"].geometry.iloc[0]
    assert _same_outline(outline, expected)


def test_a_shapefile_path_is_read_with_its_sidecar_files(
    communes: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    pyogrio.write_dataframe(communes.to_crs(METRIC_CRS), tmp_path / "communes.shp")
    records = read_boundaries(tmp_path / "communes.shp")
    assert len(records) == len(communes)


def test_iris_are_dissolved_by_depcom_into_arrondissements(iris: gpd.GeoDataFrame) -> None:
    records = read_boundaries(IRIS.read_bytes())

    assert [r.code for r in records] == [f"751{n:02d}" for n in range(1, 21)]
    tenth = next(r for r in records if r.code == "75110")
    assert tenth.features == int((iris["DEPCOM"] == "75110").sum()) == 42
    assert tenth.name == "PARIS 10E ARRONDISSEMENT"
    shipped = gpd.read_file(BOUNDARY_75110).geometry.iloc[0]
    assert _same_outline(tenth.geometry, shipped)
    assert shape(read_boundary(IRIS, code="75110")).equals(tenth.geometry)


def test_insee_arm_wins_over_the_commune_code(iris: gpd.GeoDataFrame, tmp_path: Path) -> None:
    """ADMIN EXPRESS's arrondissements carry both their own code and Paris's."""
    arrondissements = iris.dissolve(by="DEPCOM").reset_index()
    frame = gpd.GeoDataFrame(
        {
            "insee_com": ["75056"] * len(arrondissements),
            "Insee_Arm": arrondissements["DEPCOM"],
            "NOM": arrondissements["NOM_COM"],
        },
        geometry=arrondissements.geometry,
        crs=WIRE_CRS,
    ).to_crs(METRIC_CRS)
    data = _write(frame, tmp_path / "arm.gpkg", "GPKG")

    records = read_boundaries(data)

    assert [r.code for r in records] == sorted(arrondissements["DEPCOM"])
    assert {r.features for r in records} == {1}


def test_numeric_codes_get_their_leading_zero(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"INSEE_COM": [1004, 1005]},
        geometry=[box(5.35, 45.95, 5.36, 45.96), box(5.36, 45.95, 5.37, 45.96)],
        crs=WIRE_CRS,
    )
    records = read_boundaries(_write(frame, tmp_path / "ain.gpkg", "GPKG"))
    assert [r.code for r in records] == ["01004", "01005"]


def test_a_file_without_a_code_field_is_refused_naming_its_fields(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"nom": ["a", "b"], "code": ["75", "92"], "surface_ha": [1.0, 2.0]},
        geometry=[box(2.35, 48.87, 2.36, 48.88), box(2.36, 48.87, 2.37, 48.88)],
        crs=WIRE_CRS,
    )
    data = _write(frame, tmp_path / "departements.geojson", "GeoJSON")
    for read in (lambda: read_boundaries(data), lambda: read_boundary(data, code="75110")):
        with pytest.raises(InvalidInputError) as caught:
            read()
        (problem,) = caught.value.problems
        assert problem.field == "boundary"
        assert "fields present: nom, code, surface_ha" in problem.message
        assert "INSEE_COM" in problem.message


def test_a_single_feature_without_code_is_the_commune_named(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"nom": ["x"]}, geometry=[box(2.35, 48.87, 2.36, 48.88)], crs=WIRE_CRS
    ).to_crs(METRIC_CRS)
    data = _write(frame, tmp_path / "one.gpkg", "GPKG")
    (record,) = read_boundaries(data, default_code="75110")
    assert record.code == "75110"
    assert shape(read_boundary(data, code="75110")).equals(record.geometry)


def test_a_code_absent_from_the_file_is_refused_with_the_codes_present() -> None:
    with pytest.raises(InvalidInputError) as caught:
        read_boundary(IRIS.read_bytes(), code="92004")
    (problem,) = caught.value.problems
    assert "DEPCOM = 92004" in problem.message and "75101" in problem.message


def test_a_truncated_geopackage_is_an_unsupported_format(
    communes: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    data = _write(communes.to_crs(METRIC_CRS), tmp_path / "communes.gpkg", "GPKG")
    for cut in (len(data) // 2, len(data) - 4096, 50):
        with pytest.raises(UnsupportedFormatError, match="truncated GeoPackage"):
            read_boundaries(data[:cut])


def test_a_shapefile_zip_without_its_dbf_is_refused(
    communes: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    data = _zip_shapefile(communes, tmp_path, drop=".dbf")
    with pytest.raises(UnsupportedFormatError, match=r"communes\.shp without its \.dbf"):
        read_boundaries(data)


def test_lambert93_coordinates_without_a_crs_are_refused_saying_so(
    communes: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    lambert = communes.to_crs(METRIC_CRS)
    data = lambert.set_crs(None, allow_override=True).to_json().encode()
    assert b'"crs"' not in data
    with pytest.raises(InvalidInputError) as caught:
        read_boundaries(data)
    (problem,) = caught.value.problems
    assert problem.field == "boundary.crs" and "Lambert-93" in problem.message


@pytest.mark.parametrize("content", [b"plain text", b"\x1f\x8b broken", b"PK\x03\x04 not a zip"])
def test_unreadable_content_is_an_unsupported_format(content: bytes) -> None:
    with pytest.raises(UnsupportedFormatError):
        read_boundaries(content)


# --- the commune at each point ----------------------------------------------------------------


def _brute_force_codes(
    records: list[BoundaryRecord], lons: np.ndarray, lats: np.ndarray
) -> list[str | None]:
    """Every outline tested against every point; the smallest area (then lower code) wins."""
    found: list[str | None] = []
    for lon, lat in zip(lons, lats, strict=True):
        point = shapely.Point(lon, lat)
        holding = [r for r in records if r.geometry.intersects(point)]
        best = min(holding, key=lambda r: (to_metric(r.geometry).area, r.code), default=None)
        found.append(None if best is None else best.code)
    return found


def test_codes_at_matches_brute_force_over_overlapping_outlines() -> None:
    """Paris (75056) overlaps its arrondissements: the arrondissement, the smaller, wins."""
    records = read_boundaries(COMMUNES) + read_boundaries(IRIS)
    rng = np.random.default_rng(15)
    lons = rng.uniform(2.20, 2.50, 1500)
    lats = rng.uniform(48.80, 48.92, 1500)
    # Points on shared vertices of two arrondissements, and one far away.
    tenth = next(r for r in records if r.code == "75110")
    ring = shapely.get_coordinates(tenth.geometry)
    lons = np.r_[lons, ring[:20, 0], 4.83]
    lats = np.r_[lats, ring[:20, 1], 45.76]

    found = BoundaryIndex(records).codes_at(lons, lats)

    assert found.tolist() == _brute_force_codes(records, lons, lats)
    assert found[-1] is None
    inner = tenth.geometry.representative_point()  # in Paris and in the 10e: the 10e wins
    assert BoundaryIndex(records).codes_at([inner.x], [inner.y]).tolist() == ["75110"]
    assert {"75110", "92044"} <= set(found.tolist())


def test_codes_at_missing_coordinates_give_none() -> None:
    records = read_boundaries(IRIS)
    found = codes_at(records, [2.357, np.nan, 2.357], [48.876, 48.876, np.nan])
    assert found.tolist() == ["75110", None, None]


def test_every_coded_layer_of_an_admin_express_style_geopackage_is_read(
    communes: gpd.GeoDataFrame, iris: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """COMMUNE (INSEE_COM) and ARRONDISSEMENT_MUNICIPAL (INSEE_ARM) layers; DEPARTEMENT has none."""
    path = tmp_path / "ADMIN-EXPRESS.gpkg"
    commune_layer = gpd.GeoDataFrame(
        {"INSEE_COM": communes["code"], "NOM": communes["nom"]},
        geometry=communes.geometry,
        crs=WIRE_CRS,
    ).to_crs(METRIC_CRS)
    arrondissements = iris.dissolve(by="DEPCOM").reset_index()
    arm_layer = gpd.GeoDataFrame(
        {"INSEE_ARM": arrondissements["DEPCOM"], "INSEE_COM": "75056"},
        geometry=arrondissements.geometry,
        crs=WIRE_CRS,
    ).to_crs(METRIC_CRS)
    departement = gpd.GeoDataFrame(
        {"INSEE_DEP": ["75"]}, geometry=[communes.geometry.iloc[0]], crs=WIRE_CRS
    ).to_crs(METRIC_CRS)
    for name, layer in (
        ("COMMUNE", commune_layer),
        ("ARRONDISSEMENT_MUNICIPAL", arm_layer),
        ("DEPARTEMENT", departement),
    ):
        pyogrio.write_dataframe(layer, path, layer=name, driver="GPKG")

    records = read_boundaries(path.read_bytes())

    codes = [r.code for r in records]
    assert codes == sorted([*communes["code"], *arrondissements["DEPCOM"]])
    assert shape(read_boundary(path.read_bytes(), code="75110")).equals(
        next(r for r in records if r.code == "75110").geometry
    )
    inner = next(r for r in records if r.code == "75110").geometry.representative_point()
    assert codes_at(records, [inner.x], [inner.y]).tolist() == ["75110"]
