# SPDX-License-Identifier: MIT
"""IRVE statique charging points as OCPI 2.2.1 Locations (module *Locations*, CPO side).

One Location per ``id_station_itinerance``, one EVSE per charging point (``id_pdc_itinerance``),
one Connector per connector flag of the point. The rules, and what IRVE cannot say, are written
out in ``docs/ocpi-mapping.md``; the constants below are the ones that document quotes.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

from mobility.assets import NOT_CONCERNED, Asset, ChargingPoint

OCPI_VERSION = "2.2.1"
TIME_ZONE = "Europe/Paris"
COUNTRY = "FRA"
UNKNOWN_PARTY = "ZZZ"
"""``party_id`` when neither the station's nor the point's roaming id names the operator."""

AC_1_PHASE_MAX_KW = 7.4
"""Up to this power a Type 2 point is taken as single phase (32 A × 230 V); above, three."""
T2_MAX_KW = 43.0
"""The most a Type 2 socket or cable delivers in AC (63 A three-phase at 400 V)."""
EF_MAX_KW = 3.7
"""A domestic E/F socket: 16 A × 230 V."""
DC_LOW_VOLTAGE = 500
DC_HIGH_VOLTAGE = 1000
DC_LOW_MAX_KW = 50.0
"""DC connectors up to this power are given 500 V, above it 1,000 V (IEC 61851-23's ceiling)."""

PARKING_TYPES: dict[str, str] = {
    "Voirie": "ON_STREET",
    "Parking public": "PARKING_LOT",
    "Parking privé à usage public": "PARKING_LOT",
    "Parking privé réservé à la clientèle": "PARKING_LOT",
}
"""``implantation_station`` → OCPI ParkingType; a station dedicated to fast charging has none."""

ADDRESS_MAX = 45
CITY_MAX = 45
NAME_MAX = 255
BUSINESS_NAME_MAX = 100

_CI36 = re.compile(r"[A-Za-z0-9._:*\-]{1,36}")
_ROAMING_ID = re.compile(r"^([A-Z]{2})([A-Z0-9]{3})")
_EMI3_PDC = re.compile(r"^([A-Z]{2})([A-Z0-9]{3})E([A-Z0-9]{1,30})$")
_ADDRESS = re.compile(r"^(?P<street>.*?)[\s,]*\b(?P<postal>\d{5})\s+(?P<city>[^,\d][^,]*?)\s*$")
_DAYS = {"Mo": 1, "Tu": 2, "We": 3, "Th": 4, "Fr": 5, "Sa": 6, "Su": 7}
_DAY_SPEC = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def _ci36(value: str) -> str:
    """Return an OCPI CiString(36): the value, or a stable digest when it is longer or odd."""
    if _CI36.fullmatch(value):
        return value
    return "H" + hashlib.sha256(value.encode()).hexdigest()[:35].upper()


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[:limit].rstrip()


def emi3_evse_id(id_pdc_itinerance: str) -> str | None:
    """Return the eMI3 EVSE id of an AFIREV point id (``FRV75EPX10134`` → ``FR*V75*EPX10134``)."""
    match = _EMI3_PDC.fullmatch(id_pdc_itinerance)
    if match is None:
        return None
    return f"{match[1]}*{match[2]}*E{match[3]}"


def party_of(point: ChargingPoint) -> tuple[str, str]:
    """Return ``(country_code, party_id)`` from the station's (else the point's) roaming id."""
    for candidate in (point.id_station_itinerance, point.id_pdc_itinerance):
        match = _ROAMING_ID.match(candidate) if candidate != NOT_CONCERNED else None
        if match is not None:
            return match[1], match[2]
    return "FR", UNKNOWN_PARTY


def location_id(asset: Asset, point: ChargingPoint) -> str:
    """Return the Location id: the station's roaming id, else its local id, else the point's."""
    if point.id_station_itinerance != NOT_CONCERNED:
        return _ci36(point.id_station_itinerance)
    if point.id_station_local:
        return _ci36(f"local-{point.id_station_local}")
    return _ci36(f"pdc-{asset.id}")


def parse_address(text: str) -> tuple[str, str | None, str | None]:
    """Split ``"64 Rue X, 75010 Paris"`` into street, postal code and city (``None`` if absent)."""
    match = _ADDRESS.match(text.strip())
    if match is None or not match["street"].strip(" ,"):
        return text.strip(), None, None
    return match["street"].strip(" ,"), match["postal"], match["city"].strip()


def _minutes(hours: str, minutes: str) -> int | None:
    value = int(hours) * 60 + int(minutes)
    return value if 0 <= value <= 24 * 60 and int(minutes) < 60 else None


def _clock(value: int) -> str:
    value = min(value, 23 * 60 + 59)
    return f"{value // 60:02d}:{value % 60:02d}"


def _days(spec: str) -> list[int] | None:
    days: list[int] = []
    for part in spec.split(","):
        match = _DAY_SPEC.fullmatch(part.strip())
        if match is None:
            return None
        first = _DAYS[match[1]]
        last = _DAYS[match[2]] if match[2] else first
        span = range(first, last + 1) if first <= last else [*range(first, 8), *range(1, last + 1)]
        days.extend(span)
    return days


def _period(day: int, begin: str, end: str) -> dict[str, Any]:
    return {"weekday": day, "period_begin": begin, "period_end": end}


def opening_times(horaires: str) -> dict[str, Any] | None:
    """Return OCPI ``opening_times`` from IRVE ``horaires`` (OSM opening_hours), or ``None``.

    ``24/7`` (or every day 00:00-24:00) is ``twentyfourseven``; rules such as
    ``Mo-Fr 08:00-19:00; Sa 09:00-12:00`` become ``regular_hours`` (a later rule replaces the
    hours of the days it names, as in OSM; ``off`` closes them; a span past midnight is split).
    Anything else (public holidays, months, comments) gives ``None``: not guessed.
    """
    text = horaires.strip()
    if text == "24/7":
        return {"twentyfourseven": True}
    week: dict[int, list[tuple[int, int]]] = {}
    for rule in (part.strip() for part in text.split(";")):
        if not rule:
            continue
        pieces = rule.split()
        if len(pieces) == 1 and _SPAN.fullmatch(pieces[0].split(",")[0]):
            days, spans = list(range(1, 8)), pieces[0]
        elif len(pieces) == 2:
            days_or_none = _days(pieces[0])
            if days_or_none is None:
                return None
            days, spans = days_or_none, pieces[1]
        else:
            return None
        if spans == "off":
            for day in days:
                week[day] = []
            continue
        periods: list[tuple[int, int]] = []
        for span in spans.split(","):
            match = _SPAN.fullmatch(span)
            if match is None:
                return None
            begin, end = _minutes(match[1], match[2]), _minutes(match[3], match[4])
            if begin is None or end is None or begin == end:
                return None
            periods.append((begin, end))
        for day in days:
            week[day] = list(periods)
    regular: list[dict[str, Any]] = []
    for day in sorted(week):
        for begin, end in week[day]:
            if end > begin:
                regular.append(
                    {"weekday": day, "period_begin": _clock(begin), "period_end": _clock(end)}
                )
            else:  # overnight: the evening on this day, the morning on the next
                regular.append(
                    {"weekday": day, "period_begin": _clock(begin), "period_end": "23:59"}
                )
                if end > 0:
                    following = day % 7 + 1
                    regular.append(_period(following, "00:00", _clock(end)))
    if not regular:
        return None
    if len(week) == 7 and all(periods == [(0, 24 * 60)] for periods in week.values()):
        return {"twentyfourseven": True}
    regular.sort(key=lambda item: (item["weekday"], item["period_begin"]))
    return {"twentyfourseven": False, "regular_hours": regular}


def _timestamp(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _connector(
    number: int,
    standard: str,
    fmt: str,
    power_type: str,
    power_kw: float,
    updated: str,
) -> dict[str, Any]:
    watts = round(power_kw * 1000)
    if power_type == "AC_1_PHASE":
        voltage = 230
        amperage = math.ceil(watts / voltage)
    elif power_type == "AC_3_PHASE":
        voltage = 230  # OCPI 2.2.1: line to neutral (400 V is line to line)
        amperage = math.ceil(watts / (3 * voltage))
    else:
        voltage = DC_LOW_VOLTAGE if power_kw <= DC_LOW_MAX_KW else DC_HIGH_VOLTAGE
        amperage = math.ceil(watts / voltage)
    return {
        "id": str(number),
        "standard": standard,
        "format": fmt,
        "power_type": power_type,
        "max_voltage": voltage,
        "max_amperage": amperage,
        "max_electric_power": watts,
        "last_updated": updated,
    }


def connectors(point: ChargingPoint, updated: str) -> list[dict[str, Any]]:
    """Return the OCPI connectors of a charging point, from its ``prise_type_*`` flags."""
    power = point.puissance_nominale
    found: list[tuple[str, str, str, float]] = []
    if point.prise_type_2:
        t2_power = min(power, T2_MAX_KW)
        phases = "AC_1_PHASE" if t2_power <= AC_1_PHASE_MAX_KW else "AC_3_PHASE"
        cable = "CABLE" if point.cable_t2_attache else "SOCKET"
        found.append(("IEC_62196_T2", cable, phases, t2_power))
    if point.prise_type_combo_ccs:
        found.append(("IEC_62196_T2_COMBO", "CABLE", "DC", power))
    if point.prise_type_chademo:
        found.append(("CHADEMO", "CABLE", "DC", power))
    if point.prise_type_ef:
        found.append(("DOMESTIC_E", "SOCKET", "AC_1_PHASE", min(power, EF_MAX_KW)))
    return [
        _connector(number, standard, fmt, power_type, kw, updated)
        for number, (standard, fmt, power_type, kw) in enumerate(found, 1)
    ]


def _coordinates(lon: float, lat: float) -> dict[str, str]:
    return {"latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}"}


def evse(asset: Asset, point: ChargingPoint) -> dict[str, Any] | None:
    """Return the OCPI EVSE of one charging point, or ``None`` when no connector maps."""
    updated = _timestamp(point.date_maj)
    plugs = connectors(point, updated)
    if not plugs:
        return None
    uid = point.id_pdc_itinerance if point.id_pdc_itinerance != NOT_CONCERNED else asset.id
    body: dict[str, Any] = {"uid": _ci36(uid), "status": "UNKNOWN"}
    derived = emi3_evse_id(point.id_pdc_itinerance)
    if derived is not None:
        body["evse_id"] = derived
    capabilities = []
    if point.paiement_cb:
        capabilities.append("CREDIT_CARD_PAYABLE")
    if point.reservation:
        capabilities.append("RESERVABLE")
    if capabilities:
        body["capabilities"] = capabilities
    body["connectors"] = plugs
    body["coordinates"] = _coordinates(asset.lon, asset.lat)
    if point.id_pdc_local and len(point.id_pdc_local) <= 16:
        body["physical_reference"] = point.id_pdc_local
    restrictions = []
    if point.accessibilite_pmr == "Réservé PMR":
        restrictions.append("DISABLED")
    if (
        point.implantation_station == "Parking privé réservé à la clientèle"
        or point.condition_acces == "Accès réservé"
    ):
        restrictions.append("CUSTOMERS")
    if restrictions:
        body["parking_restrictions"] = restrictions
    body["last_updated"] = updated
    return body


def location(
    location_key: str, points: list[tuple[Asset, ChargingPoint]], city_of: Callable[[str], str]
) -> dict[str, Any]:
    """Return one OCPI Location from the charging points of one station (at least one)."""
    asset, first = points[0]
    country_code, party_id = party_of(first)
    street, postal_code, city = parse_address(first.adresse_station)
    if city is None:
        city = city_of(asset.commune)
    evses = [item for a, p in points if (item := evse(a, p)) is not None]
    lon = sum(a.lon for a, _ in points) / len(points)
    lat = sum(a.lat for a, _ in points) / len(points)
    body: dict[str, Any] = {
        "country_code": country_code,
        "party_id": party_id,
        "id": location_key,
        "publish": True,
        "name": _cut(first.nom_station, NAME_MAX),
        "address": _cut(street, ADDRESS_MAX),
        "city": _cut(city, CITY_MAX),
    }
    if postal_code is not None:
        body["postal_code"] = postal_code
    body["country"] = COUNTRY
    body["coordinates"] = _coordinates(lon, lat)
    parking_type = PARKING_TYPES.get(first.implantation_station)
    if parking_type is not None:
        body["parking_type"] = parking_type
    body["evses"] = evses
    if first.nom_operateur:
        body["operator"] = {"name": _cut(first.nom_operateur, BUSINESS_NAME_MAX)}
    if first.nom_amenageur:
        body["owner"] = {"name": _cut(first.nom_amenageur, BUSINESS_NAME_MAX)}
    body["time_zone"] = TIME_ZONE
    hours = opening_times(first.horaires)
    if hours is not None:
        body["opening_times"] = hours
    body["last_updated"] = _timestamp(max(p.date_maj for _, p in points))
    return body


def locations_from_assets(
    assets: Iterable[Asset], *, city_of: Callable[[str], str]
) -> list[dict[str, Any]]:
    """Group charging points into OCPI Locations, ordered by id.

    ``city_of(commune code)`` names the city when the address cannot be parsed.
    """
    stations: dict[str, list[tuple[Asset, ChargingPoint]]] = {}
    for asset in assets:
        if isinstance(asset.attributes, ChargingPoint):
            key = location_id(asset, asset.attributes)
            stations.setdefault(key, []).append((asset, asset.attributes))
    return [
        location(key, sorted(points, key=lambda item: item[0].id), city_of)
        for key, points in sorted(stations.items())
    ]
