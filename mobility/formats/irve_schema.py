# SPDX-License-Identifier: MIT
"""The IRVE statique schema (v2.3): its 40 columns, and how each cell is checked and converted.

The rules come from the Table Schema shipped in ``data/schema-irve/schema-statique.json``
(required fields, types, enums, patterns, minimums, a loose e-mail check), built once into one
converter per column, so that the reader checks a row column by column and a refusal names the
column at fault. The writer reuses the column order; the GeoJSON reader the coordinates' column.

Table Schema patterns are anchored (the whole value must match), as in XML Schema from which the
specification borrows them. ``coordonneesXY`` must be a JSON array ``[longitude, latitude]``
inside the Lambert-93 area; a pair that only fits once swapped is reported as swapped.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from mobility.datafiles import data_file
from mobility.formats.geometry import position_problem


def irve_schema_path() -> Path:
    """Return the IRVE statique Table Schema (v2.3) the reader enforces, as shipped."""
    return data_file("schema-irve", "schema-statique.json")


IRVE_FORMAT = "irve"
COORDINATES_COLUMN = "coordonneesXY"

IRVE_COLUMNS: tuple[str, ...] = (
    "nom_amenageur",
    "siren_amenageur",
    "contact_amenageur",
    "nom_operateur",
    "contact_operateur",
    "telephone_operateur",
    "nom_enseigne",
    "id_station_itinerance",
    "id_station_local",
    "nom_station",
    "implantation_station",
    "adresse_station",
    "code_insee_commune",
    "coordonneesXY",
    "nbre_pdc",
    "id_pdc_itinerance",
    "id_pdc_local",
    "puissance_nominale",
    "prise_type_ef",
    "prise_type_2",
    "prise_type_combo_ccs",
    "prise_type_chademo",
    "prise_type_autre",
    "gratuit",
    "paiement_acte",
    "paiement_cb",
    "paiement_autre",
    "tarification",
    "condition_acces",
    "reservation",
    "horaires",
    "accessibilite_pmr",
    "restriction_gabarit",
    "station_deux_roues",
    "raccordement",
    "num_pdl",
    "date_mise_en_service",
    "observations",
    "date_maj",
    "cable_t2_attache",
)
"""The 40 IRVE statique columns in schema order (checked against the schema file on load)."""

TRUE_VALUES = frozenset({"true", "True", "TRUE", "1"})
FALSE_VALUES = frozenset({"false", "False", "FALSE", "0"})
"""Table Schema's default boolean spellings."""

_PATTERN_HINTS = {
    "id_station_itinerance": (
        "a roaming id such as FRV75PPX1013 (2 capital letters, then 4 to 33 capital letters or "
        "digits, no separators) or 'Non concerné'"
    ),
    "id_pdc_itinerance": (
        "a roaming id such as FRV75EPX10134 (2 capital letters, then 4 to 33 capital letters or "
        "digits, no separators) or 'Non concerné'"
    ),
    "siren_amenageur": "a SIREN number of 9 digits",
    "code_insee_commune": "an INSEE commune code of 5 characters such as 75110 or 2A004",
    "horaires": "opening hours in OSM syntax, e.g. 24/7 or Mo-Fr 08:00-19:00",
}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_INTEGER = re.compile(r"[+-]?\d+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COORDINATES = re.compile(r"\[\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\]")

Converter = Callable[[str], Any]


@dataclass(frozen=True)
class ColumnRule:
    """How one column is checked: required or not, and the converter (raises ``ValueError``)."""

    name: str
    required: bool
    convert: Converter


def _quote(value: str) -> str:
    return repr(value) if len(value) <= 60 else repr(value[:57] + "...")


def _bounds_check(name: str, constraints: dict[str, Any]) -> Callable[[float], None]:
    minimum = constraints.get("minimum")
    maximum = constraints.get("maximum")

    def check(value: float) -> None:
        if minimum is not None and value < minimum:
            raise ValueError(f"The value {value:g} is below the minimum {minimum} of {name}.")
        if maximum is not None and value > maximum:
            raise ValueError(f"The value {value:g} is above the maximum {maximum} of {name}.")

    return check


def _string_converter(field: dict[str, Any]) -> Converter:
    name: str = field["name"]
    constraints: dict[str, Any] = field.get("constraints", {})
    enum: list[str] | None = constraints.get("enum")
    pattern = constraints.get("pattern")
    compiled = re.compile(pattern) if pattern else None
    is_email = field.get("format") == "email"
    allowed = frozenset(enum) if enum else None
    listing = ", ".join(repr(v) for v in enum) if enum else ""

    def convert(value: str) -> str:
        if allowed is not None and value not in allowed:
            raise ValueError(f"The value {_quote(value)} is not one of the allowed {listing}.")
        if compiled is not None and compiled.fullmatch(value) is None:
            hint = _PATTERN_HINTS.get(name, f"values matching {pattern}")
            raise ValueError(f"The value {_quote(value)} is not valid: expected {hint}.")
        if is_email and _EMAIL.fullmatch(value) is None:
            raise ValueError(f"The value {_quote(value)} is not an e-mail address.")
        return value

    return convert


def _integer_converter(field: dict[str, Any]) -> Converter:
    check = _bounds_check(field["name"], field.get("constraints", {}))

    def convert(value: str) -> int:
        if _INTEGER.fullmatch(value) is None:
            raise ValueError(f"The value {_quote(value)} is not a whole number.")
        number = int(value)
        check(number)
        return number

    return convert


def _number_converter(field: dict[str, Any]) -> Converter:
    check = _bounds_check(field["name"], field.get("constraints", {}))

    def convert(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            hint = " (use a dot as the decimal separator)" if "," in value else ""
            raise ValueError(f"The value {_quote(value)} is not a number{hint}.") from None
        if not math.isfinite(number):
            raise ValueError(f"The value {_quote(value)} is not a finite number.")
        check(number)
        return number

    return convert


def _boolean(value: str) -> bool:
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ValueError(f"The value {_quote(value)} is not a boolean: write true or false.")


def _date(value: str) -> date:
    if _ISO_DATE.fullmatch(value) is None:
        raise ValueError(f"The value {_quote(value)} is not a date written YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"The value {_quote(value)} is not a real calendar date.") from None


def parse_coordinates(value: str) -> tuple[float, float]:
    """Parse ``coordonneesXY`` (``"[lon, lat]"``) and check it; raise ``ValueError`` if unusable."""
    match = _COORDINATES.fullmatch(value)
    if match is not None:
        lon, lat = float(match[1]), float(match[2])
    else:
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if (
            not isinstance(parsed, list)
            or len(parsed) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in parsed)
        ):
            raise ValueError(
                f"The value {_quote(value)} is not a position: write [longitude, latitude] "
                "as two numbers, e.g. [2.348162, 48.87517]."
            )
        lon, lat = float(parsed[0]), float(parsed[1])
    problem = position_problem(lon, lat)
    if problem is not None:
        raise ValueError(problem)
    return lon, lat


def _converter(field: dict[str, Any]) -> Converter:
    kind = field.get("type", "string")
    if field["name"] == COORDINATES_COLUMN:
        return parse_coordinates
    if kind == "string":
        return _string_converter(field)
    if kind == "integer":
        return _integer_converter(field)
    if kind == "number":
        return _number_converter(field)
    if kind == "boolean":
        return _boolean
    if kind == "date":
        return _date
    raise RuntimeError(f"IRVE schema field {field['name']} has unsupported type {kind}")


@cache
def column_rules() -> tuple[ColumnRule, ...]:
    """Return the per-column rules built from the IRVE schema file, in schema order."""
    path = irve_schema_path()
    schema = json.loads(path.read_text(encoding="utf-8"))
    fields: list[dict[str, Any]] = schema["fields"]
    names = tuple(field["name"] for field in fields)
    if names != IRVE_COLUMNS:
        raise RuntimeError(f"{path} does not list the IRVE v2.3 columns in order")
    if schema.get("missingValues", [""]) != [""]:
        raise RuntimeError(f"{path}: only missingValues [''] is supported")
    return tuple(
        ColumnRule(
            name=field["name"],
            required=bool(field.get("constraints", {}).get("required", False)),
            convert=_converter(field),
        )
        for field in fields
    )


def required_columns() -> list[str]:
    """Return the columns the schema requires, in schema order."""
    return [rule.name for rule in column_rules() if rule.required]
