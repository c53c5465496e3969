# SPDX-License-Identifier: MIT
"""GTFS feeds and GBFS station_information built from the real stations of the 10e."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from mobility.errors import UnsupportedFormatError
from mobility.formats import read_asset_file, sniff_format
from mobility.formats.gbfs import localized_name, read_gbfs
from mobility.formats.gtfs import read_gtfs, route_type_mode
from tests.mobility.formats.conftest import as_hub
from tests.support.feeds import idfm_gtfs, velib_gbfs


@pytest.fixture(scope="module")
def feed() -> tuple[object, dict[str, dict[str, object]]]:
    return idfm_gtfs()


def test_a_feed_gives_one_hub_per_station_with_modes_lines_and_operators(feed: tuple) -> None:
    gtfs, expected = feed
    data = gtfs.zip()
    assert sniff_format(data) == "gtfs"
    report = read_asset_file(data, source_name="idfm.zip")
    assert report.format == "gtfs" and report.rejected == [] and report.skipped == {}
    assert {asset.id for asset in report.assets} == {f"gtfs-{key}" for key in expected}
    by_id = {asset.id: asset for asset in report.assets}
    for station_id, facts in expected.items():
        asset = by_id[f"gtfs-{station_id}"]
        hub = as_hub(asset)
        assert hub.name == facts["name"]
        assert set(hub.modes) == facts["modes"]
        assert set(hub.lines) == facts["lines"]
        assert hub.source == "gtfs" and hub.source_id == station_id
        assert (asset.lon, asset.lat) == pytest.approx((facts["lon"], facts["lat"]), abs=1e-6)
    nord = next(as_hub(a) for a in report.assets if as_hub(a).name == "Gare du Nord")
    assert {"rer", "rail", "metro"} <= set(nord.modes)
    assert "B" in nord.lines and "M4" in nord.lines
    assert nord.operator is not None and "RATP" in nord.operator and "SNCF" in nord.operator


def test_a_bare_stops_txt_needs_a_mode_source(feed: tuple) -> None:
    gtfs, expected = feed
    stops = gtfs.csv("stops.txt")
    assert sniff_format(stops) == "gtfs"
    report = read_gtfs(stops)
    assert report.assets == [] and report.rejected == []
    assert sum(report.skipped.values()) == len(expected)
    assert "stops.txt alone" in next(iter(report.skipped))
    # The vehicle_type column some feeds add gives the mode.
    table = [
        row + (["vehicle_type"] if i == 0 else ["1"])
        for i, row in enumerate(gtfs.tables["stops.txt"])
    ]
    with_types = read_gtfs("\n".join(",".join(f'"{v}"' for v in row) for row in table).encode())
    assert len(with_types.assets) == len(expected)
    assert all(as_hub(asset).modes == ["metro"] for asset in with_types.assets)


def test_feed_without_trips_skips_and_says_why(feed: tuple) -> None:
    gtfs, expected = feed
    report = read_gtfs(gtfs.zip(leave_out=("stop_times.txt",)))
    assert report.assets == []
    assert sum(report.skipped.values()) == len(expected)


@pytest.mark.parametrize(
    ("route_type", "mode"),
    [(0, "tram"), (1, "metro"), (2, "rail"), (3, "bus"), (7, "rail"), (11, "bus"), (12, "metro"),
     (100, "rail"), (117, "rail"), (401, "metro"), (700, "bus"), (716, "bus"), (900, "tram"),
     (4, None), (6, None), (1700, None)],
)  # fmt: skip
def test_route_types(route_type: int, mode: str | None) -> None:
    assert route_type_mode(route_type) == mode


def _stops(
    *rows: str,
    header: str = "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,vehicle_type",
) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_rows_refused_with_line_and_column() -> None:
    report = read_gtfs(
        _stops(
            "S1,Gare de l'Est,48.876,2.358,1,,",
            "S2,Swapped,2.358,48.876,0,,1",
            "S3,Far,40.0,-30.0,0,,1",
            'S4,Comma,"48,87",2.35,0,,1',
            "P1,Orphan,48.876,2.358,0,NOPE,1",
            "S1,Gare de l'Est again,48.8761,2.3581,1,,2",
            "E1,Entrance,48.876,2.358,2,S1,",
        )
    )
    refused = {(row.line, row.field): row.reason for row in report.rejected}
    assert "look swapped" in refused[(3, "stop_lat")]
    assert "outside metropolitan France" in refused[(4, "stop_lat")]
    assert "decimal separator" in refused[(5, "stop_lat")]
    assert "not in stops.txt" in refused[(6, "parent_station")]
    assert "appears again at line 7" in refused[(2, "stop_id")]
    assert report.duplicate_ids == ["gtfs-S1"]
    assert [as_hub(a).name for a in report.assets] == ["Gare de l'Est again"]
    assert report.skipped == {"location_type=2 (entrance or exit): part of a station, not a hub": 1}


def test_a_bom_is_accepted() -> None:
    report = read_gtfs(b"\xef\xbb\xbf" + _stops("S1,Magenta,48.8807,2.3574,0,,2"))
    assert as_hub(report.assets[0]).modes == ["rail"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 this is no zip", "not a readable zip"),
        (b"", "empty"),
        (
            "stop_id,stop_name,stop_lat,stop_lon\nS1,Gare de l’Est,48.876,2.358\n".encode("cp1252"),
            "not UTF-8",
        ),
        (b"stop_id,stop_name\nS1,x\n", r"lacks the column\(s\) stop_lat, stop_lon"),
    ],
)
def test_files_that_are_not_gtfs(data: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=message):
        read_gtfs(data)


def test_a_zip_without_stops_txt() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("routes.txt", "route_id,route_type\nR1,1\n")
    with pytest.raises(UnsupportedFormatError, match=r"no stops\.txt.*routes\.txt"):
        read_gtfs(buffer.getvalue())


@pytest.mark.parametrize("version", ["2.3", "3.0"])
def test_gbfs_station_information(version: str) -> None:
    data, stations = velib_gbfs(version)
    assert sniff_format(data) == "gbfs"
    report = read_asset_file(data)
    assert report.format == "gbfs" and report.rejected == []
    assert len(report.assets) == len(stations)
    first = report.assets[0]
    hub = as_hub(first)
    assert first.id == f"gbfs-{stations[0]['station_id']}"
    assert hub.name == "Ramponeau - Belleville" and hub.modes == ["bike_share"]
    assert hub.capacity == stations[0]["capacity"]
    assert (first.lon, first.lat) == (stations[0]["lon"], stations[0]["lat"])


def test_gbfs_rows_refused() -> None:
    stations = [
        {"station_id": "1", "name": "Swapped", "lat": 2.35, "lon": 48.87},
        {
            "station_id": "2",
            "name": [{"text": "Sans", "language": "fr"}],
            "lat": "48.8",
            "lon": 2.3,
        },
        {"station_id": "3", "name": "Ok", "lat": 48.87, "lon": 2.35, "capacity": -1},
        {"station_id": "4", "lat": 48.87, "lon": 2.35},
        {"station_id": "5", "name": "A", "lat": 48.87, "lon": 2.35},
        {"station_id": "5", "name": "B", "lat": 48.871, "lon": 2.351},
    ]
    report = read_gbfs(json.dumps({"data": {"stations": stations}}).encode())
    refused = {(row.line, row.field) for row in report.rejected}
    assert refused == {(1, "lat"), (2, "lat"), (3, "capacity"), (4, "name"), (5, "station_id")}
    assert report.duplicate_ids == ["gbfs-5"]
    assert [as_hub(a).name for a in report.assets] == ["B"]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"data": {"en": {"feeds": []}}}, "discovery file"),
        ({"data": {"bikes": []}}, "free_bike_status"),
        ({"type": "FeatureCollection", "features": []}, "import it as geojson"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_gbfs_files_that_are_not_station_information(document: object, message: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=message):
        read_gbfs(json.dumps(document).encode())


def test_gbfs_not_utf8_nor_json() -> None:
    with pytest.raises(UnsupportedFormatError, match="not UTF-8"):
        read_gbfs('{"data": {"stations": [{"name": "Gare de l’Est"}]}}'.encode("cp1252"))
    with pytest.raises(UnsupportedFormatError, match="not valid JSON"):
        read_gbfs(b'{"data": ')


def test_localized_names() -> None:
    assert (
        localized_name([{"text": "East", "language": "en"}, {"text": "Est", "language": "fr"}])
        == "Est"
    )
    assert localized_name([{"text": "Ost", "language": "de"}]) == "Ost"
    assert localized_name("  Magenta ") == "Magenta"
    assert localized_name(12) is None
