# SPDX-License-Identifier: MIT
"""GeoJSON flavours: Vélib', IDFM stations, OpenStreetMap, and our own (native) attributes."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from shapely.geometry import Point, shape

from mobility.assets import Hub, Layer, Parking, is_valid_feature_id
from mobility.errors import UnsupportedFormatError
from mobility.formats import (
    read_asset_file,
    read_idfm_geojson,
    read_native_geojson,
    read_osm_geojson,
    read_velib_geojson,
)
from mobility.formats.geojson_idfm import french_title
from mobility.formats.report import ParsedAsset, ReadReport
from mobility.geo import to_metric, to_wire
from tests.mobility.formats.conftest import (
    IDFM_PARIS,
    IDFM_SGL,
    OSM_BIKE,
    OSM_PARKING,
    PARIS_IRVE,
    VELIB,
    as_hub,
    as_parking,
    feature_collection,
    point_feature,
)


def _by_id(report: ReadReport) -> dict[str, ParsedAsset]:
    return {asset.id: asset for asset in report.assets}


def _only_problem(report: ReadReport) -> Any:
    assert len(report.rejected) == 1, report.rejected
    return report.rejected[0]


SQUARE = {  # about 100 m × 100 m near Gare du Nord
    "type": "Polygon",
    "coordinates": [
        [
            [2.3540, 48.8800],
            [2.3554, 48.8800],
            [2.3554, 48.8809],
            [2.3540, 48.8809],
            [2.3540, 48.8800],
        ]
    ],
}


# --- Vélib' -------------------------------------------------------------------------------


def test_velib_stations() -> None:
    report = read_velib_geojson(VELIB.read_bytes())
    assert report.format == "geojson-velib"
    assert (report.rows_read, len(report.assets), report.rejected) == (123, 123, [])
    assert all(asset.layer == Layer.HUBS for asset in report.assets)
    first = report.assets[0]
    assert first.id == "velib-20143"
    assert first.line == 1
    hub = first.attributes
    assert isinstance(hub, Hub)
    assert hub.name == "Ramponeau - Belleville"
    assert hub.modes == ["bike_share"]
    assert hub.capacity == 44
    assert (hub.source, hub.source_id, hub.operator) == ("velib", "20143", None)
    assert sum(as_hub(asset).capacity or 0 for asset in report.assets) == 3705


@pytest.mark.parametrize(
    ("properties", "field", "expected"),
    [
        ({"stationcode": "1", "name": "A", "capacity": "abc"}, "capacity", "not a whole number"),
        ({"stationcode": "1", "name": "A", "capacity": -5}, "capacity", "greater than or equal"),
        ({"stationcode": "1", "name": "A", "capacity": 2.5}, "capacity", "not a whole number"),
        ({"stationcode": None, "name": "A", "capacity": 3}, "stationcode", "no stationcode"),
        ({"stationcode": "1", "name": " ", "capacity": 3}, "name", "no name"),
    ],
)
def test_velib_bad_values(properties: dict[str, Any], field: str, expected: str) -> None:
    good = point_feature({"stationcode": "2", "name": "B", "capacity": "12"})
    report = read_velib_geojson(feature_collection(point_feature(properties), good))
    problem = _only_problem(report)
    assert (problem.line, problem.field) == (1, field)
    assert expected in problem.reason
    assert [asset.id for asset in report.assets] == ["velib-2"]
    assert as_hub(report.assets[0]).capacity == 12


def test_velib_duplicate_station() -> None:
    data = feature_collection(
        point_feature({"stationcode": "7", "name": "Old", "capacity": 10}),
        point_feature({"stationcode": "7", "name": "New", "capacity": 12}),
    )
    report = read_velib_geojson(data)
    assert report.duplicate_ids == ["velib-7"]
    assert [as_hub(asset).name for asset in report.assets] == ["New"]
    assert _only_problem(report).line == 1


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        (None, "no geometry"),
        ({"type": "Point", "coordinates": ["2.35", "48.87"]}, "two numbers"),
        ({"type": "Point", "coordinates": [2.35]}, "[longitude, latitude]"),
        ({"type": "Point", "coordinates": [48.8785, 2.3522]}, "look swapped"),
        ({"type": "Point", "coordinates": [-0.1276, 51.9]}, "outside metropolitan France"),
        ({"type": "LineString", "coordinates": [[2.35, 48.87], [2.36, 48.88]]}, "not supported"),
        ({"coordinates": [2.35, 48.87]}, "not a GeoJSON geometry"),
        (
            {"type": "Polygon", "coordinates": [[[2.35, 48.87], [2.36, 48.87], [2.36, 48.88]]]},
            "at least 4 positions",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[2.35, 48.87], [2.36, 48.88], [2.36, 48.87], [2.35, 48.88], [2.35, 48.87]]
                ],
            },
            "not valid: Self-intersection",
        ),
    ],
)
def test_bad_geometry_refuses_the_feature(geometry: Any, expected: str) -> None:
    feature = {
        "type": "Feature",
        "properties": {"stationcode": "1", "name": "A", "capacity": 3},
        "geometry": geometry,
    }
    report = read_velib_geojson(feature_collection(feature))
    problem = _only_problem(report)
    assert (problem.line, problem.id, problem.field) == (1, "velib-1", "geometry")
    assert expected in problem.reason
    assert report.assets == []


# --- IDFM ---------------------------------------------------------------------------------


def test_idfm_paris_grouped_into_stop_areas() -> None:
    report = read_idfm_geojson(IDFM_PARIS.read_bytes())
    assert report.format == "geojson-idfm"
    assert report.rows_read == 55
    assert len(report.assets) == 29  # 55 station-line points, 29 stop areas
    assert report.rejected == []
    assert report.skipped == {}
    hubs = _by_id(report)
    gare_du_nord = hubs["idfm-43233"]
    hub = gare_du_nord.attributes
    assert isinstance(hub, Hub)
    assert hub.name == "Gare du Nord"
    assert set(hub.modes) == {"metro", "rer", "rail"}
    assert set(hub.lines) == {"M4", "M5", "RER B", "RER D", "LIGNE K", "LIGNE H"}
    assert hub.operator == "RATP, SNCF"
    assert (hub.source, hub.source_id) == ("idfm", "43233")
    points = [
        f["geometry"]["coordinates"]
        for f in json.loads(IDFM_PARIS.read_bytes())["features"]
        if f["properties"]["ID_REF_ZDL"] == 43233
    ]
    assert len(points) == 6
    assert gare_du_nord.lon == pytest.approx(sum(p[0] for p in points) / 6)
    assert gare_du_nord.lat == pytest.approx(sum(p[1] for p in points) / 6)
    gare_de_l_est = as_hub(hubs["idfm-43138"])
    assert gare_de_l_est.name == "Gare de l'Est"
    assert set(gare_de_l_est.lines) == {"M4", "M5", "M7", "LIGNE P"}
    assert as_hub(hubs["idfm-58572"]).name == "Magenta"
    assert as_hub(hubs["idfm-58572"]).modes == ["rer"]
    republique = as_hub(hubs["idfm-44617"])
    assert republique.lines == ["M3", "M5", "M8", "M9", "M11"]
    assert all(is_valid_feature_id(asset.id) for asset in report.assets)


def test_idfm_saint_germain() -> None:
    report = read_idfm_geojson(IDFM_SGL.read_bytes())
    assert (report.rows_read, len(report.assets), report.rejected) == (10, 8, [])
    hubs = {as_hub(asset).name: as_hub(asset) for asset in report.assets}
    assert hubs["Saint-Germain-en-Laye"].modes == ["rer"]
    assert hubs["Saint-Germain-en-Laye"].operator == "RATP"
    assert hubs["Achères-Ville"].modes == ["rail", "rer"]
    assert hubs["Achères-Ville"].lines == ["LIGNE L", "RER A"]
    assert "La Frette-Montigny" in hubs


def _idfm_point(**properties: Any) -> dict[str, Any]:
    base = {"ID_REF_ZDL": None, "NOM_GARE": "X", "MODE_": "Metro", "RES_COM": "M1"}
    return point_feature({**base, **properties})


def test_idfm_fallbacks_and_unknown_modes() -> None:
    data = feature_collection(
        _idfm_point(NOM_GARE="PONT DE NEUILLY", RES_COM="M1"),
        _idfm_point(NOM_GARE="Pont de Neuilly", MODE_="Tramway", RES_COM="T2"),
        _idfm_point(NOM_GARE="Orly", MODE_="VAL", RES_COM="ORLYVAL", ID_REF_ZDL=1.0),
        _idfm_point(NOM_GARE="Téléval", MODE_="Câble", RES_COM="C1", ID_REF_ZDL=2.0),
        _idfm_point(NOM_GARE="Flags", MODE_=None, RER=1.0, RES_COM="RER A", ID_REF_ZDL=3.0),
        _idfm_point(NOM_GARE=None, ID_REF_ZDL=None),
    )
    report = read_idfm_geojson(data)
    hubs = _by_id(report)
    assert set(hubs) == {"idfm-name-pont-de-neuilly", "idfm-1", "idfm-3"}
    neuilly = as_hub(hubs["idfm-name-pont-de-neuilly"])
    assert neuilly.name == "Pont de Neuilly"
    assert neuilly.modes == ["metro", "tram"]
    assert neuilly.lines == ["M1", "T2"]
    assert as_hub(hubs["idfm-1"]).modes == ["metro"]
    assert as_hub(hubs["idfm-3"]).modes == ["rer"]
    assert report.skipped == {"MODE_=Câble: no hub mode matches": 1}
    problem = _only_problem(report)
    assert (problem.line, problem.field) == (6, "ID_REF_ZDL")


@pytest.mark.parametrize(
    ("raw", "nice"),
    [
        ("GARE DU NORD", "Gare du Nord"),
        ("GARE DE L'EST", "Gare de l'Est"),
        ("SAINT-GERMAIN-EN-LAYE", "Saint-Germain-en-Laye"),
        ("LA FRETTE-MONTIGNY", "La Frette-Montigny"),
        ("ACHÈRES-GRAND-CORMIER", "Achères-Grand-Cormier"),
        ("CHÂTEAU D'EAU", "Château d'Eau"),
        ("Château d'Eau", "Château d'Eau"),
    ],
)
def test_french_title(raw: str, nice: str) -> None:
    assert french_title(raw) == nice


# --- OpenStreetMap ------------------------------------------------------------------------


def test_osm_parking_file() -> None:
    report = read_osm_geojson(OSM_PARKING.read_bytes())
    assert report.format == "geojson-osm"
    assert report.rows_read == 26
    assert report.rejected == []
    assert report.skipped == {"parking_entrance: an entrance, not a facility": 3}
    assert len(report.assets) == 23
    assert all(isinstance(asset.attributes, Parking) for asset in report.assets)
    assert Counter(as_parking(asset).kind for asset in report.assets) == {"car": 23}
    spaces = [a for a in report.assets if as_parking(a).name is None]
    assert len(spaces) == 20  # the parking_space nodes: one space each (OSM's default)
    assert all(as_parking(a).capacity == 1 for a in spaces)
    liszt = as_parking(_by_id(report)["osm-node-815040967"])
    assert liszt == Parking(
        kind="car",
        name="Franz Liszt",
        capacity=265,
        access="public",
        fee=True,
        placement="underground",
        operator="Vinci Park",
        source="osm",
        source_id="node/815040967",
    )
    free_space = as_parking(_by_id(report)["osm-node-2551682393"])
    assert (free_space.access, free_space.fee) == ("public", False)


def test_osm_polygon_becomes_centroid_with_footprint() -> None:
    report = read_osm_geojson(OSM_PARKING.read_bytes())
    asset = _by_id(report)["osm-relation-6056803"]
    assert as_parking(asset).name == "Paris Gare du Nord"
    assert asset.footprint is not None and asset.footprint["type"] == "Polygon"
    outline = shape(asset.footprint)
    expected = to_wire(to_metric(outline).centroid)
    assert (asset.lon, asset.lat) == pytest.approx((expected.x, expected.y), abs=1e-9)
    # the car park is L-shaped: its centroid lies in its bounding box, not necessarily inside
    assert outline.envelope.contains(Point(asset.lon, asset.lat))


def test_osm_bike_and_moto_file() -> None:
    report = read_osm_geojson(OSM_BIKE.read_bytes())
    assert (report.rows_read, len(report.assets), report.rejected) == (81, 81, [])
    kinds = Counter(
        asset.attributes.kind if isinstance(asset.attributes, Parking) else "hub"
        for asset in report.assets
    )
    assert kinds == {"bicycle": 63, "motorcycle": 9, "hub": 9}
    hubs = [a for a in report.assets if a.layer == Layer.HUBS]
    assert all(as_hub(a).modes == ["bike_share"] for a in hubs)
    rental = as_hub(_by_id(report)["osm-node-428508903"])
    assert (rental.name, rental.capacity, rental.operator) == (
        "Gare du Nord - Dunkerque",
        29,
        "Smovengo",
    )
    shed = as_parking(_by_id(report)["osm-node-8579347750"])
    assert (shed.kind, shed.access, shed.covered) == ("bicycle", "private", True)
    way = _by_id(report)["osm-way-204870200"]
    assert way.footprint is not None
    assert as_parking(way).placement == "surface"


def _osm(tags: dict[str, Any], *, osm_id: int = 1, geometry: Any = None) -> dict[str, Any]:
    feature = point_feature({"element": "node", "id": osm_id, **tags})
    if geometry is not None:
        feature["geometry"] = geometry
    return feature


@pytest.mark.parametrize(
    ("tags", "field", "expected"),
    [
        ({"amenity": "parking", "capacity": "abc"}, "capacity", "not a whole number"),
        ({"amenity": "parking", "capacity": "-3"}, "capacity", "greater than or equal to 0"),
        (
            {"amenity": "parking", "capacity": "3", "capacity:charging": "5"},
            "capacity:charging",
            "exceeds capacity",
        ),
        ({"amenity": "parking", "capacity:disabled": "many"}, "capacity:disabled", "whole number"),
        ({"amenity": "bicycle_rental", "capacity": "10"}, "name", "neither a name nor a ref"),
    ],
)
def test_osm_bad_values(tags: dict[str, str], field: str, expected: str) -> None:
    report = read_osm_geojson(
        feature_collection(_osm(tags), _osm({"amenity": "parking"}, osm_id=2))
    )
    problem = _only_problem(report)
    assert (problem.line, problem.id, problem.field) == (1, "osm-node-1", field)
    assert expected in problem.reason
    assert [asset.id for asset in report.assets] == ["osm-node-2"]


def test_osm_parking_tags() -> None:
    tags = {
        "amenity": "parking",
        "capacity": "40",
        "capacity:charging": "4",
        "capacity:disabled": "no",
        "access": "customers",
        "fee": "no",
        "parking": "multi-storey",
        "name": "Centre",
        "wheelchair": "yes",  # unknown tags are ignored
    }
    spaces = {"amenity": "parking_space", "parking_space": "disabled", "parking": "lane"}
    report = read_osm_geojson(feature_collection(_osm(tags), _osm(spaces, osm_id=2)))
    assert report.rejected == []
    car_park, space = (as_parking(asset) for asset in report.assets)
    assert (car_park.ev_ready_spaces, car_park.pmr_spaces) == (4, 0)
    assert (car_park.access, car_park.fee, car_park.placement) == (
        "customers",
        False,
        "multi_storey",
    )
    assert (space.capacity, space.pmr_spaces, space.placement) == (1, 1, "street")


def test_osm_transport_hubs_and_skips() -> None:
    data = feature_collection(
        _osm({"public_transport": "station", "railway": "station", "name": "Gare"}, osm_id=1),
        _osm({"railway": "station", "station": "subway", "name": "Métro"}, osm_id=2),
        _osm({"highway": "bus_stop", "name": "Arrêt", "route_ref": "26;38"}, osm_id=3),
        _osm({"public_transport": "stop_position", "bus": "yes", "name": "S"}, osm_id=4),
        _osm({"public_transport": "platform", "name": "Quai"}, osm_id=5),
        _osm({"amenity": "charging_station", "name": "Borne"}, osm_id=6),
        _osm({"amenity": "bench"}, osm_id=7),
        _osm({"shop": "bakery"}, osm_id=8),
        _osm({"railway": "station", "train": "yes", "network": "RER;Transilien"}, osm_id=9),
        _osm({"public_transport": "station", "tram": "yes", "name": "Tram"}, osm_id=10),
        _osm({"amenity": "parking_entrance"}, osm_id=11),
    )
    report = read_osm_geojson(data)
    modes = {asset.id: as_hub(asset).modes for asset in report.assets}
    assert modes == {
        "osm-node-1": ["rail"],
        "osm-node-2": ["metro"],
        "osm-node-3": ["bus"],
        "osm-node-10": ["tram"],
    }
    assert as_hub(_by_id(report)["osm-node-3"]).lines == ["26", "38"]
    assert report.skipped == {
        "public_transport=stop_position: the platform or station is the hub": 1,
        "public_transport=platform: no mode tag (train, subway, tram, bus...)": 1,
        "charging_station without a stated power (socket:*:output): IRVE needs one": 1,
        "amenity=bench: not a parking, hub or charging point": 1,
        "no amenity or public transport tag this reader imports": 1,
        "parking_entrance: an entrance, not a facility": 1,
    }
    problem = _only_problem(report)  # the RER station has neither name nor ref
    assert (problem.line, problem.field) == (9, "name")


def test_osm_rer_from_network() -> None:
    tags = {"railway": "station", "name": "Gare", "network": "RER;Transilien"}
    report = read_osm_geojson(feature_collection(_osm(tags)))
    assert as_hub(report.assets[0]).modes == ["rail", "rer"]
    tags["network"] = "RER"
    report = read_osm_geojson(feature_collection(_osm(tags)))
    assert as_hub(report.assets[0]).modes == ["rer"]


def test_osm_ids() -> None:
    overpass = point_feature({"@id": "way/42", "amenity": "parking"})
    by_feature_id = {**point_feature({"amenity": "parking"}), "id": "relation/7"}
    anonymous = point_feature({"amenity": "parking"})
    report = read_osm_geojson(feature_collection(overpass, by_feature_id, anonymous))
    assert [asset.id for asset in report.assets] == ["osm-way-42", "osm-relation-7"]
    assert as_parking(report.assets[0]).source_id == "way/42"
    problem = _only_problem(report)
    assert (problem.line, problem.field) == (3, "id")


def test_osm_polygon_feature() -> None:
    report = read_osm_geojson(
        feature_collection(_osm({"amenity": "parking", "capacity": "30"}, geometry=SQUARE))
    )
    asset = report.assets[0]
    assert asset.footprint == SQUARE
    assert asset.lon == pytest.approx(2.3547, abs=1e-6)
    assert asset.lat == pytest.approx(48.88045, abs=1e-6)


def test_osm_multipolygon_feature() -> None:
    geometry = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}
    report = read_osm_geojson(feature_collection(_osm({"amenity": "parking"}, geometry=geometry)))
    assert report.assets[0].footprint == geometry


# --- whole-file problems ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (json.dumps(point_feature({"amenity": "parking"})).encode(), "a GeoJSON Feature, not a"),
        (b"[1, 2]", "a JSON list, not a GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection"}', "no 'features' array"),
        (b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
        ('{"name": "é"}'.encode("latin-1"), "not UTF-8"),
        (b"", "empty"),
        (
            b'{"type": "FeatureCollection", "features": [], "crs": {"type": "name", '
            b'"properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}}',
            "Reproject the file to EPSG:4326",
        ),
    ],
)
def test_not_a_feature_collection(data: bytes, expected: str) -> None:
    with pytest.raises(UnsupportedFormatError) as caught:
        read_osm_geojson(data)
    assert expected in caught.value.message


def test_malformed_items_refused_one_by_one() -> None:
    data = feature_collection(
        {"type": "Point", "coordinates": [2.35, 48.87]},  # a geometry, not a feature
        {"type": "Feature", "properties": [1], "geometry": None},
        _osm({"amenity": "parking"}),
    )
    report = read_osm_geojson(data)
    assert [(p.line, p.field) for p in report.rejected] == [(1, "feature"), (2, "properties")]
    assert len(report.assets) == 1
    assert report.rows_read == 3


# --- native -------------------------------------------------------------------------------


def _as_geojson(assets: list[ParsedAsset]) -> bytes:
    return feature_collection(
        *(
            {
                "type": "Feature",
                "id": asset.id,
                "properties": asset.attributes.model_dump(mode="json"),
                "geometry": asset.footprint
                or {"type": "Point", "coordinates": [asset.lon, asset.lat]},
            }
            for asset in assets
        )
    )


@pytest.mark.parametrize(
    ("path", "layer"),
    [(PARIS_IRVE, Layer.CHARGING_POINTS), (OSM_BIKE, Layer.PARKING), (VELIB, Layer.HUBS)],
)
def test_native_round_trip(path: Any, layer: Layer) -> None:
    source = read_asset_file(path.read_bytes())
    assets = [asset for asset in source.assets if asset.layer == layer]
    report = read_asset_file(_as_geojson(assets))
    assert report.format == "geojson-native"
    assert report.rejected == []
    assert [(a.id, a.layer, a.attributes, a.footprint) for a in report.assets] == [
        (a.id, a.layer, a.attributes, a.footprint) for a in assets
    ]
    points = [value for a in report.assets for value in (a.lon, a.lat)]
    assert points == pytest.approx([v for a in assets for v in (a.lon, a.lat)], abs=1e-9)


def test_native_unknown_property_and_missing_id() -> None:
    data = feature_collection(
        point_feature({"kind": "car", "capacity": 3, "colour": "red"}),
        point_feature({"kind": "car", "capacity": 3}),
        {**point_feature({"kind": "car", "source": "survey", "source_id": "P 12"})},
    )
    report = read_native_geojson(data, layer=Layer.PARKING)
    assert [(p.line, p.field) for p in report.rejected] == [(1, "colour"), (2, "id")]
    assert [asset.id for asset in report.assets] == ["survey-p-12"]


def test_native_layer_cannot_be_inferred() -> None:
    data = feature_collection(point_feature({"capacity": 3}))
    with pytest.raises(UnsupportedFormatError, match="Cannot tell which layer"):
        read_native_geojson(data)
    with pytest.raises(UnsupportedFormatError, match="match no known kind"):
        read_asset_file(data)
    report = read_asset_file(data, layer=Layer.PARKING)  # the caller says: validated as parking
    assert [(p.line, p.field) for p in report.rejected] == [(1, "kind")]
