# SPDX-License-Identifier: MIT
"""The national consolidated IRVE file, read once in columns and cut down to one commune.

``consolidation-etalab-schema-irve-statique-v-2.3.1.csv`` lists every charging point of France
(some 200,000 rows, the 40 schema columns and the consolidation's own). A commune needs the few
hundred that stand within its boundary and margin, so :func:`select_irve`:

1. reads the file in columns (:mod:`mobility.formats.irve_table`);
2. repairs and sorts what can be told on whole columns (:mod:`mobility.formats.irve_cleaning`):
   swapped positions, the latest ``date_maj`` of each point, the rows broken at a glance;
3. keeps the rows whose position lies in the outline (boundary + margin, lon/lat), gives each
   its own commune code from the boundaries;
4. checks only those rows with the per-row rules every IRVE file goes through
   (:class:`~mobility.formats.irve_reader.IrveRowChecker`).

So a bad row elsewhere in France never blocks an import: it is counted, not refused. A bad row
inside the outline is refused in the returned :class:`~mobility.formats.report.ReadReport`,
with its line, field and reason, and the import's mode decides. What was repaired is in the
:class:`~mobility.formats.irve_national_report.IrveCleaning` report beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import shapely
from shapely.geometry.base import BaseGeometry

from mobility.formats.irve_cleaning import (
    CONSOLIDATED_LAT,
    CONSOLIDATED_LON,
    FloatArray,
    IntArray,
    Positions,
    in_france_xy,
    latest_rows,
    point_keys,
    read_positions,
    screen_rows,
    trimmed,
)
from mobility.formats.irve_national_report import IrveCleaning, listed
from mobility.formats.irve_reader import IrveRowChecker
from mobility.formats.irve_schema import (
    COORDINATES_COLUMN,
    IRVE_COLUMNS,
    IRVE_FORMAT,
    required_columns,
)
from mobility.formats.irve_table import BadRow, IrveTable, read_irve_table
from mobility.formats.report import ProgressFn, ReadReport, ReportBuilder

CHECK_PROGRESS_EVERY = 1_000
"""Rows checked between two progress reports."""

SKIP_SUPERSEDED = "an older version of a point (a later date_maj is kept)"
SKIP_UNLOCATED = "no usable position (coordonneesXY nor consolidated columns)"
SKIP_OUTSIDE = "outside the commune and its margin"
SKIP_UNREADABLE = "unreadable row (wrong number of cells), not inside the outline"

_PAIR_IN_TEXT = re.compile(r"\[\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\]")

CodesAt = Callable[[FloatArray, FloatArray], "Sequence[str | None] | np.ndarray[Any, Any]"]
"""``codes(lons, lats)``: the INSEE code of the commune each point falls in, else ``None``."""


class PlaceCodes(Protocol):
    """Anything that tells the commune code of points (the boundaries an import reads)."""

    def codes_at(
        self, lons: FloatArray, lats: FloatArray
    ) -> Sequence[str | None] | np.ndarray[Any, Any]:
        """Return the code of the commune each point falls in, else ``None``."""
        ...


def select_irve(
    data: bytes | Path,
    *,
    outline: BaseGeometry,
    commune_codes: CodesAt | PlaceCodes,
    progress: ProgressFn | None = None,
    source_name: str = "",
) -> tuple[ReadReport, IrveCleaning]:
    """Return the charging points of an IRVE file that stand in ``outline``, and what was cleaned.

    ``outline`` is the commune and its margin in lon/lat (a point on its edge is inside);
    ``commune_codes`` gives each kept point its own ``code_insee_commune`` from the boundaries
    (a point in no known boundary keeps the file's code, counted as unverified).
    ``progress(rows done, rows in the file)`` follows the read, the selection and the checks.

    Raises
    ------
    UnsupportedFormatError
        When the file is empty, is not CSV, or lacks required IRVE columns.
    """
    raw = data.read_bytes() if isinstance(data, Path) else data
    name = source_name or (data.name if isinstance(data, Path) else "")
    wanted = (*IRVE_COLUMNS, CONSOLIDATED_LON, CONSOLIDATED_LAT)
    table = read_irve_table(raw, wanted=wanted)
    total = table.rows + len(table.bad_rows)
    if progress is not None:
        progress(0, total)
    columns = table.columns
    positions = read_positions(columns)
    winners = latest_rows(point_keys(columns), columns["date_maj"])
    superseded = winners != np.arange(table.rows)
    inside = _inside(outline, positions)
    chosen = np.flatnonzero(inside & ~superseded)
    broken = screen_rows(columns, required_columns(), positions)
    if progress is not None:
        progress(total - len(chosen), total)

    builder = ReportBuilder(IRVE_FORMAT, source_name=name, id_field="id_pdc_itinerance")
    builder.rows_read = total
    cleaning = IrveCleaning(
        source_name=name,
        encoding=table.encoding,
        delimiter=table.delimiter,
        rows_read=total,
        inside_outline=int(inside.sum()),
        duplicates_in_file=int(superseded.sum()),
        swapped_in_file=int(positions.swapped.sum()),
        unlocated=int((~positions.located & ~superseded).sum()),
        invalid_outside=int((broken & ~inside & ~superseded).sum()),
    )
    _note_duplicates(cleaning, table, winners, superseded, inside)
    skipped = {
        SKIP_SUPERSEDED: int(superseded.sum()),
        SKIP_UNLOCATED: cleaning.unlocated,
        SKIP_OUTSIDE: int((positions.located & ~inside & ~superseded).sum()),
    }
    for reason, count in skipped.items():
        if count:
            builder.skip(reason, count)
    records = _records(table, chosen, positions, commune_codes, cleaning)
    checker = IrveRowChecker(_positions_in_header(table), table.width, builder)
    for done, (row, record) in enumerate(zip(chosen.tolist(), records, strict=True), 1):
        checker.check(record, _line(table, row))
        if progress is not None and done % CHECK_PROGRESS_EVERY == 0:
            progress(total - len(chosen) + done, total)
    cleaning.invalid_outside += _place_bad_rows(table.bad_rows, table.width, outline, builder)
    read = builder.build()
    cleaning.kept = len(read.assets)
    cleaning.invalid_inside = read.rejected_rows
    cleaning.invalid_reasons = listed([row.to_dict() for row in read.rejected])
    if progress is not None:
        progress(total, total)
    return read, cleaning


def _inside(outline: BaseGeometry, positions: Positions) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Tell which rows stand in the outline: a box test first, the exact test on the few left."""
    west, south, east, north = outline.bounds
    lon, lat = positions.lon, positions.lat
    with np.errstate(invalid="ignore"):
        near = np.flatnonzero((lon >= west) & (lon <= east) & (lat >= south) & (lat <= north))
    inside = np.zeros(len(lon), dtype=np.bool_)
    if len(near):
        shapely.prepare(outline)
        inside[near] = shapely.intersects_xy(outline, lon[near], lat[near])
    return inside


def _line(table: IrveTable, row: int) -> int | None:
    return None if table.lines is None else int(table.lines[row])


def _positions_in_header(table: IrveTable) -> dict[str, int]:
    return {name: position for position, name in enumerate(table.header) if name}


def _codes(commune_codes: CodesAt | PlaceCodes, lon: FloatArray, lat: FloatArray) -> list[Any]:
    lookup = commune_codes.codes_at if hasattr(commune_codes, "codes_at") else commune_codes
    return list(lookup(lon, lat))


def _records(
    table: IrveTable,
    chosen: IntArray,
    positions: Positions,
    commune_codes: CodesAt | PlaceCodes,
    cleaning: IrveCleaning,
) -> list[list[str]]:
    """Return the chosen rows as cells in header order, positions and codes repaired.

    A swapped or consolidated position is written back into ``coordonneesXY`` as
    ``[lon, lat]``; the commune code the boundaries give replaces the file's when they differ.
    """
    index = _positions_in_header(table)
    taken = pa.array(chosen, pa.int64())
    cells = {
        name: column.take(taken).to_pylist()
        for name, column in table.columns.items()
        if name in index
    }
    records = [[""] * table.width for _ in range(len(chosen))]
    for name, values in cells.items():
        position = index[name]
        for record, value in zip(records, values, strict=True):
            record[position] = value
    lon, lat = positions.lon[chosen], positions.lat[chosen]
    codes = _codes(commune_codes, lon, lat) if len(chosen) else []
    xy, code_at = index[COORDINATES_COLUMN], index["code_insee_commune"]
    id_at = index["id_pdc_itinerance"]
    swapped, found, changed = [], 0, []
    for k, row in enumerate(chosen.tolist()):
        record, line = records[k], _line(table, row)
        if positions.swapped[row] or positions.from_consolidated[row]:
            written = record[xy]
            record[xy] = f"[{float(lon[k])!r}, {float(lat[k])!r}]"
            if positions.swapped[row]:
                swapped.append({"line": line, "id": record[id_at], "written": written})
            else:
                found += 1
        code, given = codes[k], record[code_at].strip()
        if not isinstance(code, str) or not code:  # None (or a blank) for no known commune
            cleaning.codes_unverified += 1
        elif str(code) != given:
            record[code_at] = str(code)
            entry = {"line": line, "id": record[id_at], "file": given, "boundaries": str(code)}
            changed.append(entry)
    cleaning.swapped_fixed, cleaning.swapped = len(swapped), listed(swapped)
    cleaning.consolidated_positions = found
    cleaning.codes_recomputed, cleaning.codes = len(changed), listed(changed)
    return records


def _note_duplicates(
    cleaning: IrveCleaning,
    table: IrveTable,
    winners: IntArray,
    superseded: np.ndarray[Any, np.dtype[np.bool_]],
    inside: np.ndarray[Any, np.dtype[np.bool_]],
) -> None:
    """Count and list the older versions of the points this outline concerns.

    An older row concerns the outline when it or the row kept for its point stands in it (a
    point moved out of the commune is reported too).
    """
    older = np.flatnonzero(superseded & (inside | inside[winners]))
    cleaning.duplicates_resolved = len(older)
    if not len(older):
        return
    shown = older[: cleaning.max_listed]
    ids = trimmed(table.columns["id_pdc_itinerance"]).take(pa.array(shown)).to_pylist()
    dates = table.columns["date_maj"].take(pa.array(shown)).to_pylist()
    kept_dates = table.columns["date_maj"].take(pa.array(winners[shown])).to_pylist()
    cleaning.duplicates = [
        {
            "line": _line(table, int(row)),
            "id": row_id,
            "date_maj": date,
            "kept_line": _line(table, int(winners[row])),
            "kept_date_maj": kept,
        }
        for row, row_id, date, kept in zip(shown, ids, dates, kept_dates, strict=True)
    ]


def _place_bad_rows(
    bad_rows: list[BadRow], width: int, outline: BaseGeometry, builder: ReportBuilder
) -> int:
    """Refuse an unreadable row that holds a position in the outline; count the others."""
    outside = 0
    for row in bad_rows:
        match = _PAIR_IN_TEXT.search(row.text)
        lon = lat = float("nan")
        if match is not None:
            lon, lat = float(match[1]), float(match[2])
            if not in_france_xy(np.array([lon]), np.array([lat]))[0]:
                lon, lat = lat, lon
        if match is not None and bool(shapely.intersects_xy(outline, lon, lat)):
            builder.reject(
                row.line,
                None,
                "row",
                f"The row has {row.cells} values but the header has {width} columns (often a "
                "separator inside an unquoted cell).",
            )
        else:
            outside += 1
    if outside:
        builder.skip(SKIP_UNREADABLE, outside)
    return outside
