# SPDX-License-Identifier: MIT
"""Line files reach the reader by name or by content, and bad ones are refused clearly."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest
import shapely
from shapely.geometry import LineString, Point

from mobility.errors import InvalidInputError, NotFoundError, UnsupportedFormatError
from mobility.network import load_streets
from mobility.network.loading import guess_format_from_name
from mobility.network.sources import sniff_format
from tests.mobility.network.line_files import X0, Y0, l93_line, write_lines

STREETS = [l93_line((0, 0), (200, 0)), l93_line((100, -100), (100, 100))]


@pytest.mark.parametrize("kind", ["geojson", "gpkg", "zip"])
def test_bytes_of_every_container_are_sniffed(tmp_path: Path, kind: str) -> None:
    data = write_lines(tmp_path, STREETS, kind=kind).read_bytes()
    assert sniff_format(data) == "lines"
    for content in (data, gzip.compress(data)):
        graph = load_streets(content)
        assert graph.graph["source_format"] == "lines"
        assert graph.graph["line_file"]["pieces"] == 4


def test_a_shapefile_path_is_read_with_its_side_files(tmp_path: Path) -> None:
    write_lines(tmp_path, STREETS, kind="zip", name="voies")
    graph = load_streets(tmp_path / "voies.shp")
    assert graph.graph["line_file"]["driver"] == "ESRI Shapefile"
    assert graph.graph["line_file"]["pieces"] == 4


def test_a_gzipped_geojson_path_is_read(tmp_path: Path) -> None:
    plain = write_lines(tmp_path, STREETS)
    target = tmp_path / "voies.geojson.gz"
    target.write_bytes(gzip.compress(plain.read_bytes()))
    assert load_streets(target).graph["line_file"]["pieces"] == 4


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("v.geojson", "lines"),
        ("v.JSON.gz", "lines"),
        ("v.gpkg", "lines"),
        ("v.shp", "lines"),
        ("v.zip", "lines"),
        ("v.graphml", "graphml"),
        ("v.csv", None),
    ],
)
def test_line_suffixes_name_the_format(name: str, expected: str | None) -> None:
    assert guess_format_from_name(Path(name)) == expected


def _geojson(geometries: list[dict[str, object]], crs: str | None = None) -> bytes:
    document: dict[str, object] = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": g} for g in geometries],
    }
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(document).encode()


def _mapping(line: LineString) -> dict[str, object]:
    return dict(shapely.geometry.mapping(line))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_geojson([{"type": "Point", "coordinates": [2.35, 48.87]}]), "holds no line"),
        (_geojson([]), "holds no line"),
        (_geojson([_mapping(LineString([(13.4, 52.5), (13.41, 52.5)]))]), "outside France"),
        (_geojson([_mapping(LineString([(48.87, 2.35), (48.88, 2.35)]))]), "look swapped"),
        (_geojson([_mapping(l93_line((0, 0), (9, 9)))]), "look projected"),
        (b'{"type": "FeatureCollection", "features": [', "cannot be read as a GeoJSON"),
        (b"\x00\x00\x27\x0a" + bytes(96), "send the four files in one .zip"),
    ],
)
def test_bad_line_files_are_refused(content: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=message):
        load_streets(content)


def test_a_truncated_geopackage_is_refused(tmp_path: Path) -> None:
    data = write_lines(tmp_path, STREETS * 50, kind="gpkg").read_bytes()
    cut = tmp_path / "cut.gpkg"
    for size in (50, 2000, len(data) // 2, len(data) - 1):
        with pytest.raises(UnsupportedFormatError, match="GeoPackage is truncated"):
            load_streets(data[:size])
        cut.write_bytes(data[:size])
        with pytest.raises(UnsupportedFormatError, match="GeoPackage is truncated"):
            load_streets(cut)  # a path is read in place, and checked the same way


def test_a_broken_zip_is_refused(tmp_path: Path) -> None:
    data = write_lines(tmp_path, STREETS, kind="zip").read_bytes()
    with pytest.raises(UnsupportedFormatError, match="zip file is truncated"):
        load_streets(data[: len(data) - 30])
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) - 30])
    with pytest.raises(UnsupportedFormatError, match="zip file is truncated"):
        load_streets(cut)
    only_dbf = io.BytesIO()
    with zipfile.ZipFile(only_dbf, "w") as archive:
        archive.writestr("voies.dbf", b"")
    with pytest.raises(UnsupportedFormatError, match=r"holds no Shapefile"):
        load_streets(only_dbf.getvalue())
    no_shx = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(no_shx, "w") as archive:
        for name in source.namelist():
            if not name.endswith(".shx"):
                archive.writestr(name, source.read(name))
    with pytest.raises(UnsupportedFormatError, match=r"lacks its \.shx"):
        load_streets(no_shx.getvalue())


def test_a_shapefile_without_prj_in_metres_is_refused_with_advice(tmp_path: Path) -> None:
    write_lines(tmp_path, STREETS, kind="zip", name="voies")
    (tmp_path / "voies.prj").unlink()
    with pytest.raises(UnsupportedFormatError, match=r"states no coordinate system: add the"):
        load_streets(tmp_path / "voies.shp")


def test_a_file_with_several_line_layers_names_them(tmp_path: Path) -> None:
    import pyogrio

    target = write_lines(tmp_path, STREETS, kind="gpkg")
    frame = pyogrio.read_dataframe(target)
    pyogrio.write_dataframe(frame, target, layer="pistes", append=True)
    with pytest.raises(
        UnsupportedFormatError, match=r"several layers of lines \(streets, pistes\)"
    ):
        load_streets(target)
    pyogrio.write_dataframe(frame, target, layer="troncon_de_route", append=True)
    assert load_streets(target).graph["line_file"]["layer"] == "troncon_de_route"


def test_a_missing_path_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        load_streets(tmp_path / "voies.geojson")


def test_a_clip_away_from_every_line_is_refused(tmp_path: Path) -> None:
    far = Point(2.2, 48.7).buffer(0.001)
    with pytest.raises(UnsupportedFormatError, match="no line inside the clip"):
        load_streets(write_lines(tmp_path, STREETS), clip=far)
    assert isinstance(UnsupportedFormatError("x"), InvalidInputError)


def test_clip_cuts_lines_at_the_edge_and_keeps_their_direction(tmp_path: Path) -> None:
    from pyproj import Transformer

    to_wire = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
    corner = to_wire.transform(X0 + 50, Y0 - 50), to_wire.transform(X0 + 150, Y0 + 50)
    clip = shapely.box(corner[0][0], corner[0][1], corner[1][0], corner[1][1])
    target = write_lines(
        tmp_path, STREETS, {"highway": ["primary", "primary"], "oneway": ["yes", "-1"]}
    )
    graph = load_streets(target, clip=clip)
    report = graph.graph["line_file"]
    assert (report["lines_cut_at_clip"], report["pieces"], report["crossings_split"]) == (2, 4, 1)
    lengths = sorted(round(a["length"], 1) for *_, a in graph.edges(data=True))
    # a lon/lat box is turned a little against Lambert-93's grid: cuts move by under half a metre
    assert lengths == pytest.approx([50.0] * 4, abs=0.5)
    assert sum(lengths) == pytest.approx(200.0, abs=0.01)
    for u, v, attrs in graph.edges(data=True):
        east = graph.nodes[v]["x"] - graph.nodes[u]["x"]
        north = graph.nodes[v]["y"] - graph.nodes[u]["y"]
        if abs(east) > abs(north):
            assert east > 0  # drawn eastwards, one-way along
        else:
            assert north < 0  # drawn northwards, one-way against
        assert attrs["oneway"] is True
