# SPDX-License-Identifier: MIT
"""The national SDIRVE Table Schema (etalab/schema-sdirve v0.1.0), read from ``data/``.

The field order, types and required flags of the CSV come from the schema file itself; the names
the diagnostic computes are checked against it when it is first read, so a schema that does not
match fails loudly instead of producing a file that does not validate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from mobility.datafiles import data_file
from mobility.regulation.power_classes import POWER_CLASSES

FieldType = Literal["date", "string", "integer", "number"]
USES = ("residentiel", "professionnel", "occasionnel_transit")

DATES = ("date_realisation_diagnostic", "date_adoption_sdirve", "date_objectifs")
EXISTING = tuple(f"existant_nb_pdc_{c.suffix}" for c in POWER_CLASSES)
USAGE = (
    "existant_nb_moyen_recharges",
    "existant_duree_moyenne_recharges",
    "existant_taux_disponibilite_moyen",
)
PLANNED = tuple(f"evaluation_developpement_nb_pdc_{c.suffix}" for c in POWER_CLASSES)
FORECAST = (
    "estimation_vehicules_particuliers_electriques",
    "estimation_vehicules_particuliers_hybrides_rechargeables",
)
OBJECTIVES = tuple(f"objectifs_nb_pdc_{c.suffix}" for c in POWER_CLASSES)
TOTAL_STATIONS = "objectifs_nb_total_stations"
BY_USE = tuple(f"objectifs_nb_pdc_usage_{use}_{c.suffix}" for c in POWER_CLASSES for use in USES)
KNOWN_FIELDS = frozenset(
    (*DATES, "code_commune_insee", "code_iris_insee", *EXISTING, *USAGE, *PLANNED, *FORECAST)
) | frozenset((*OBJECTIVES, TOTAL_STATIONS, *BY_USE, "url_sdirve"))


@dataclass(frozen=True)
class SchemaField:
    """One column of the SDIRVE file."""

    name: str
    type: FieldType
    required: bool


def sdirve_schema_path() -> Path:
    """Return the SDIRVE Table Schema (v0.1.0) the writer follows, as shipped."""
    return data_file("schema-sdirve", "schema.json")


@cache
def sdirve_fields() -> tuple[SchemaField, ...]:
    """Return the schema's fields in order, checked against the names the diagnostic fills.

    Raises
    ------
    RuntimeError
        When the schema file's fields are not the ones of SDIRVE v0.1.0.
    """
    path = sdirve_schema_path()
    schema = json.loads(path.read_text(encoding="utf-8"))
    fields = tuple(
        SchemaField(
            name=str(field["name"]),
            type=field.get("type", "string"),
            required=bool(field.get("constraints", {}).get("required", False)),
        )
        for field in schema["fields"]
    )
    names = {field.name for field in fields}
    if names != KNOWN_FIELDS or len(names) != len(fields):
        raise RuntimeError(f"{path} does not list the SDIRVE v0.1.0 fields")
    return fields


def required_fields() -> tuple[str, ...]:
    """Return the names of the required fields, in schema order."""
    return tuple(field.name for field in sdirve_fields() if field.required)
