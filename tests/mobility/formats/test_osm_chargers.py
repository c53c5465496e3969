# SPDX-License-Identifier: MIT
"""OSM ``amenity=charging_station`` → IRVE records: a station worked out by hand, bad tags."""

from __future__ import annotations

from datetime import date
from typing import Any

from mobility.assets import ChargingPoint, Layer
from mobility.formats.geojson_osm import read_osm_geojson
from mobility.formats.osm_chargers import NO_DATE, NO_POWER, UNKNOWN
from tests.mobility.formats.conftest import feature_collection

MAGENTA = {
    "amenity": "charging_station",
    "name": "Belib' Magenta",
    "operator": "Belib'",
    "capacity": "2",
    "socket:type2": "2",
    "socket:type2:output": "22 kW",
    "socket:type2_combo": "1",
    "socket:type2_combo:output": "50 kW",
    "socket:chademo": "no",
    "access": "yes",
    "fee": "yes",
    "payment:credit_cards": "yes",
    "wheelchair": "yes",
    "addr:housenumber": "12",
    "addr:street": "Boulevard de Magenta",
    "addr:postcode": "75010",
    "addr:city": "Paris",
    "check_date": "2024-05-02",
}


def _station(tags: dict[str, Any], osm_id: int = 42, stamp: str | None = None) -> dict[str, Any]:
    properties = {**tags, "@id": f"node/{osm_id}"}
    if stamp is not None:
        properties["@timestamp"] = stamp
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [2.3589, 48.8762]},
        "properties": properties,
    }


def test_a_station_gives_the_record_worked_out_by_hand() -> None:
    report = read_osm_geojson(feature_collection(_station(MAGENTA, stamp="2023-01-09T08:00:00Z")))
    assert report.rejected == [] and report.skipped == {}
    (asset,) = report.assets
    assert (asset.layer, asset.id, asset.lon, asset.lat) == (
        Layer.CHARGING_POINTS,
        "local-osm-node-42",
        2.3589,
        48.8762,
    )
    point = asset.attributes
    assert isinstance(point, ChargingPoint)
    assert point.feature_id == asset.id  # the id is the point's own local id
    assert point.model_dump(include=set(_EXPECTED)) == _EXPECTED


_EXPECTED: dict[str, Any] = {
    "puissance_nominale": 50.0,  # the highest output of the sockets present
    "nbre_pdc": 2,  # capacity, not the 3 sockets
    "prise_type_2": True,
    "prise_type_combo_ccs": True,
    "prise_type_chademo": False,  # socket:chademo=no
    "prise_type_ef": False,
    "prise_type_autre": False,
    "cable_t2_attache": None,
    "nom_operateur": "Belib'",
    "nom_enseigne": "Belib'",
    "contact_operateur": UNKNOWN,
    "nom_station": "Belib' Magenta",
    "id_station_local": "osm:node/42",
    "id_station_itinerance": "Non concerné",
    "id_pdc_local": "osm-node-42",
    "id_pdc_itinerance": "Non concerné",
    "implantation_station": "Voirie",
    "adresse_station": "12 Boulevard de Magenta, 75010 Paris",
    "condition_acces": "Accès libre",
    "gratuit": False,
    "paiement_acte": True,
    "reservation": False,
    "horaires": "24/7",
    "accessibilite_pmr": "Accessible mais non réservé PMR",
    "restriction_gabarit": UNKNOWN,
    "station_deux_roues": False,
    "date_maj": date(2024, 5, 2),  # check_date wins over the edit timestamp
}


def test_other_sockets_watts_customers_and_the_edit_date() -> None:
    tags = {
        "amenity": "charging_station",
        "socket:type2_cable": "yes",
        "socket:type2_cable:output": "3700 W",
        "socket:tesla_destination": "1",
        "access": "customers",
        "fee": "no",
        "maxheight": "2.1",
        "ref:EU:EVSE": "FR*ABC*P1234",
    }
    report = read_osm_geojson(feature_collection(_station(tags, 7, "2023-01-09T08:00:00Z")))
    point = report.assets[0].attributes
    assert isinstance(point, ChargingPoint)
    assert point.puissance_nominale == 3.7
    assert (point.prise_type_2, point.cable_t2_attache, point.prise_type_autre) == (True,) * 3
    assert point.nbre_pdc == 1  # a count of "yes" is unknown, so one point at least
    assert point.implantation_station == "Parking privé réservé à la clientèle"
    assert point.condition_acces == "Accès réservé" and point.gratuit is True
    assert point.restriction_gabarit == "hauteur maximale 2.1"
    assert point.id_station_itinerance == "FRABCP1234"
    assert point.nom_station == "Station (osm:node/7)"
    assert point.date_maj == date(2023, 1, 9)


def test_unparseable_tags_refuse_the_station_naming_the_tag() -> None:
    fast = {**MAGENTA, "socket:type2:output": "fast"}
    many = {**MAGENTA, "capacity": "many"}
    lots = {**MAGENTA, "socket:type2": "lots"}
    report = read_osm_geojson(
        feature_collection(_station(fast, 1), _station(many, 2), _station(lots, 3))
    )
    assert report.assets == []
    refused = {(row.id, row.field) for row in report.rejected}
    assert refused == {
        ("local-osm-node-1", "socket:type2:output"),
        ("local-osm-node-2", "capacity"),
        ("local-osm-node-3", "socket:type2"),
    }


def test_a_station_without_power_or_date_is_skipped_and_counted() -> None:
    no_power = {"amenity": "charging_station", "socket:type2": "2", "check_date": "2024-01-01"}
    no_date = {key: value for key, value in MAGENTA.items() if key != "check_date"}
    report = read_osm_geojson(feature_collection(_station(no_power, 1), _station(no_date, 2)))
    assert report.assets == [] and report.rejected == []
    assert report.skipped == {NO_POWER: 1, NO_DATE: 1}
