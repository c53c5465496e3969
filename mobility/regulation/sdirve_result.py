# SPDX-License-Identifier: MIT
"""The SDIRVE diagnostic as data: values per level, their sources, and what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class SourceInfo:
    """Where a group of figures comes from, and of when."""

    description: str
    date: date | None
    stored_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the source as JSON-ready values."""
        return {
            "description": self.description,
            "date": self.date.isoformat() if self.date else None,
            "stored_at": self.stored_at.isoformat() if self.stored_at else None,
        }


@dataclass(frozen=True)
class MissingInput:
    """A schema field left empty: why, and which input or query parameter would fill it."""

    field: str
    required: bool
    reason: str
    input: str | None = None
    query: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as JSON-ready values."""
        return {
            "field": self.field,
            "required": self.required,
            "reason": self.reason,
            "supply": {"input": self.input, "query": self.query},
        }


@dataclass(frozen=True)
class LevelIndicators:
    """The schema's fields for the commune or for one IRIS, with their provenance."""

    code_commune_insee: str
    code_iris_insee: str | None
    name: str | None
    values: dict[str, Any]
    provenance: dict[str, str]
    missing: tuple[MissingInput, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the level as JSON-ready values (dates as ``YYYY-MM-DD``)."""
        return {
            "code_iris_insee": self.code_iris_insee,
            "name": self.name,
            "values": {key: json_value(value) for key, value in self.values.items()},
            "provenance": dict(self.provenance),
            "missing": [entry.field for entry in self.missing],
        }


@dataclass(frozen=True)
class SdirveIndicators:
    """The SDIRVE diagnostic of a commune (and of each of its IRIS when it has IRIS zones)."""

    commune: str
    commune_name: str | None
    scenario_id: str | None
    diagnostic_date: date
    commune_level: LevelIndicators
    iris: tuple[LevelIndicators, ...] | None
    existing: dict[str, Any]
    planned: dict[str, Any] | None
    sources: dict[str, SourceInfo]
    notes: tuple[str, ...]
    method: dict[str, Any]

    def missing_required(self, level: str = "commune") -> dict[str, list[MissingInput]]:
        """Return the required fields without a value, by field, for ``commune`` or ``iris``."""
        levels = [self.commune_level] if level == "commune" else list(self.iris or ())
        table: dict[str, list[MissingInput]] = {}
        for item in levels:
            for entry in item.missing:
                if entry.required:
                    table.setdefault(entry.field, []).append(entry)
        return table

    def to_dict(self) -> dict[str, Any]:
        """Return the whole diagnostic as JSON-ready values."""
        iris_missing: dict[str, dict[str, Any]] = {}
        for item in self.iris or ():
            for entry in item.missing:
                row = iris_missing.setdefault(
                    entry.field,
                    entry.to_dict() | {"iris": []},
                )
                row["iris"].append(item.code_iris_insee)
        for row in iris_missing.values():
            row["supply"]["input"] = _generic_iris_path(row["supply"]["input"])
        return {
            "commune": {"code": self.commune, "name": self.commune_name},
            "scenario": self.scenario_id,
            "date_realisation_diagnostic": self.diagnostic_date.isoformat(),
            "indicators": self.commune_level.to_dict(),
            "iris": [item.to_dict() for item in self.iris] if self.iris is not None else None,
            "existing": self.existing,
            "planned": self.planned,
            "missing_inputs": [entry.to_dict() for entry in self.commune_level.missing],
            "iris_missing_inputs": list(iris_missing.values()),
            "sources": {key: source.to_dict() for key, source in self.sources.items()},
            "notes": list(self.notes),
            "method": self.method,
        }


def _generic_iris_path(path: str | None) -> str | None:
    if path and path.startswith("iris."):
        parts = path.split(".", 2)
        return f"iris.<code>.{parts[2]}" if len(parts) == 3 else path
    return path


def json_value(value: Any) -> Any:
    """Return a date as ``YYYY-MM-DD``, any other value as it is."""
    return value.isoformat() if isinstance(value, date) else value
