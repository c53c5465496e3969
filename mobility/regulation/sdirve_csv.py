# SPDX-License-Identifier: MIT
"""The SDIRVE diagnostic as the national CSV: one row for the commune, or one per IRIS.

Columns follow ``data/schema-sdirve/schema.json`` in its order; dates are ``YYYY-MM-DD``,
integers plain, numbers in decimal notation, empty cells for the optional fields without a value.
A file is written only when every required field of every row has a value: otherwise
``ConflictError`` lists each missing field with the input or query parameter that supplies it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from mobility.errors import ConflictError, FieldProblem
from mobility.regulation.sdirve_result import LevelIndicators, MissingInput, SdirveIndicators
from mobility.regulation.sdirve_schema import sdirve_fields, sdirve_schema_path

Level = Literal["commune", "iris"]
MAX_LISTED_IRIS = 10

__all__ = ["Level", "sdirve_rows", "sdirve_schema_path", "write_sdirve_csv"]


def sdirve_rows(indicators: SdirveIndicators, level: Level = "commune") -> list[dict[str, str]]:
    """Return the CSV rows (field name to cell text, schema order) of the chosen level.

    Raises
    ------
    ConflictError
        When a required field has no value in some row, or ``iris`` is asked of a commune
        without IRIS zones; each problem names the field and how to supply it.
    """
    if level == "iris" and indicators.iris is None:
        raise ConflictError(
            "the commune has no IRIS zones with codes: only level=commune can be written",
            problems=[FieldProblem("level", "the commune's population layer has no IRIS codes")],
        )
    missing = indicators.missing_required(level)
    if missing:
        raise ConflictError(
            f"the SDIRVE file needs a value for every required field; {len(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing at level {level}",
            problems=[_problem(name, entries, level) for name, entries in missing.items()],
        )
    levels: Sequence[LevelIndicators] = (
        [indicators.commune_level] if level == "commune" else list(indicators.iris or ())
    )
    names = [schema_field.name for schema_field in sdirve_fields()]
    return [{name: _cell(item.values.get(name)) for name in names} for item in levels]


def _problem(name: str, entries: list[MissingInput], level: Level) -> FieldProblem:
    first = entries[0]
    input_path = first.input
    prefix = ""
    if level == "iris" and input_path and input_path.startswith("iris."):
        codes = [entry.input.split(".")[1] for entry in entries if entry.input]
        listed = ", ".join(codes[:MAX_LISTED_IRIS]) + (
            ", ..." if len(codes) > MAX_LISTED_IRIS else ""
        )
        prefix = f"missing for {len(codes)} IRIS ({listed}): "
        input_path = "iris.<code>." + input_path.split(".", 2)[2]
    ways = [
        f"supply {input_path}" if input_path else "",
        f"pass the query parameter {first.query}" if first.query else "",
    ]
    return FieldProblem(name, f"{prefix}{first.reason}; " + " or ".join(w for w in ways if w))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("the SDIRVE schema has no boolean field")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def write_sdirve_csv(rows: Sequence[dict[str, str]]) -> str:
    """Return the rows as CSV text (UTF-8, comma-separated, header first, LF line ends)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=[schema_field.name for schema_field in sdirve_fields()],
        lineterminator="\n",
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
