# SPDX-License-Identifier: MIT
"""The column-wide steps of the national IRVE reader against a slow row-by-row computation."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.formats.irve_cleaning import latest_rows, point_keys, read_positions
from mobility.formats.irve_table import record_lines
from mobility.geo import in_france

_CELL = st.lists(st.sampled_from(["a", "é", ",", '"', "\n", "\r\n", " ", "1"]), max_size=6).map(
    "".join
)


def _csv_records(text: str) -> tuple[list[int], list[bool]]:
    """Each record's first line and whether it is blank, as the csv module reads them."""
    reader = csv.reader(io.StringIO(text, newline=""))
    lines, blank = [], []
    next_line = 1
    for record in reader:
        lines.append(next_line)
        blank.append(record == [])
        next_line = reader.line_num + 1
    return lines, blank


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(_CELL, min_size=1, max_size=4), min_size=1, max_size=12),
    blanks=st.lists(st.booleans(), min_size=12, max_size=12),
    terminator=st.sampled_from(["\n", "\r\n"]),
    final_break=st.booleans(),
)
def test_record_lines_agree_with_the_csv_module(
    rows: list[list[str]], blanks: list[bool], terminator: str, final_break: bool
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=terminator)
    for row, blank in zip(rows, blanks, strict=False):
        writer.writerow(row)
        if blank:
            buffer.write(terminator)
    text = buffer.getvalue()
    if not final_break:
        text = text.removesuffix(terminator)
    lines, empty = record_lines(text.encode("utf-8"))
    expected_lines, expected_blank = _csv_records(text)
    assert lines.tolist() == expected_lines
    assert empty.tolist() == expected_blank


_KEYS = st.sampled_from(["FRA1B2C3", " FRA1B2C3 ", "FRX9Y8Z7", "Non concerné", ""])
_LOCAL = st.sampled_from(["", "L1", "L2 "])
_DATES = st.sampled_from(["2024-01-01", "2025-06-30", " 2025-06-30", "", "30/06/2025", "2023"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_KEYS, _LOCAL, _DATES), min_size=1, max_size=25))
def test_latest_rows_agree_with_a_brute_force(rows: list[tuple[str, str, str]]) -> None:
    columns = {
        "id_pdc_itinerance": pa.chunked_array([pa.array([r[0] for r in rows])]),
        "id_pdc_local": pa.chunked_array([pa.array([r[1] for r in rows])]),
    }
    dates = pa.chunked_array([pa.array([r[2] for r in rows])])
    winners = latest_rows(point_keys(columns), dates)

    def key(i: int) -> str:
        roaming, local = rows[i][0].strip(), rows[i][1].strip()
        if roaming and roaming != "Non concerné":
            return roaming
        return f"local-{local}" if local else f"#{i}"

    def day(i: int) -> str:
        text = rows[i][2].strip()
        return text if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else ""

    for i in range(len(rows)):
        same = [j for j in range(len(rows)) if key(j) == key(i)]
        assert winners[i] == max(same, key=lambda j: (day(j), j))


_NUMBER = st.floats(min_value=-60, max_value=60, allow_nan=False).map(lambda v: round(v, 4))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.tuples(_NUMBER, _NUMBER).map(lambda p: f"[{p[0]}, {p[1]}]"),
                st.sampled_from(["", "[2.35 48.87]", "2.35, 48.87", "[x, y]"]),
            ),
            st.one_of(_NUMBER.map(str), st.just("")),
            st.one_of(_NUMBER.map(str), st.just("")),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_positions_agree_with_a_row_by_row_reading(rows: list[tuple[str, str, str]]) -> None:
    columns = {
        name: pa.chunked_array([pa.array([r[k] for r in rows])])
        for k, name in enumerate(
            ("coordonneesXY", "consolidated_longitude", "consolidated_latitude")
        )
    }
    positions = read_positions(columns)
    for i, (cell, other_lon, other_lat) in enumerate(rows):
        match = re.fullmatch(r"\[(-?\d+(?:\.\d+)?), (-?\d+(?:\.\d+)?)\]", cell)
        expected: tuple[float, float] | None = None
        swapped = consolidated = False
        if match is not None:
            lon, lat = float(match[1]), float(match[2])
            if in_france(lon, lat):
                expected = (lon, lat)
            elif in_france(lat, lon):
                expected, swapped = (lat, lon), True
        if expected is None and other_lon and other_lat:
            if in_france(float(other_lon), float(other_lat)):
                expected, consolidated = (float(other_lon), float(other_lat)), True
        got = (positions.lon[i], positions.lat[i])
        if expected is None:
            assert np.isnan(got[0]) and np.isnan(got[1])
        else:
            assert got == expected
        assert bool(positions.swapped[i]) == swapped
        assert bool(positions.from_consolidated[i]) == consolidated
