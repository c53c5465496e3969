# SPDX-License-Identifier: MIT
"""Read and write IRVE statique CSV files (national schema v2.3, one row per charging point).

Reading happens in two passes over each row, both row-local so the file is streamed:

1. the Table Schema constraints of ``data/schema-irve/schema-statique.json`` (required fields,
   types, enums, patterns, minimums, a loose e-mail check), checked column by column so that a
   refusal names the column at fault;
2. the domain model :class:`~mobility.assets.ChargingPoint`, whose few extra rules (power in kW
   between 0 and 1000, an id for points outside roaming) are reported the same way.

Table Schema patterns are anchored (the whole value must match), as in XML Schema from which the
specification borrows them. ``coordonneesXY`` must be a JSON array ``[longitude, latitude]``
inside the Lambert-93 area; a pair that only fits once swapped is reported as swapped.

A bad row never stops the read. :class:`~mobility.errors.UnsupportedFormatError` is raised only
for a file that is not an IRVE CSV at all: empty, not UTF-8, or without the required columns.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from pydantic import ValidationError

from mobility.assets import NOT_CONCERNED, ChargingPoint, Layer
from mobility.datafiles import data_file
from mobility.errors import UnsupportedFormatError
from mobility.formats.geometry import position_problem
from mobility.formats.report import (
    ParsedAsset,
    ProgressFn,
    ReadReport,
    ReportBuilder,
    validation_problems,
)

IRVE_SCHEMA_PATH = data_file("schema-irve", "schema-statique.json")
"""The IRVE statique Table Schema (v2.3) the reader enforces, as shipped in the repository."""

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
PROGRESS_EVERY = 5_000

_UNSEEN = object()
_MEMO_SIZE = 20_000
_REQUIRED = "The value is required."


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
    schema = json.loads(IRVE_SCHEMA_PATH.read_text(encoding="utf-8"))
    fields: list[dict[str, Any]] = schema["fields"]
    names = tuple(field["name"] for field in fields)
    if names != IRVE_COLUMNS:
        raise RuntimeError(f"{IRVE_SCHEMA_PATH} does not list the IRVE v2.3 columns in order")
    if schema.get("missingValues", [""]) != [""]:
        raise RuntimeError(f"{IRVE_SCHEMA_PATH}: only missingValues [''] is supported")
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


def _not_utf8(data: bytes, error: UnicodeDecodeError) -> UnsupportedFormatError:
    # The streaming decoder only knows the offset inside its chunk: find the real one.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as whole:
        error = whole
    line = data.count(b"\n", 0, error.start) + 1
    byte = data[error.start : error.start + 1].hex()
    return UnsupportedFormatError(
        f"The file is not UTF-8 text: byte 0x{byte} on line {line} cannot be decoded "
        "(often Latin-1 or Windows-1252, as spreadsheets save by default). Save it as UTF-8 ('CSV "
        "UTF-8' in a spreadsheet) and send it again."
    )


def _sniff_delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def _header_index(header: list[str]) -> dict[str, int]:
    names = [name.strip().lstrip("\ufeff") for name in header]
    counts = Counter(names)
    repeated = sorted(name for name, count in counts.items() if count > 1 and name)
    if repeated:
        raise UnsupportedFormatError(
            f"The CSV header repeats the column(s) {', '.join(repeated)}: each must appear once."
        )
    index = {name: position for position, name in enumerate(names)}
    missing = [name for name in required_columns() if name not in index]
    if missing:
        found = [name for name in IRVE_COLUMNS if name in index]
        what = (
            "This is not an IRVE statique CSV (schema v2.3): none of its columns were found"
            if not found
            else "The IRVE statique CSV lacks required columns"
        )
        raise UnsupportedFormatError(
            f"{what}. Missing required column(s): {', '.join(missing)}.",
        )
    return index


def _row_id(record: list[str], index: dict[str, int]) -> str | None:
    for name in ("id_pdc_itinerance", "id_pdc_local"):
        position = index.get(name)
        if position is not None and position < len(record):
            value = record[position].strip()
            if value and value != NOT_CONCERNED:
                return value if name == "id_pdc_itinerance" else f"local-{value}"
    return None


def read_irve_csv(
    data: bytes, *, source_name: str = "", progress: ProgressFn | None = None
) -> ReadReport:
    """Read an IRVE statique CSV file into validated charging points.

    Accepts a UTF-8 BOM and ``,`` or ``;`` separators (sniffed from the header line). Each
    refused row gives one :class:`~mobility.formats.report.RejectedRow` per column at fault, with
    the CSV line number (the header being line 1). ``progress(bytes read, size)`` is called every
    few thousand rows and at the end.

    Raises
    ------
    UnsupportedFormatError
        When the file is empty, is not UTF-8 text, or lacks required IRVE columns.
    """
    if not data or data.isspace():
        raise UnsupportedFormatError("The file is empty: expected an IRVE statique CSV.")
    raw = io.BytesIO(data)
    stream = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    builder = ReportBuilder(IRVE_FORMAT, source_name=source_name, id_field="id_pdc_itinerance")
    try:
        header_line = stream.readline()
        while header_line and not header_line.strip():
            header_line = stream.readline()
        if not header_line.strip():
            raise UnsupportedFormatError("The file is empty: expected an IRVE statique CSV.")
        delimiter = _sniff_delimiter(header_line)
        reader = csv.reader(itertools.chain([header_line], stream), delimiter=delimiter)
        header = next(reader)
        index = _header_index(header)
        tick = None if progress is None else (lambda: progress(raw.tell(), len(data)))
        _read_rows(reader, index, len(header), builder, tick)
        if progress is not None:
            progress(len(data), len(data))
    except UnicodeDecodeError as error:
        raise _not_utf8(data, error) from None
    except csv.Error as error:
        raise UnsupportedFormatError(
            f"The file cannot be read as CSV near line {reader.line_num}: {error}."
        ) from None
    return builder.build()


def _share_fields_set(point: ChargingPoint, shared: dict[frozenset[str], set[str]]) -> None:
    """Let points that were given the same columns share one ``model_fields_set``.

    Pydantic keeps a set of the given field names in every instance: about 2 KB for an IRVE row,
    two thirds of a point's memory. ``ChargingPoint`` is frozen, so pydantic never adds to that
    set in place (assignment is refused first; ``model_copy`` copies the set), and sharing one
    set per distinct combination is safe. It cuts a 150,000-row file's memory by about 60 %.
    """
    fields_set = point.model_fields_set
    key = frozenset(fields_set)
    same = shared.setdefault(key, fields_set)
    if same is not fields_set:
        object.__setattr__(point, "__pydantic_fields_set__", same)


def _read_rows(
    reader: Any,
    index: dict[str, int],
    width: int,
    builder: ReportBuilder,
    tick: Callable[[], None] | None = None,
) -> None:
    rules = [(rule, index.get(rule.name)) for rule in column_rules()]
    # Per-column memo of converted values: IRVE files repeat most values (operator, booleans,
    # enums, dates, a station's coordinates), so this saves the checks and shares one copy of
    # each repeated value between rows. Columns of unique values stop growing their memo.
    memos: list[dict[str, Any]] = [{} for _ in rules]
    field_sets: dict[frozenset[str], set[str]] = {}
    next_line = reader.line_num + 1
    for record in reader:
        line = next_line
        next_line = reader.line_num + 1
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # blank line
        builder.rows_read += 1
        if tick is not None and builder.rows_read % PROGRESS_EVERY == 0:
            tick()
        if len(record) != width:
            builder.reject(
                line,
                _row_id(record, index),
                "row",
                f"The row has {len(record)} values but the header has {width} columns.",
            )
            continue
        values: dict[str, Any] = {}
        failed = False
        for (rule, position), memo in zip(rules, memos, strict=True):
            raw = record[position] if position is not None else ""
            value = memo.get(raw, _UNSEEN)
            if value is _UNSEEN:
                text = raw.strip()
                if not text:
                    if rule.required:
                        builder.reject(line, _row_id(record, index), rule.name, _REQUIRED)
                        failed = True
                        continue
                    value = None
                else:
                    try:
                        value = rule.convert(text)
                    except ValueError as error:
                        builder.reject(line, _row_id(record, index), rule.name, str(error))
                        failed = True
                        continue
                if len(memo) < _MEMO_SIZE:
                    memo[raw] = value
            if value is not None:  # empty cells stay unset: fields_set = what the file gave
                values[rule.name] = value
        if failed:
            continue
        lon, lat = values.pop(COORDINATES_COLUMN)
        try:
            point = ChargingPoint.model_validate(values)
        except ValidationError as error:
            row_id = _row_id(record, index)
            for field_name, reason in validation_problems(error, known_fields=IRVE_COLUMNS):
                builder.reject(line, row_id, field_name, reason)
            continue
        _share_fields_set(point, field_sets)
        local = point.id_pdc_itinerance == NOT_CONCERNED
        builder.add(
            ParsedAsset(
                layer=Layer.CHARGING_POINTS,
                id=point.feature_id,
                lon=lon,
                lat=lat,
                attributes=point,
                line=line,
            ),
            id_field="id_pdc_local" if local else None,
        )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def format_coordinates(lon: float, lat: float) -> str:
    """Write a position as IRVE's ``coordonneesXY``: ``"[lon, lat]"``."""
    return f"[{lon!r}, {lat!r}]"


def write_irve_csv(rows: Iterable[tuple[float, float, ChargingPoint]]) -> Iterator[str]:
    """Yield an IRVE statique CSV, header first, one line per charging point.

    Columns are in schema order, ``coordonneesXY`` is ``"[lon, lat]"``, booleans ``true`` /
    ``false``, dates ``YYYY-MM-DD`` and unknown values empty. Lines end with a line feed.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(IRVE_COLUMNS)
    yield flush()
    for lon, lat, point in rows:
        writer.writerow(
            [
                format_coordinates(lon, lat)
                if name == COORDINATES_COLUMN
                else _cell(getattr(point, name))
                for name in IRVE_COLUMNS
            ]
        )
        yield flush()
