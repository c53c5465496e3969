# SPDX-License-Identifier: MIT
"""Raw OSM XML (the real Gare du Nord extract) and the IRVE → OCPI mapping rules."""

from __future__ import annotations

import gzip
from datetime import date

import pytest

from mobility.assets import Asset, ChargingPoint, Layer
from mobility.errors import UnsupportedFormatError
from mobility.formats import read_asset_file, read_osm_geojson, sniff_format
from mobility.formats.ocpi import (
    connectors,
    emi3_evse_id,
    locations_from_assets,
    opening_times,
    parse_address,
)
from mobility.formats.osm_elements import OTHER_OBJECTS
from mobility.formats.osm_xml import read_osm_xml
from tests.mobility.formats.conftest import FIXTURES, OSM_BIKE, OSM_PARKING, as_hub, as_parking
from tests.support.builders import charging_point_properties

OSM_EXTRACT = FIXTURES / "osm" / "osm_extract_paris09-10_gare-du-nord.osm.gz"


@pytest.fixture(scope="module")
def extract() -> bytes:
    return OSM_EXTRACT.read_bytes()


def test_the_real_extract_gives_parking_and_hubs(extract: bytes) -> None:
    assert sniff_format(extract) == "osm"
    assert sniff_format(gzip.decompress(extract)) == "osm"
    report = read_asset_file(extract, source_name=OSM_EXTRACT.name)
    assert report.format == "osm-xml"
    layers = report.count_by_layer()
    assert layers["parking"] > 80 and layers["hubs"] > 10
    assert report.skipped[OTHER_OBJECTS] > 1000
    # The same objects as the GeoJSON exports of this extract, read by the same mapping (those
    # exports dropped the capacity:disabled/charging tags, which the raw XML keeps).
    from_geojson = {
        asset.id: asset
        for path in (OSM_PARKING, OSM_BIKE)
        for asset in read_osm_geojson(path.read_bytes()).assets
    }
    from_xml = {asset.id: asset for asset in report.assets}
    common = from_geojson.keys() & from_xml.keys()
    assert len(common) >= 0.9 * len(from_geojson)
    for asset_id in common:
        spaces = {"pmr_spaces", "ev_ready_spaces"}
        xml_fields = from_xml[asset_id].attributes.model_dump(exclude=spaces)
        assert xml_fields == from_geojson[asset_id].attributes.model_dump(exclude=spaces)
        assert from_xml[asset_id].lon == pytest.approx(from_geojson[asset_id].lon, abs=1e-6)
    # Lines are the XML lines of the elements, and the refusal names the OSM tag.
    assert report.rejected  # the extract has a bad capacity:disabled tag
    assert all(row.line is not None and row.line > 1000 for row in report.rejected)
    assert {row.field for row in report.rejected} <= {"capacity", "capacity:disabled", "geometry"}


def test_areas_keep_their_footprint(extract: bytes) -> None:
    report = read_osm_xml(extract)
    areas = [asset for asset in report.assets if asset.footprint is not None]
    assert {asset.id.split("-")[1] for asset in areas} == {"way", "relation"}
    parking = [as_parking(a) for a in areas if a.layer == Layer.PARKING]
    assert parking


def _osm(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n{body}\n</osm>\n'.encode()


SQUARE_NODES = "\n".join(
    f'<node id="{i}" lat="{lat}" lon="{lon}"/>'
    for i, (lon, lat) in enumerate(
        [(2.355, 48.875), (2.356, 48.875), (2.356, 48.876), (2.355, 48.876),
         (2.3553, 48.8753), (2.3557, 48.8753), (2.3557, 48.8757), (2.3553, 48.8757)],
        1,
    )
)  # fmt: skip


def test_multipolygons_nodes_and_relations() -> None:
    data = _osm(
        SQUARE_NODES
        + """
<node id="20" lat="48.8763" lon="2.3590"><tag k="railway" v="station"/>
  <tag k="name" v="Gare de l'Est"/><tag k="train" v="yes"/></node>
<way id="30"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/></way>
<way id="31"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/></way>
<way id="32"><nd ref="1"/><nd ref="2"/><tag k="amenity" v="parking"/></way>
<way id="33"><nd ref="1"/><nd ref="99"/><nd ref="2"/><nd ref="1"/>
  <tag k="amenity" v="parking"/></way>
<relation id="40"><member type="way" ref="30" role="outer"/>
  <member type="way" ref="31" role="inner"/><tag k="type" v="multipolygon"/>
  <tag k="amenity" v="parking"/><tag k="capacity" v="120"/></relation>
<way id="41"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
"""
    )
    report = read_osm_xml(data)
    by_id = {asset.id: asset for asset in report.assets}
    station = by_id["osm-node-20"]
    assert as_hub(station).modes == ["rail"] and station.line == 11
    area = by_id["osm-relation-40"]
    assert as_parking(area).capacity == 120
    assert area.footprint is not None and area.footprint["type"] == "Polygon"
    assert len(area.footprint["coordinates"]) == 2  # the outer ring and the hole
    assert area.lon == pytest.approx(2.3555, abs=1e-4)
    open_way = [row for row in report.rejected if row.id == "osm-way-32"]
    assert open_way and open_way[0].field == "geometry" and open_way[0].line == 15
    assert report.skipped["ways or relations with members outside the extract"] == 1
    assert report.skipped[OTHER_OBJECTS] == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<osm><node id='1'></osm>", "not well-formed XML"),
        (b"<gpx></gpx>", "root is <gpx>"),
        (b'<!DOCTYPE osm [<!ENTITY a "aaaa">]><osm>&a;</osm>', "DTD"),
        (b"\x1f\x8b\x08\x00broken", "gzip file is corrupt"),
        (b"  \n", "empty"),
    ],
)
def test_files_that_are_not_osm(data: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=message):
        read_osm_xml(data)


def test_latin1_xml_is_read_as_declared() -> None:
    data = '<?xml version="1.0" encoding="ISO-8859-1"?><osm><node id="1" lat="48.876" lon="2.358"><tag k="amenity" v="bicycle_parking"/><tag k="name" v="Gare de l\'Est é"/></node></osm>'  # noqa: E501
    report = read_osm_xml(data.encode("latin-1"))
    assert as_parking(report.assets[0]).name == "Gare de l'Est é"


def test_evse_ids_and_addresses() -> None:
    assert emi3_evse_id("FRV75EPX10134") == "FR*V75*EPX10134"
    assert emi3_evse_id("FRELCEAQKA") == "FR*ELC*EAQKA"
    assert emi3_evse_id("FRV75PPX1013") is None
    assert parse_address("64 Rue du Faubourg Poissonnière, 75010 Paris") == (
        "64 Rue du Faubourg Poissonnière",
        "75010",
        "Paris",
    )
    assert parse_address("Parking Indigo") == ("Parking Indigo", None, None)


@pytest.mark.parametrize(
    ("horaires", "expected"),
    [
        ("24/7", {"twentyfourseven": True}),
        ("Mo-Su 00:00-24:00", {"twentyfourseven": True}),
        (
            "Mo-Fr 08:00-19:00; Sa 09:00-12:00",
            [(d, "08:00", "19:00") for d in range(1, 6)] + [(6, "09:00", "12:00")],
        ),
        ("Mo-Sa 08:00-20:00; We off", [(d, "08:00", "20:00") for d in (1, 2, 4, 5, 6)]),
        ("Su 22:00-06:00", [(7, "22:00", "23:59"), (1, "00:00", "06:00")]),
        ("Mo-Fr 08:00-19:00; PH off", None),
        ("sur rendez-vous 08:00-12:00", None),
    ],
)
def test_opening_times(horaires: str, expected: object) -> None:
    result = opening_times(horaires)
    if expected is None or isinstance(expected, dict):
        assert result == expected
        return
    assert result is not None and result["twentyfourseven"] is False
    periods = [(p["weekday"], p["period_begin"], p["period_end"]) for p in result["regular_hours"]]
    assert sorted(periods) == sorted(expected)  # type: ignore[call-overload]


def _point(**overrides: object) -> ChargingPoint:
    return ChargingPoint.model_validate(charging_point_properties(**overrides))


def test_connectors_from_the_flags() -> None:
    fast = _point(
        puissance_nominale=150.0,
        prise_type_ef=True,
        prise_type_2=True,
        prise_type_combo_ccs=True,
        prise_type_chademo=True,
        cable_t2_attache=True,
    )
    plugs = {c["standard"]: c for c in connectors(fast, "2025-06-30T00:00:00Z")}
    assert plugs["IEC_62196_T2"]["format"] == "CABLE"
    assert plugs["IEC_62196_T2"]["power_type"] == "AC_3_PHASE"
    assert plugs["IEC_62196_T2"]["max_electric_power"] == 43_000
    assert plugs["IEC_62196_T2_COMBO"] | {"id": "x"} == {
        "id": "x",
        "standard": "IEC_62196_T2_COMBO",
        "format": "CABLE",
        "power_type": "DC",
        "max_voltage": 1000,
        "max_amperage": 150,
        "max_electric_power": 150_000,
        "last_updated": "2025-06-30T00:00:00Z",
    }
    assert plugs["CHADEMO"]["power_type"] == "DC"
    assert plugs["DOMESTIC_E"]["max_electric_power"] == 3_700
    assert [c["id"] for c in plugs.values()] == ["1", "2", "3", "4"]
    slow = connectors(_point(puissance_nominale=7.0, prise_type_ef=False), "t")
    assert [(c["standard"], c["format"], c["power_type"]) for c in slow] == [
        ("IEC_62196_T2", "SOCKET", "AC_1_PHASE")
    ]
    assert slow[0]["max_electric_power"] == 7_000 and slow[0]["max_voltage"] == 230


def test_points_are_grouped_by_station() -> None:
    def asset(pdc: str, station: str, day: str) -> Asset:
        point = _point(id_pdc_itinerance=pdc, id_station_itinerance=station, date_maj=day)
        return Asset(Layer.CHARGING_POINTS, pdc, "75110", 2.357, 48.876, point)

    locations = locations_from_assets(
        [
            asset("FRV75EA2", "FRV75PA", "2025-01-02"),
            asset("FRV75EA1", "FRV75PA", "2025-03-04"),
            asset("FRV75EB1", "FRV75PB", "2024-12-31"),
        ],
        city_of=lambda code: f"commune {code}",
    )
    assert [loc["id"] for loc in locations] == ["FRV75PA", "FRV75PB"]
    first = locations[0]
    assert [evse["uid"] for evse in first["evses"]] == ["FRV75EA1", "FRV75EA2"]
    assert first["last_updated"] == "2025-03-04T00:00:00Z"
    assert (first["country_code"], first["party_id"], first["country"]) == ("FR", "V75", "FRA")
    assert first["city"] == "Paris" and first["postal_code"] == "75010"
    assert first["coordinates"] == {"latitude": "48.876000", "longitude": "2.357000"}
    assert date.fromisoformat("2025-03-04")


def test_served_features_load_back_with_their_footprint() -> None:
    import json

    from mobility.formats import read_native_geojson

    ring = [[2.355, 48.875], [2.356, 48.875], [2.356, 48.876], [2.355, 48.876], [2.355, 48.875]]
    served = {
        "type": "Feature",
        "id": "p-1",
        "geometry": {"type": "Point", "coordinates": [2.3555, 48.8755]},
        "properties": {
            "kind": "car",
            "capacity": 10,
            "commune": "75110",
            "updated_at": "2026-01-01T00:00:00+00:00",
            "footprint": {"type": "Polygon", "coordinates": [ring]},
        },
    }
    broken = json.loads(json.dumps(served))
    broken["id"] = "p-2"
    broken["properties"]["footprint"] = {"type": "Polygon", "coordinates": [ring[:3]]}
    data = json.dumps({"type": "FeatureCollection", "features": [served, broken]}).encode()
    report = read_native_geojson(data)
    assert [asset.id for asset in report.assets] == ["p-1"]
    assert report.assets[0].footprint == {"type": "Polygon", "coordinates": [ring]}
    assert (report.assets[0].lon, report.assets[0].lat) == (2.3555, 48.8755)
    assert [(row.line, row.field) for row in report.rejected] == [(2, "footprint")]
