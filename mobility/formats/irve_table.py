# SPDX-License-Identifier: MIT
"""An IRVE CSV read in columns: every cell as text, each row with its line in the file.

The national consolidated file holds some 200,000 rows; reading it row by row in Python takes
minutes, reading it in columns with pyarrow a fraction of a second. The cells stay text (no type
is guessed), so that the rows a caller keeps can be checked by the same per-row rules as any
other IRVE file (:class:`~mobility.formats.irve_reader.IrveRowChecker`).

What a real file varies in is found first: the encoding (UTF-8, with or without a BOM, else
Windows-1252, the spreadsheets' Latin-1) and the separator (``,`` or ``;``, from the header).
Each row keeps its physical line number (the header being line 1), computed from the bytes
without a Python loop: a line break ends a record only outside quotes, and a quote count's
parity tells which. A row that has the wrong number of cells is not dropped silently: it comes
back with its line and text.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray
from pyarrow import csv as pa_csv

from mobility.errors import UnsupportedFormatError
from mobility.formats.irve_reader import header_index, sniff_delimiter

UTF8_BOM = b"\xef\xbb\xbf"
_NOT_BLANK = re.compile(rb"\S")
_SCAN_CHUNK = 1 << 23
"""Bytes scanned at a time for line breaks and quotes (bounds the temporary arrays)."""
_NEWLINE, _RETURN, _QUOTE = 10, 13, 34


@dataclass(frozen=True)
class BadRow:
    """A row whose cell count differs from the header's, with its line and its text."""

    line: int | None
    cells: int
    text: str


@dataclass
class IrveTable:
    """The cells of an IRVE CSV as text columns, and how the file was written.

    ``columns`` maps each kept column name to one string per row (empty cells are ``""``);
    ``lines`` gives each row's line in the file, or is ``None`` when it could not be told
    (then rows are reported without a line). ``width`` is the header's column count.
    """

    columns: dict[str, pa.ChunkedArray]
    rows: int
    width: int
    header: list[str]
    lines: NDArray[np.int64] | None
    encoding: str
    delimiter: str
    bad_rows: list[BadRow] = field(default_factory=list)


def _header(data: bytes) -> tuple[list[str], str]:
    end = data.find(b"\n")
    line = data[: end if end >= 0 else len(data)]
    try:
        first = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        first = line.decode("cp1252", errors="replace")
    if not first.strip():
        raise UnsupportedFormatError("The file is empty: expected an IRVE statique CSV.")
    delimiter = sniff_delimiter(first)
    try:
        names = next(csv.reader([first], delimiter=delimiter))
    except csv.Error as error:
        raise UnsupportedFormatError(f"The CSV header cannot be read: {error}.") from None
    return [name.strip() for name in names], delimiter


def _scan(array: NDArray[np.uint8], byte: int) -> NDArray[np.int64]:
    found = [
        np.flatnonzero(array[start : start + _SCAN_CHUNK] == byte) + start
        for start in range(0, len(array), _SCAN_CHUNK)
    ]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def record_lines(
    data: bytes, *, quoted: bool = True
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Return each CSV record's first physical line (record 0 = header) and whether it is empty.

    Line breaks are LF, CR LF or a lone CR; a break ends a record only when an
    even number of quotes precede it (a quote inside a quoted cell is doubled, so the parity
    holds); with ``quoted=False`` every break ends a record (no cell spans lines, the quotes
    need not be scanned). An empty record (nothing, or a lone CR, between two breaks) is one pyarrow
    skips, as the row reader does.
    """
    array = np.frombuffer(data, dtype=np.uint8)
    breaks = _scan(array, _NEWLINE)
    if data.find(b"\r") >= 0:
        returns = _scan(array, _RETURN)
        after = np.minimum(returns + 1, len(array) - 1)
        lone = returns[(returns + 1 >= len(array)) | (array[after] != _NEWLINE)]
        breaks = np.union1d(breaks, lone) if len(lone) else breaks
    ends = breaks
    if quoted:
        quotes = _scan(array, _QUOTE)
        ends = breaks[np.searchsorted(quotes, breaks) % 2 == 0]
    starts = np.concatenate([[0], ends + 1])
    stops = np.concatenate([ends, [len(array)]])
    # A record ending in \r\n: its \r is part of the break, not of the record.
    before = np.maximum(stops - 1, 0)
    trimmed = stops - ((stops > starts) & (array[before] == _RETURN))
    empty = trimmed <= starts
    lines = np.searchsorted(breaks, starts) + 1
    if starts[-1] >= len(array):  # nothing after the last break
        lines, empty = lines[:-1], empty[:-1]
    return lines.astype(np.int64), empty


def read_irve_table(data: bytes, *, wanted: tuple[str, ...]) -> IrveTable:
    """Read an IRVE CSV's ``wanted`` columns (those it has) as text, one value per row.

    Raises
    ------
    UnsupportedFormatError
        When the file is empty, cannot be read as CSV, or lacks the required IRVE columns.
    """
    if _NOT_BLANK.search(data, 3 if data.startswith(UTF8_BOM) else 0) is None:
        raise UnsupportedFormatError("The file is empty: expected an IRVE statique CSV.")
    header, delimiter = _header(data)
    index = header_index(header)
    kept = {name: f"c{index[name]}" for name in wanted if name in index}
    bad: list[tuple[int | None, int, str]] = []
    encoding = "utf-8"
    try:
        table = _read(data, len(header), kept, delimiter, encoding, bad)
    except pa.ArrowInvalid as error:
        if "UTF8" not in str(error):
            raise UnsupportedFormatError(f"The file cannot be read as CSV: {error}.") from None
        encoding = "cp1252"  # the spreadsheets' Latin-1, which holds € and ’ besides
        bad.clear()
        try:
            table = _read(data, len(header), kept, delimiter, encoding, bad)
        except UnicodeDecodeError:  # one of the five bytes cp1252 leaves undefined
            encoding = "latin-1"
            bad.clear()
            table = _read(data, len(header), kept, delimiter, encoding, bad)
    if encoding == "utf-8" and data.startswith(UTF8_BOM):
        encoding = "utf-8-sig"
    # Physical lines: first as if no cell spanned lines (no quote scan); when the records
    # then outnumber the rows, some cell does, and the quotes tell which breaks end records.
    numbers = [number for number, _, _ in bad]
    records, empty = record_lines(data, quoted=False)
    lines, at = _row_lines(records, empty, table.num_rows, numbers)
    if lines is None:
        records, empty = record_lines(data)
        lines, at = _row_lines(records, empty, table.num_rows, numbers)
    bad_rows = [
        BadRow(None if lines is None or record is None else int(records[record]), cells, text)
        for record, (_, cells, text) in zip(at, bad, strict=True)
        if text.strip()  # a line of blanks is a blank line, as for the row reader
    ]
    columns = {name: table.column(column) for name, column in kept.items()}
    return IrveTable(
        columns=columns,
        rows=table.num_rows,
        width=len(header),
        header=header,
        lines=lines,
        encoding=encoding,
        delimiter=delimiter,
        bad_rows=bad_rows,
    )


def _read(
    data: bytes,
    width: int,
    kept: dict[str, str],
    delimiter: str,
    encoding: str,
    bad: list[tuple[int | None, int, str]],
) -> pa.Table:
    """Read the kept columns as text; rows of the wrong width go to ``bad``, not the table."""

    def keep_aside(row: pa_csv.InvalidRow) -> str:
        bad.append((row.number, row.actual_columns, row.text))
        return "skip"

    # Serial reading: pyarrow numbers a bad row only then, and a commune's import reads one file.
    return pa_csv.read_csv(
        pa.py_buffer(data),
        read_options=pa_csv.ReadOptions(
            use_threads=False,
            skip_rows=1,
            column_names=[f"c{position}" for position in range(width)],
            encoding="utf8" if encoding == "utf-8" else encoding,
            block_size=1 << 24,
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, invalid_row_handler=keep_aside
        ),
        convert_options=pa_csv.ConvertOptions(
            include_columns=list(kept.values()),
            column_types=dict.fromkeys(kept.values(), pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _row_lines(
    records: NDArray[np.int64], empty: NDArray[np.bool_], rows: int, bad: list[int | None]
) -> tuple[NDArray[np.int64] | None, list[int | None]]:
    """Return the line of each row pyarrow kept, and the record of each bad row.

    The lines are ``None`` when the records do not agree with pyarrow's rows. pyarrow numbers
    a bad row by its place among the non-empty records, the header being 1.
    """
    filled = np.flatnonzero(~empty)
    at = [int(filled[n - 1]) if n is not None and 0 < n <= len(filled) else None for n in bad]
    keep = ~empty
    keep[0] = False  # the header
    for record in at:
        if record is None:
            return None, at
        keep[record] = False
    found = records[keep]
    return (found if len(found) == rows else None), at
