# SPDX-License-Identifier: MIT
"""OpenStreetMap objects exported as GeoJSON (tags as string properties) into parking and hubs.

The feature must say which OSM object it is: ``element`` (node, way, relation) and ``id``
properties, or an ``@id`` such as ``way/123`` (Overpass turbo), or a feature ``id`` of that form.
The asset id is ``osm-<element>-<id>`` and ``source_id`` is ``<element>/<id>``. Polygons give
their Lambert-93 centroid and keep the outline as the footprint. Unknown tags are ignored, and so
are unknown values of known tags (an ``access=delivery`` leaves ``access`` unknown); values that
should be counts but are not (``capacity=abc``) refuse the feature with the tag named.

What is imported, checked in this order (``amenity`` wins over transport tags, so a car park
tagged ``public_transport=station`` stays a car park):

* ``amenity=parking`` and ``parking_space`` → parking ``car``; ``bicycle_parking`` → ``bicycle``
  (``covered`` kept); ``motorcycle_parking`` → ``motorcycle``. ``capacity`` → capacity (a
  ``parking_space`` without it is one space, as OSM defines it); ``capacity:charging`` →
  ``ev_ready_spaces`` and ``capacity:disabled`` → ``pmr_spaces`` (``no`` is 0, ``yes`` is an
  unknown count); a ``parking_space=charging`` or ``disabled`` counts its capacity there.
  ``access`` yes/permissive → public, customers → customers, private/no → private; ``fee``
  yes/no; ``parking`` underground, surface, street_side/lane/on_street → street, multi-storey →
  multi_storey, rooftop;
* ``amenity=bicycle_rental`` → hub ``bike_share``, ``car_sharing`` → ``car_share``,
  ``bus_station`` → ``bus``, with ``capacity`` and ``operator`` (else ``network``);
* ``public_transport=station|platform``, ``railway=station|halt|tram_stop`` and
  ``highway=bus_stop`` → a hub whose modes come only from explicit tags: ``subway=yes`` or
  ``station=subway`` → metro; ``tram=yes``, ``light_rail=yes``, ``station=light_rail|tram`` or
  ``railway=tram_stop`` → tram; ``bus=yes``, ``trolleybus=yes`` or ``highway=bus_stop`` → bus;
  ``train=yes``, ``station=train``, or a ``railway=station|halt`` with no other mode → rail, and
  ``rer`` instead of (or besides) rail when ``network`` lists an RER. Lines come from
  ``route_ref`` (``;``-separated). A transport object with no mode tag is skipped, not guessed.
  ``public_transport=stop_position`` is skipped: it is where vehicles halt on the track, mapped
  beside the platform or station that the hub already stands for; importing both would count
  every stop twice;
* ``amenity=charging_station`` → a charging point, its IRVE record built from the tags by
  :mod:`mobility.formats.osm_chargers` (id ``local-osm-node-123``); a station stating no power
  or no date is skipped and counted;
* skipped and counted in the report: ``parking_entrance`` (an entrance, not a facility), any
  other ``amenity``, and features with none of these tags.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from mobility.assets import HUB_MODES, ChargingPoint, Hub, HubMode, Layer, Parking, ParkingKind
from mobility.formats.geojson_common import (
    iter_features,
    load_feature_collection,
    locate,
    reject_validation,
    text,
    whole_number,
)
from mobility.formats.geometry import FeatureProblem
from mobility.formats.osm_chargers import Skipped, charger_id, charging_point
from mobility.formats.report import ParsedAsset, ReadReport, ReportBuilder

OSM_FORMAT = "geojson-osm"
OSM_PROPERTIES = frozenset({"amenity", "public_transport", "railway", "highway"})
"""Property names (OSM keys) that identify this flavour."""

PARKING_KINDS: dict[str, ParkingKind] = {
    "parking": "car",
    "parking_space": "car",
    "bicycle_parking": "bicycle",
    "motorcycle_parking": "motorcycle",
}
HUB_AMENITIES: dict[str, HubMode] = {
    "bicycle_rental": "bike_share",
    "car_sharing": "car_share",
    "bus_station": "bus",
}
SKIPPED_AMENITIES = {"parking_entrance": "parking_entrance: an entrance, not a facility"}
CHARGER = "charging_station"
ACCESS = {
    "yes": "public",
    "permissive": "public",
    "customers": "customers",
    "private": "private",
    "no": "private",
}
PLACEMENT = {
    "underground": "underground",
    "surface": "surface",
    "street_side": "street",
    "lane": "street",
    "on_street": "street",
    "multi-storey": "multi_storey",
    "rooftop": "rooftop",
}
YES_NO = {"yes": True, "no": False}

STOP_POSITION_SKIP = "public_transport=stop_position: the platform or station is the hub"
_ELEMENTS = {"node": "node", "way": "way", "relation": "relation", "n": "node", "w": "way"}
_ELEMENTS |= {"r": "relation"}
_OSM_REF = re.compile(r"(node|way|relation)/(\d+)")
_PARKING_RENAMES = {
    "ev_ready_spaces": "capacity:charging",
    "pmr_spaces": "capacity:disabled",
    "placement": "parking",
}


def _tag(tags: dict[str, Any], key: str) -> str | None:
    value = text(tags.get(key))
    return value.lower() if value is not None else None


def osm_reference(feature: dict[str, Any]) -> tuple[str, str] | None:
    """Return ``(asset id, source id)``, e.g. ``("osm-node-815040967", "node/815040967")``."""
    properties = feature["properties"]
    element = _ELEMENTS.get(_tag(properties, "element") or _tag(properties, "osm_type") or "")
    number = text(properties.get("id"))
    if element is None or number is None or not number.isdigit():
        for candidate in (properties.get("@id"), feature.get("id")):
            match = _OSM_REF.fullmatch(str(candidate).strip()) if candidate is not None else None
            if match is not None:
                element, number = match[1], match[2]
                break
        else:
            return None
    return f"osm-{element}-{number}", f"{element}/{number}"


def _spaces(tags: dict[str, Any], key: str) -> int | None:
    value = _tag(tags, key)
    if value == "yes":
        return None  # some spaces, count unknown
    if value == "no":
        return 0
    return whole_number(value, key)


def _parking(tags: dict[str, Any], kind: ParkingKind, source_id: str) -> Parking:
    amenity = _tag(tags, "amenity")
    capacity = whole_number(tags.get("capacity"), "capacity")
    if amenity == "parking_space" and capacity is None:
        capacity = 1
    ev_ready = _spaces(tags, "capacity:charging")
    pmr = _spaces(tags, "capacity:disabled")
    space_type = _tag(tags, "parking_space")
    if space_type == "charging" and ev_ready is None:
        ev_ready = capacity
    if space_type == "disabled" and pmr is None:
        pmr = capacity
    return Parking.model_validate(
        {
            "kind": kind,
            "name": text(tags.get("name")),
            "capacity": capacity,
            "ev_ready_spaces": ev_ready,
            "pmr_spaces": pmr,
            "access": ACCESS.get(_tag(tags, "access") or ""),
            "fee": YES_NO.get(_tag(tags, "fee") or ""),
            "placement": PLACEMENT.get(_tag(tags, "parking") or ""),
            "covered": YES_NO.get(_tag(tags, "covered") or ""),
            "operator": text(tags.get("operator")),
            "source": "osm",
            "source_id": source_id,
        }
    )


def _transport_label(tags: dict[str, Any]) -> str | None:
    public_transport = _tag(tags, "public_transport")
    if public_transport in {"station", "platform", "stop_position"}:
        return f"public_transport={public_transport}"
    railway = _tag(tags, "railway")
    if railway in {"station", "halt", "tram_stop"}:
        return f"railway={railway}"
    if _tag(tags, "highway") == "bus_stop":
        return "highway=bus_stop"
    return None


def transport_modes(tags: dict[str, Any]) -> list[HubMode]:
    """Return the modes a transport object's tags state explicitly, in ``HUB_MODES`` order."""
    station = _tag(tags, "station")
    railway = _tag(tags, "railway")
    modes: set[HubMode] = set()
    if _tag(tags, "subway") == "yes" or station == "subway":
        modes.add("metro")
    if (
        _tag(tags, "tram") == "yes"
        or _tag(tags, "light_rail") == "yes"
        or station in {"light_rail", "tram"}
        or railway == "tram_stop"
    ):
        modes.add("tram")
    if (
        _tag(tags, "bus") == "yes"
        or _tag(tags, "trolleybus") == "yes"
        or _tag(tags, "highway") == "bus_stop"
    ):
        modes.add("bus")
    if (
        _tag(tags, "train") == "yes"
        or station == "train"
        or (railway in {"station", "halt"} and not modes)
    ):
        networks = [part.strip().upper() for part in (text(tags.get("network")) or "").split(";")]
        rer = [part for part in networks if part.startswith("RER")]
        if rer:
            modes.add("rer")
        if len(rer) < len([part for part in networks if part]) or not rer:
            modes.add("rail")
    return [mode for mode in HUB_MODES if mode in modes]


def _hub(tags: dict[str, Any], modes: list[HubMode], source_id: str, *, amenity_hub: bool) -> Hub:
    name = text(tags.get("name")) or text(tags.get("ref"))
    if name is None:
        raise FeatureProblem("name", "The hub has neither a name nor a ref tag.")
    lines = [part.strip() for part in (text(tags.get("route_ref")) or "").split(";")]
    operator = text(tags.get("operator"))
    if amenity_hub and operator is None:
        operator = text(tags.get("network"))
    return Hub.model_validate(
        {
            "name": name,
            "modes": modes,
            "lines": [line for line in lines if line],
            "capacity": whole_number(tags.get("capacity"), "capacity") if amenity_hub else None,
            "operator": operator,
            "source": "osm",
            "source_id": source_id,
        }
    )


def read_osm_geojson(
    data: bytes, *, source_name: str = "", layer: Layer | None = None
) -> ReadReport:
    """Read an OSM GeoJSON export into parking and hubs (see the module docstring).

    With ``layer``, features of the other layer are skipped and counted.
    """
    return osm_from_features(load_feature_collection(data), source_name=source_name, layer=layer)


def _classify(tags: dict[str, Any]) -> tuple[Layer | None, str]:
    """Return the layer a feature goes to (``None``: skipped) and the reason or kind label."""
    amenity = _tag(tags, "amenity")
    if amenity in PARKING_KINDS:
        return Layer.PARKING, f"amenity={amenity}"
    if amenity in HUB_AMENITIES:
        return Layer.HUBS, f"amenity={amenity}"
    if amenity == CHARGER:
        return Layer.CHARGING_POINTS, f"amenity={amenity}"
    if amenity in SKIPPED_AMENITIES:
        return None, SKIPPED_AMENITIES[amenity]
    label = _transport_label(tags)
    if label == "public_transport=stop_position":
        return None, STOP_POSITION_SKIP
    if label is not None:
        if not transport_modes(tags):
            return None, f"{label}: no mode tag (train, subway, tram, bus...)"
        return Layer.HUBS, label
    if amenity is not None:
        return None, f"amenity={amenity}: not a parking, hub or charging point"
    return None, "no amenity or public transport tag this reader imports"


def osm_from_features(
    features: list[Any], *, source_name: str = "", layer: Layer | None = None
) -> ReadReport:
    """Build the report from an already parsed ``features`` array."""
    builder = ReportBuilder(OSM_FORMAT, source_name=source_name, id_field="id")
    for line, feature in iter_features(features, builder):
        tags = feature["properties"]
        target, label = _classify(tags)
        if target is None:
            builder.skip(label)
            continue
        if layer is not None and target != layer:
            builder.skip(f"{label}: not in the requested layer {layer}")
            continue
        reference = osm_reference(feature)
        if reference is None:
            builder.reject(
                line,
                None,
                "id",
                "Cannot tell which OSM object this is: give 'element' and 'id' properties "
                "or an '@id' such as node/123.",
            )
            continue
        asset_id, source_id = reference
        element, number = source_id.split("/")
        if target == Layer.CHARGING_POINTS:
            asset_id = charger_id(element, number)
        position = locate(builder, line, asset_id, feature)
        if position is None:
            continue
        attributes: Parking | Hub | ChargingPoint
        try:
            amenity = _tag(tags, "amenity") or ""
            if target == Layer.CHARGING_POINTS:
                attributes = charging_point(tags, element, number)
            elif target == Layer.PARKING:
                attributes = _parking(tags, PARKING_KINDS[amenity], source_id)
            elif amenity in HUB_AMENITIES:
                attributes = _hub(tags, [HUB_AMENITIES[amenity]], source_id, amenity_hub=True)
            else:
                attributes = _hub(tags, transport_modes(tags), source_id, amenity_hub=False)
        except FeatureProblem as problem:
            builder.reject(line, asset_id, problem.field, problem.reason)
            continue
        except Skipped as skipped:
            builder.skip(skipped.reason)
            continue
        except ValidationError as error:
            known = ("ev_ready_spaces", "pmr_spaces")
            reject_validation(builder, line, asset_id, error, _PARKING_RENAMES, known)
            continue
        lon, lat, footprint = position
        builder.add(ParsedAsset(target, asset_id, lon, lat, attributes, footprint, line))
    return builder.build()
