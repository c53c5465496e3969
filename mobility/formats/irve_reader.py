# SPDX-License-Identifier: MIT
"""Read IRVE statique CSV files (national schema v2.3, one row per charging point).

Reading happens in two passes over each row, both row-local so the file is streamed:

1. the Table Schema constraints, checked column by column
   (:func:`~mobility.formats.irve_schema.column_rules`) so that a refusal names the column at
   fault;
2. the domain model :class:`~mobility.assets.ChargingPoint`, whose few extra rules (power in kW
   between 0 and 1000, an id for points outside roaming) are reported the same way.

A bad row never stops the read. :class:`~mobility.errors.UnsupportedFormatError` is raised only
for a file that is not an IRVE CSV at all: empty, not UTF-8, or without the required columns.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from mobility.assets import NOT_CONCERNED, ChargingPoint, Layer
from mobility.errors import UnsupportedFormatError
from mobility.formats.irve_schema import (
    COORDINATES_COLUMN,
    IRVE_COLUMNS,
    IRVE_FORMAT,
    column_rules,
    required_columns,
)
from mobility.formats.report import (
    ParsedAsset,
    ProgressFn,
    ReadReport,
    ReportBuilder,
    validation_problems,
)

PROGRESS_EVERY = 5_000
"""Rows between two progress reports."""

_UNSEEN = object()
_MEMO_SIZE = 20_000
_REQUIRED = "The value is required."


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


def sniff_delimiter(header: str) -> str:
    """Return the separator of a CSV from its header line: ``;`` when it outnumbers ``,``."""
    return ";" if header.count(";") > header.count(",") else ","


def header_index(header: list[str]) -> dict[str, int]:
    """Return each column's position, refusing a repeated column or a missing required one."""
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


def _row_id(record: Sequence[str], index: dict[str, int]) -> str | None:
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
        delimiter = sniff_delimiter(header_line)
        reader = csv.reader(itertools.chain([header_line], stream), delimiter=delimiter)
        header = next(reader)
        index = header_index(header)
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

    Pydantic keeps a set of the given field names in every instance, most of a point's memory
    for an IRVE row of 40 columns (measured in ``docs/performance.md``). ``ChargingPoint`` is
    frozen, so pydantic never adds to that set in place (assignment is refused first;
    ``model_copy`` copies the set), and sharing one set per distinct combination is safe.
    """
    fields_set = point.model_fields_set
    key = frozenset(fields_set)
    same = shared.setdefault(key, fields_set)
    if same is not fields_set:
        object.__setattr__(point, "__pydantic_fields_set__", same)


class IrveRowChecker:
    """Check IRVE rows one at a time, the same rules for every reader of IRVE files.

    A row is a list of raw cells in the file's column order (``index`` names each column's
    position). Each valid row becomes a :class:`~mobility.formats.report.ParsedAsset` in
    ``builder``; each refused one gives one refusal per column at fault, with its line. The
    columnar reader of the national file checks only the rows it keeps through this same class,
    so that the rules are one.
    """

    def __init__(self, index: dict[str, int], width: int, builder: ReportBuilder) -> None:
        self.index = index
        self.width = width
        self.builder = builder
        self._rules = [(rule, index.get(rule.name)) for rule in column_rules()]
        # Per-column memo of converted values: IRVE files repeat most values (operator,
        # booleans, enums, dates, a station's coordinates), so this saves the checks and shares
        # one copy of each repeated value between rows. Columns of unique values stop growing
        # their memo.
        self._memos: list[dict[str, Any]] = [{} for _ in self._rules]
        self._field_sets: dict[frozenset[str], set[str]] = {}

    def check(self, record: Sequence[str], line: int | None) -> None:
        """Check one row and add its point to the builder, or record why it is refused."""
        builder, index = self.builder, self.index
        if len(record) != self.width:
            builder.reject(
                line,
                _row_id(record, index),
                "row",
                f"The row has {len(record)} values but the header has {self.width} columns.",
            )
            return
        values: dict[str, Any] = {}
        failed = False
        for (rule, position), memo in zip(self._rules, self._memos, strict=True):
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
            return
        lon, lat = values.pop(COORDINATES_COLUMN)
        try:
            point = ChargingPoint.model_validate(values)
        except ValidationError as error:
            row_id = _row_id(record, index)
            for field_name, reason in validation_problems(error, known_fields=IRVE_COLUMNS):
                builder.reject(line, row_id, field_name, reason)
            return
        _share_fields_set(point, self._field_sets)
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


def _read_rows(
    reader: Any,
    index: dict[str, int],
    width: int,
    builder: ReportBuilder,
    tick: Callable[[], None] | None = None,
) -> None:
    checker = IrveRowChecker(index, width, builder)
    next_line = reader.line_num + 1
    for record in reader:
        line = next_line
        next_line = reader.line_num + 1
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # blank line
        builder.rows_read += 1
        if tick is not None and builder.rows_read % PROGRESS_EVERY == 0:
            tick()
        checker.check(record, line)
