# SPDX-License-Identifier: MIT
"""An OpenStreetMap ``amenity=charging_station`` as an IRVE charging point record.

OSM describes a station, IRVE its points; OSM says what it knows, IRVE requires a complete
record. The rules below keep what OSM states and write the rest as unknown, never invented:

* one record per OSM station, its ``nbre_pdc`` the station's ``capacity`` (else the sum of its
  ``socket:<type>=<count>`` tags, else 1);
* connectors from ``socket:<type>``: ``type2`` and ``type2_cable`` → Type 2 (``type2_cable``
  also sets ``cable_t2_attache``), ``type2_combo`` → Combo CCS, ``chademo`` → CHAdeMO,
  ``schuko``/``typee`` → E/F, any other type → other; a count of ``no`` or ``0`` is no socket;
* the power (``puissance_nominale``) is the highest ``socket:<type>:output`` of the sockets
  present, else ``charging_station:output``, in kW (``22 kW``, ``7.4kW``, ``3700 W``, ``50``).
  OSM often gives none: such a station is skipped and counted, as IRVE needs a power;
* ``operator`` → ``nom_operateur`` (and ``nom_enseigne`` when there is no ``brand`` or
  ``network``), ``owner`` → ``nom_amenageur``, the contact from ``email``/``phone``/``website``
  (their ``contact:`` and ``operator:`` forms), ``name``, the address from ``addr:*``;
* ``access``: yes, public or permissive (or no tag: OSM's default for an amenity) → Accès libre;
  customers, private, permit, no, destination → Accès réservé (and a ``customers`` station is
  in a customers' car park); ``fee=no`` → free, ``fee=yes`` → not free;
* ``opening_hours`` when it is a span or ``24/7`` as IRVE writes them, else ``24/7`` (OSM's
  reading of a charging station without hours); ``reservation`` yes/required/recommended →
  booking; ``wheelchair`` → PMR; ``maxheight`` → the height limit; a station for two-wheelers
  when ``motorcar=no`` and bicycles, scooters or motorcycles are allowed;
* ``date_maj``: the latest ``check_date``, ``check_date:charging`` or ``survey:date``, else the
  day of the element's last edit (its timestamp); with neither the station is skipped;
* ids: ``id_station_local`` is the OSM reference (``osm:node/123``), the point's
  ``id_pdc_local`` ``osm-node-123`` (so its id is ``local-osm-node-123``); roaming ids are
  ``Non concerné`` unless ``ref:EU:EVSE`` holds a valid station id.

A value that should be a number and is not (``capacity=many``, ``socket:type2=lots``,
``socket:type2:output=fast``) refuses the station with the tag named.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from mobility.assets import ITINERANCE_ID_PATTERN, NOT_CONCERNED, ChargingPoint, OpeningHours
from mobility.formats.geojson_common import text, whole_number
from mobility.formats.geometry import FeatureProblem

UNKNOWN = "non renseigné dans OpenStreetMap"
"""What a required text field holds when the OSM element does not say."""
SOCKET_FLAGS = {
    "type2": "prise_type_2",
    "type2_cable": "prise_type_2",
    "type2_combo": "prise_type_combo_ccs",
    "chademo": "prise_type_chademo",
    "schuko": "prise_type_ef",
    "typee": "prise_type_ef",
}
"""OSM socket types → IRVE connector flags; any other type sets ``prise_type_autre``."""
FREE_ACCESS = frozenset({"yes", "public", "permissive"})
RESERVED_ACCESS = frozenset({"customers", "private", "permit", "no", "destination", "delivery"})
BOOKING = frozenset({"yes", "required", "recommended"})
TWO_WHEELERS = ("bicycle", "scooter", "motorcycle")
DATE_TAGS = ("check_date:charging", "check_date", "survey:date")
NO_POWER = "charging_station without a stated power (socket:*:output): IRVE needs one"
NO_DATE = "charging_station without check_date or edit timestamp: IRVE needs a date_maj"

_SOCKET = re.compile(r"^socket:([a-z0-9_]+)$")
_POWER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(kw|w|kva)?\s*$", re.IGNORECASE)
_HOURS = re.compile(OpeningHours.__metadata__[0].pattern)  # type: ignore[attr-defined]
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})")


class Skipped(Exception):  # noqa: N818 (a station not imported, with the reason: not a fault)
    """The station is not imported (no power, no date): counted in the report, not refused."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def charger_id(osm_element: str, osm_number: str) -> str:
    """Return the point's id for an OSM element, e.g. ``local-osm-node-123``."""
    return f"local-osm-{osm_element}-{osm_number}"


def charging_point(tags: dict[str, Any], osm_element: str, osm_number: str) -> ChargingPoint:
    """Return the IRVE record of an OSM charging station (see the module docstring).

    Raises
    ------
    FeatureProblem
        A tag that should be a number and is not (naming the tag).
    Skipped
        The station states no power, or has no date.
    """
    sockets = _sockets(tags)
    power_kw = _power_kw(tags, sockets)
    updated = _updated(tags)
    capacity = whole_number(tags.get("capacity"), "capacity")
    counted = sum(count for count in sockets.values() if count is not None)
    flags = {flag: False for flag in (*SOCKET_FLAGS.values(), "prise_type_autre")}
    for kind in sockets:
        flags[SOCKET_FLAGS.get(kind, "prise_type_autre")] = True
    operator = text(tags.get("operator"))
    brand = text(tags.get("brand")) or text(tags.get("network")) or operator
    access = (text(tags.get("access")) or "yes").lower()
    fee = (text(tags.get("fee")) or "").lower()
    reference = f"osm:{osm_element}/{osm_number}"
    return ChargingPoint.model_validate(
        {
            "nom_amenageur": text(tags.get("owner")),
            "nom_operateur": operator,
            "contact_operateur": _first(tags, "email", "website") or UNKNOWN,
            "telephone_operateur": _first(tags, "phone"),
            "nom_enseigne": brand or UNKNOWN,
            "id_station_itinerance": _roaming_station(tags),
            "id_station_local": reference,
            "nom_station": text(tags.get("name")) or f"{brand or 'Station'} ({reference})",
            "implantation_station": _implantation(tags, access),
            "adresse_station": _address(tags) or UNKNOWN,
            "nbre_pdc": capacity if capacity is not None else max(counted, 1),
            "id_pdc_itinerance": NOT_CONCERNED,
            "id_pdc_local": f"osm-{osm_element}-{osm_number}",
            "puissance_nominale": power_kw,
            **flags,
            "cable_t2_attache": True if "type2_cable" in sockets else None,
            "gratuit": {"no": True, "yes": False}.get(fee),
            "paiement_acte": any(
                (text(value) or "").lower() == "yes"
                for key, value in tags.items()
                if key.startswith("payment:") and key != "payment:app"
            ),
            "condition_acces": "Accès libre" if access in FREE_ACCESS else "Accès réservé",
            "reservation": (text(tags.get("reservation")) or "").lower() in BOOKING,
            "horaires": _hours(tags),
            "accessibilite_pmr": _wheelchair(tags),
            "restriction_gabarit": (
                f"hauteur maximale {text(tags.get('maxheight'))}"
                if text(tags.get("maxheight"))
                else UNKNOWN
            ),
            "station_deux_roues": (text(tags.get("motorcar")) or "") == "no"
            and any((text(tags.get(kind)) or "") == "yes" for kind in TWO_WHEELERS),
            "date_maj": updated,
        }
    )


def _sockets(tags: dict[str, Any]) -> dict[str, int | None]:
    """Return the socket types present with their counts (``None``: present, count unknown)."""
    found: dict[str, int | None] = {}
    for key, value in tags.items():
        match = _SOCKET.match(key)
        if match is None:
            continue
        raw = (text(value) or "").lower()
        if raw in {"", "no", "0"}:
            continue
        found[match[1]] = None if raw == "yes" else whole_number(raw, key)
    return found


def _kilowatts(raw: str, tag: str) -> float:
    match = _POWER.match(raw)
    if match is None:
        raise FeatureProblem(tag, f"The value {raw!r} is not a power such as '22 kW'.")
    value = float(match[1].replace(",", "."))
    unit = (match[2] or "kw").lower()
    return value / 1000 if unit == "w" else value


def _power_kw(tags: dict[str, Any], sockets: dict[str, int | None]) -> float:
    """Return the highest output of the sockets present, else the station's, in kW."""
    outputs: list[float] = []
    for kind in sockets:
        tag = f"socket:{kind}:output"
        raw = text(tags.get(tag))
        if raw is not None:
            outputs.extend(_kilowatts(part, tag) for part in raw.split(";") if part.strip())
    station = text(tags.get("charging_station:output"))
    if not outputs and station is not None:
        outputs = [_kilowatts(part, "charging_station:output") for part in station.split(";")]
    if not outputs:
        raise Skipped(NO_POWER)
    return max(outputs)


def _updated(tags: dict[str, Any]) -> date:
    days = [text(tags.get(key)) for key in (*DATE_TAGS, "@timestamp")]
    checked = [date.fromisoformat(m[1]) for day in days[:-1] if day and (m := _DAY.match(day))]
    if checked:
        return max(checked)
    stamp = days[-1]
    match = _DAY.match(stamp) if stamp else None
    if match is None or match[1] <= "1970-01-01":
        raise Skipped(NO_DATE)
    return date.fromisoformat(match[1])


def _first(tags: dict[str, Any], *kinds: str) -> str | None:
    for kind in kinds:
        for key in (kind, f"contact:{kind}", f"operator:{kind}"):
            value = text(tags.get(key))
            if value is not None:
                return value
    return None


def _roaming_station(tags: dict[str, Any]) -> str:
    raw = (text(tags.get("ref:EU:EVSE")) or "").replace("*", "").replace(" ", "").upper()
    return raw if re.fullmatch(ITINERANCE_ID_PATTERN, raw) else NOT_CONCERNED


def _implantation(tags: dict[str, Any], access: str) -> str:
    if access == "customers":
        return "Parking privé réservé à la clientèle"
    if (text(tags.get("location")) or "") in {"underground", "indoor", "parking"}:
        return "Parking public"
    if text(tags.get("parking")) is not None:
        return "Parking public"
    return "Voirie"


def _address(tags: dict[str, Any]) -> str | None:
    street = text(tags.get("addr:street"))
    if street is None:
        return None
    number = text(tags.get("addr:housenumber"))
    place = " ".join(p for p in (text(tags.get("addr:postcode")), text(tags.get("addr:city"))) if p)
    return ", ".join(p for p in (f"{number} {street}" if number else street, place) if p)


def _hours(tags: dict[str, Any]) -> str:
    hours = text(tags.get("opening_hours"))
    return hours if hours is not None and _HOURS.search(hours) else "24/7"


def _wheelchair(tags: dict[str, Any]) -> str:
    value = (text(tags.get("wheelchair")) or "").lower()
    return {
        "yes": "Accessible mais non réservé PMR",
        "designated": "Réservé PMR",
        "no": "Non accessible",
    }.get(value, "Accessibilité inconnue")
