# SPDX-License-Identifier: MIT
"""IRVE statique CSV: the real files, the round trip, and broken variants built from them."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from pathlib import Path

import pytest

from mobility.assets import ChargingPoint, Layer, is_valid_feature_id
from mobility.errors import UnsupportedFormatError
from mobility.formats import IRVE_COLUMNS, irve_schema_path, read_irve_csv, write_irve_csv
from mobility.formats.report import ReadReport, RejectedRow
from tests.mobility.formats.conftest import (
    EXAMPLE_IRVE,
    PARIS_IRVE,
    SGL_IRVE,
    as_point,
    csv_text,
)

Rows = tuple[list[str], list[list[str]]]


def _variant(paris_rows: Rows, column: str, value: str, *, row: int = 0) -> ReadReport:
    """Read the Paris file with one cell changed (row 0 is CSV line 2)."""
    header, rows = paris_rows
    changed = [list(r) for r in rows]
    changed[row][header.index(column)] = value
    return read_irve_csv(csv_text(header, changed).encode())


def _only_problem(report: ReadReport) -> RejectedRow:
    assert len(report.rejected) == 1, report.rejected
    return report.rejected[0]


# --- the real files -----------------------------------------------------------------------


def test_schema_columns_match_the_model() -> None:
    schema = json.loads(irve_schema_path().read_text(encoding="utf-8"))
    assert tuple(field["name"] for field in schema["fields"]) == IRVE_COLUMNS
    assert len(IRVE_COLUMNS) == 40
    model_fields = set(ChargingPoint.model_fields)
    assert model_fields == set(IRVE_COLUMNS) - {"coordonneesXY"}


def test_paris_file_all_valid() -> None:
    report = read_irve_csv(PARIS_IRVE.read_bytes(), source_name="irve_statique_75110.csv")
    assert report.format == "irve"
    assert report.rows_read == 89
    assert len(report.assets) == 89
    assert report.rejected == []
    assert report.duplicate_ids == []
    assert report.skipped == {}
    stations = {as_point(asset).id_station_itinerance for asset in report.assets}
    assert len(stations) == 18
    first = report.assets[0]
    assert first.layer == Layer.CHARGING_POINTS
    assert first.id == "FRV75EPX10134"
    assert (first.lon, first.lat) == (2.348162, 48.87517)
    assert first.line == 2
    assert first.footprint is None
    assert report.assets[-1].line == 90
    assert all(is_valid_feature_id(asset.id) for asset in report.assets)
    point = first.attributes
    assert isinstance(point, ChargingPoint)
    assert point.puissance_nominale == 7.0
    assert point.prise_type_ef is True
    assert point.gratuit is None
    assert point.num_pdl == "07136902963076"  # leading zero kept: a string column


def test_saint_germain_fixture_all_valid() -> None:
    report = read_irve_csv(SGL_IRVE.read_bytes())
    assert (report.rows_read, len(report.assets), report.rejected) == (21, 21, [])


def test_official_example_is_valid() -> None:
    report = read_irve_csv(EXAMPLE_IRVE.read_bytes())
    assert len(report.assets) == 2
    assert report.rejected == []
    assert report.assets[0].lon == 7.487105
    assert report.assets[0].lat == 48.345345


def test_models_share_fields_sets_without_sharing_state() -> None:
    report = read_irve_csv(PARIS_IRVE.read_bytes())
    a, b = as_point(report.assets[1]), as_point(report.assets[2])
    assert a.model_fields_set is b.model_fields_set  # the memory saving
    copy = a.model_copy(update={"nom_station": "Autre"})
    assert "nom_station" in copy.model_fields_set
    assert copy.model_fields_set is not a.model_fields_set
    with pytest.raises(ValueError, match="frozen"):
        a.nom_station = "Autre"  # type: ignore[misc]


# --- round trip ---------------------------------------------------------------------------


def _normalised(column: str, value: str) -> object:
    """Compare like the schema does where the source spells a value another way.

    Booleans: the source writes True/False, we write true/false. Numbers: "22" and "22.0" are
    the same number. Positions: "[7.48710500,48.345345]" and "[7.487105, 48.345345]" are the
    same pair. Every other column must come back character for character.
    """
    if value in {"True", "False", "true", "false", "1", "0"} and column not in {"nbre_pdc"}:
        return value.lower() in {"true", "1"}
    if column in {"nbre_pdc", "puissance_nominale"}:
        return float(value)
    if column == "coordonneesXY":
        return tuple(json.loads(value))
    return value


@pytest.mark.parametrize("path", [PARIS_IRVE, SGL_IRVE, EXAMPLE_IRVE], ids=lambda p: p.name)
def test_round_trip_keeps_every_field(path: Path) -> None:
    source = path.read_bytes()
    report = read_irve_csv(source)
    text = "".join(write_irve_csv((a.lon, a.lat, as_point(a)) for a in report.assets))
    original = list(csv.DictReader(io.StringIO(source.decode("utf-8"))))
    written = list(csv.DictReader(io.StringIO(text)))
    assert tuple(written[0]) == IRVE_COLUMNS
    assert len(written) == len(original)
    for before, after in zip(original, written, strict=True):
        for column in IRVE_COLUMNS:
            assert _normalised(column, after[column]) == _normalised(column, before[column]), (
                column,
                before[column],
                after[column],
            )
    # and the models read back are the same
    again = read_irve_csv(text.encode())
    assert [a.attributes.model_dump() for a in again.assets] == [
        a.attributes.model_dump() for a in report.assets
    ]
    assert [(a.lon, a.lat) for a in again.assets] == [(a.lon, a.lat) for a in report.assets]


def test_writer_spelling() -> None:
    report = read_irve_csv(PARIS_IRVE.read_bytes())
    asset = report.assets[0]
    lines = list(write_irve_csv([(asset.lon, asset.lat, as_point(asset))]))
    assert lines[0] == ",".join(IRVE_COLUMNS) + "\n"
    row = next(csv.DictReader(io.StringIO("".join(lines))))
    assert row["coordonneesXY"] == "[2.348162, 48.87517]"
    assert row["prise_type_ef"] == "true"
    assert row["prise_type_combo_ccs"] == "false"
    assert row["gratuit"] == ""
    assert row["date_maj"] == "2025-06-30"


# --- broken rows --------------------------------------------------------------------------


def test_bad_enum(paris_rows: Rows) -> None:
    report = _variant(paris_rows, "implantation_station", "Trottoir")
    problem = _only_problem(report)
    assert (problem.line, problem.field, problem.id) == (2, "implantation_station", "FRV75EPX10134")
    assert "'Trottoir' is not one of the allowed" in problem.reason
    assert len(report.assets) == 88


def test_bad_id_pattern(paris_rows: Rows) -> None:
    report = _variant(paris_rows, "id_pdc_itinerance", "FR-V75-E10134", row=4)
    problem = _only_problem(report)
    assert (problem.line, problem.field) == (6, "id_pdc_itinerance")
    assert "roaming id" in problem.reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-7", "below the minimum 0"),
        ("abc", "is not a number"),
        ("7,4", "use a dot as the decimal separator"),
        ("0", "greater than 0"),  # the schema allows 0 kW, the domain model does not
        ("22000", "less than or equal to 1000"),  # watts typed as kilowatts
        ("nan", "not a finite number"),
    ],
)
def test_bad_power(paris_rows: Rows, value: str, expected: str) -> None:
    problem = _only_problem(_variant(paris_rows, "puissance_nominale", value))
    assert problem.field == "puissance_nominale"
    assert expected in problem.reason
    assert problem.reason.endswith(".")


def test_swapped_coordinates(paris_rows: Rows) -> None:
    problem = _only_problem(_variant(paris_rows, "coordonneesXY", "[48.87517, 2.348162]"))
    assert problem.field == "coordonneesXY"
    assert "look swapped" in problem.reason
    assert "[2.348162, 48.87517]" in problem.reason


@pytest.mark.parametrize("value", ["[-73.9857, 40.7484]", "[55.4504, -20.8789]"])
def test_coordinates_outside_france(paris_rows: Rows, value: str) -> None:
    problem = _only_problem(_variant(paris_rows, "coordonneesXY", value))
    assert problem.field == "coordonneesXY"
    assert "outside metropolitan France" in problem.reason


@pytest.mark.parametrize("value", ["2.35, 48.87", "[2.35]", "[2.35, 48.87, 35]", '["a", "b"]'])
def test_coordinates_not_a_pair(paris_rows: Rows, value: str) -> None:
    problem = _only_problem(_variant(paris_rows, "coordonneesXY", value))
    assert problem.field == "coordonneesXY"
    assert "[longitude, latitude]" in problem.reason


def test_coordinates_json_spelling_accepted(paris_rows: Rows) -> None:
    report = _variant(paris_rows, "coordonneesXY", "[2.348162e0,48.87517]")
    assert report.rejected == []
    assert (report.assets[0].lon, report.assets[0].lat) == (2.348162, 48.87517)


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("prise_type_2", "oui", "not a boolean"),
        ("date_maj", "30/06/2025", "YYYY-MM-DD"),
        ("date_maj", "2025-02-30", "not a real calendar date"),
        ("nbre_pdc", "4.5", "not a whole number"),
        ("nbre_pdc", "-1", "below the minimum"),
        ("contact_operateur", "not-an-email", "not an e-mail address"),
        ("siren_amenageur", "5316804", "SIREN"),
        ("code_insee_commune", "7511", "INSEE"),
        ("horaires", "toujours", "opening hours"),
        ("nom_enseigne", "", "required"),
        ("nom_enseigne", "   ", "required"),
        ("accessibilite_pmr", "Oui", "not one of the allowed"),
    ],
)
def test_bad_values(paris_rows: Rows, column: str, value: str, expected: str) -> None:
    problem = _only_problem(_variant(paris_rows, column, value))
    assert problem.field == column
    assert expected in problem.reason


def test_boolean_spellings_accepted(paris_rows: Rows) -> None:
    for value, expected in [("1", True), ("0", False), ("true", True), ("FALSE", False)]:
        report = _variant(paris_rows, "reservation", value)
        assert report.rejected == []
        assert as_point(report.assets[0]).reservation is expected


def test_every_problem_of_a_row_is_reported(paris_rows: Rows) -> None:
    header, rows = paris_rows
    changed = [list(r) for r in rows]
    changed[0][header.index("prise_type_2")] = "oui"
    changed[0][header.index("date_maj")] = "hier"
    report = read_irve_csv(csv_text(header, changed).encode())
    assert {(p.line, p.field) for p in report.rejected} == {(2, "prise_type_2"), (2, "date_maj")}
    assert report.rejected_rows == 1
    assert report.to_dict()["rejected_rows"] == 1


def test_not_in_roaming_needs_a_local_id(paris_rows: Rows) -> None:
    header, rows = paris_rows
    changed = [list(r) for r in rows[:2]]
    changed[0][header.index("id_pdc_itinerance")] = "Non concerné"
    changed[0][header.index("id_pdc_local")] = ""
    changed[1][header.index("id_pdc_itinerance")] = "Non concerné"
    changed[1][header.index("id_pdc_local")] = "PDC-7"
    report = read_irve_csv(csv_text(header, changed).encode())
    problem = _only_problem(report)
    assert (problem.line, problem.field) == (2, "id_pdc_local")
    assert "id_pdc_local is required" in problem.reason
    assert [asset.id for asset in report.assets] == ["local-PDC-7"]


def test_local_id_unusable_in_a_url(paris_rows: Rows) -> None:
    header, rows = paris_rows
    changed = [list(rows[0])]
    changed[0][header.index("id_pdc_itinerance")] = "Non concerné"
    changed[0][header.index("id_pdc_local")] = "borne 7/A"
    problem = _only_problem(read_irve_csv(csv_text(header, changed).encode()))
    assert (problem.field, problem.id) == ("id_pdc_local", "local-borne 7/A")
    assert "cannot be used in a URL" in problem.reason


def test_row_with_wrong_number_of_values(paris_rows: Rows) -> None:
    header, rows = paris_rows
    text = csv_text(header, rows[:3]).splitlines()
    text[2] = text[2] + ",extra"
    report = read_irve_csv("\n".join(text).encode())
    problem = _only_problem(report)
    assert (problem.line, problem.field) == (3, "row")
    assert "41 values but the header has 40 columns" in problem.reason
    assert len(report.assets) == 2


def test_blank_lines_ignored_and_line_numbers_kept(paris_rows: Rows) -> None:
    header, rows = paris_rows
    lines = csv_text(header, rows[:2]).splitlines()
    text = "\n".join([lines[0], lines[1], "", lines[2]]) + "\n"
    report = read_irve_csv(text.encode())
    assert report.rows_read == 2
    assert [asset.line for asset in report.assets] == [2, 4]


def test_multiline_value_keeps_line_numbers(paris_rows: Rows) -> None:
    header, rows = paris_rows
    changed = [list(r) for r in rows[:3]]
    changed[0][header.index("observations")] = "première ligne\ndeuxième ligne"
    changed[2][header.index("nom_enseigne")] = ""
    report = read_irve_csv(csv_text(header, changed).encode())
    assert [asset.line for asset in report.assets] == [2, 4]
    assert _only_problem(report).line == 5


def test_duplicate_ids_last_wins(paris_rows: Rows) -> None:
    header, rows = paris_rows
    duplicate = list(rows[0])
    duplicate[header.index("puissance_nominale")] = "11.0"
    report = read_irve_csv(csv_text(header, [*rows, duplicate]).encode())
    assert report.duplicate_ids == ["FRV75EPX10134"]
    assert len(report.assets) == 89
    kept = next(a for a in report.assets if a.id == "FRV75EPX10134")
    assert kept.line == 91
    assert as_point(kept).puissance_nominale == 11.0
    problem = _only_problem(report)
    assert (problem.line, problem.id, problem.field) == (2, "FRV75EPX10134", "id_pdc_itinerance")
    assert "appears again at line 91" in problem.reason


# --- whole-file problems and encodings ----------------------------------------------------


def test_bom_and_semicolons_accepted(paris_rows: Rows) -> None:
    header, rows = paris_rows
    data = b"\xef\xbb\xbf" + csv_text(header, rows, delimiter=";").encode()
    report = read_irve_csv(data)
    assert len(report.assets) == 89
    assert report.rejected == []
    reference = read_irve_csv(PARIS_IRVE.read_bytes())
    assert [a.attributes for a in report.assets] == [a.attributes for a in reference.assets]


def test_crlf_line_endings_accepted(paris_rows: Rows) -> None:
    header, rows = paris_rows
    data = csv_text(header, rows).replace("\n", "\r\n").encode()
    assert len(read_irve_csv(data).assets) == 89


def test_latin1_refused_with_a_clear_message() -> None:
    data = PARIS_IRVE.read_text(encoding="utf-8").encode("latin-1")
    with pytest.raises(UnsupportedFormatError, match="not UTF-8") as caught:
        read_irve_csv(data)
    assert "line 2" in caught.value.message  # the first é is on the first data row


def test_missing_required_column_listed(paris_rows: Rows) -> None:
    header, rows = paris_rows
    drop = {header.index("puissance_nominale"), header.index("date_maj")}
    data = csv_text(
        [h for i, h in enumerate(header) if i not in drop],
        [[v for i, v in enumerate(r) if i not in drop] for r in rows],
    ).encode()
    with pytest.raises(UnsupportedFormatError) as caught:
        read_irve_csv(data)
    assert "Missing required column(s): puissance_nominale, date_maj." in caught.value.message


def test_missing_optional_column_is_tolerated(paris_rows: Rows) -> None:
    header, rows = paris_rows
    drop = header.index("observations")
    data = csv_text(
        [h for i, h in enumerate(header) if i != drop],
        [[v for i, v in enumerate(r) if i != drop] for r in rows],
    ).encode()
    assert len(read_irve_csv(data).assets) == 89


def test_repeated_column_refused(paris_rows: Rows) -> None:
    header, rows = paris_rows
    data = csv_text([*header, "nom_station"], [[*r, "x"] for r in rows[:1]]).encode()
    with pytest.raises(UnsupportedFormatError, match="repeats the column"):
        read_irve_csv(data)


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xef\xbb\xbf", b"  \r\n"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(UnsupportedFormatError, match="empty"):
        read_irve_csv(data)


def test_header_only_gives_an_empty_report() -> None:
    report = read_irve_csv((",".join(IRVE_COLUMNS) + "\n").encode())
    assert (report.rows_read, report.assets, report.rejected) == (0, [], [])


def test_not_an_irve_file() -> None:
    with pytest.raises(UnsupportedFormatError, match="not an IRVE statique CSV"):
        read_irve_csv(b"name,capacity\nFoo,3\n")


# --- scale ----------------------------------------------------------------------------------


def _synthetic(paris_rows: Rows, count: int) -> bytes:
    """Repeat the real rows with new point ids until ``count`` rows."""
    header, rows = paris_rows
    column = header.index("id_pdc_itinerance")
    local = header.index("id_pdc_local")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for index in range(count):
        row = list(rows[index % len(rows)])
        row[column] = row[local] = f"FRSYNE{index:09d}"
        writer.writerow(row)
    return buffer.getvalue().encode()


def test_150k_rows_parse_whole_and_in_order(paris_rows: Rows) -> None:
    """At scale every row is kept, in order, each equal to the same row read from a small file.

    How fast is measured by ``scripts/bench_import.py``, not here.
    """
    _, rows = paris_rows
    small = read_irve_csv(_synthetic(paris_rows, len(rows)))
    assert small.rejected == [] and len(small.assets) == len(rows)
    report = read_irve_csv(_synthetic(paris_rows, 150_000))
    assert report.rows_read == 150_000
    assert report.rejected == []
    assert report.duplicate_ids == []
    assert [asset.id for asset in report.assets] == [f"FRSYNE{i:09d}" for i in range(150_000)]
    ids = {"id_pdc_itinerance", "id_pdc_local"}
    for index in range(0, 150_000, 997):
        asset, source = report.assets[index], small.assets[index % len(rows)]
        assert (asset.lon, asset.lat, asset.line) == (source.lon, source.lat, index + 2)
        got = {k: v for k, v in asset.attributes.model_dump().items() if k not in ids}
        assert got == {k: v for k, v in source.attributes.model_dump().items() if k not in ids}


def test_memory_stays_modest(paris_rows: Rows) -> None:
    data = _synthetic(paris_rows, 20_000)
    tracemalloc.start()
    try:
        report = read_irve_csv(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(report.assets) == 20_000
    # the assets themselves are about 1 KB each; nothing proportional to the file is kept
    assert peak / 20_000 < 2_000, f"{peak / 20_000:.0f} bytes per row"
