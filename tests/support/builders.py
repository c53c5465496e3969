# SPDX-License-Identifier: MIT
"""Small builders for domain objects, so tests state only what matters to them."""

from __future__ import annotations

from typing import Any

from mobility.assets import Asset, ChargingPoint, Hub, Layer, Parking
from mobility.store import CommuneRecord

# A small square in the 10e (around Gare de l'Est), and one far away (Lyon 1er).
SQUARE_75110 = (2.350, 48.870, 2.365, 48.882)
SQUARE_69381 = (4.825, 45.762, 4.840, 45.772)


def square(bounds: tuple[float, float, float, float]) -> dict[str, Any]:
    west, south, east, north = bounds
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def commune_record(
    code: str = "75110", bounds: tuple[float, float, float, float] = SQUARE_75110
) -> CommuneRecord:
    return CommuneRecord(
        code=code, name=f"Commune {code}", boundary=square(bounds), info={"notes": []}
    )


def charging_point_properties(**overrides: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "nom_amenageur": "Ville de Paris",
        "contact_operateur": "support@example.fr",
        "nom_enseigne": "Belib'",
        "id_station_itinerance": "FRV75PTEST01",
        "nom_station": "Test station",
        "implantation_station": "Voirie",
        "adresse_station": "1 rue de Test, 75010 Paris",
        "code_insee_commune": "75110",
        "nbre_pdc": 2,
        "id_pdc_itinerance": "FRV75ETEST011",
        "puissance_nominale": 22.0,
        "prise_type_ef": True,
        "prise_type_2": True,
        "prise_type_combo_ccs": False,
        "prise_type_chademo": False,
        "prise_type_autre": False,
        "paiement_acte": True,
        "condition_acces": "Accès libre",
        "reservation": False,
        "horaires": "24/7",
        "accessibilite_pmr": "Accessibilité inconnue",
        "restriction_gabarit": "aucune",
        "station_deux_roues": False,
        "date_maj": "2025-06-30",
    }
    properties.update(overrides)
    return properties


def charging_point(
    asset_id: str = "FRV75ETEST011",
    lon: float = 2.357,
    lat: float = 48.876,
    *,
    commune: str = "75110",
    **overrides: Any,
) -> Asset:
    attributes = ChargingPoint.model_validate(
        charging_point_properties(id_pdc_itinerance=asset_id, **overrides)
    )
    return Asset(Layer.CHARGING_POINTS, asset_id, commune, lon, lat, attributes)


def parking(
    asset_id: str = "p-1",
    lon: float = 2.356,
    lat: float = 48.875,
    *,
    commune: str = "75110",
    **overrides: Any,
) -> Asset:
    attributes = Parking.model_validate({"kind": "car", "capacity": 100, **overrides})
    return Asset(Layer.PARKING, asset_id, commune, lon, lat, attributes)


def hub(
    asset_id: str = "h-1",
    lon: float = 2.358,
    lat: float = 48.877,
    *,
    commune: str = "75110",
    **overrides: Any,
) -> Asset:
    attributes = Hub.model_validate({"name": "Gare de test", "modes": ["metro"], **overrides})
    return Asset(Layer.HUBS, asset_id, commune, lon, lat, attributes)


def feature(
    properties: dict[str, Any],
    lon: float = 2.357,
    lat: float = 48.876,
    feature_id: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }
    if feature_id is not None:
        body["id"] = feature_id
    return body
