# SPDX-License-Identifier: MIT
"""The national IRVE file cut down to one commune: exact counts, repairs, the row reader's rules."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import shapely

from mobility.assets import ChargingPoint
from mobility.boundary import BoundaryIndex, read_boundaries
from mobility.datafiles import data_file
from mobility.errors import UnsupportedFormatError
from mobility.formats import read_irve_csv
from mobility.formats.irve_national import (
    SKIP_OUTSIDE,
    SKIP_SUPERSEDED,
    SKIP_UNLOCATED,
    select_irve,
)
from mobility.formats.irve_national_report import IrveCleaning
from mobility.formats.report import ParsedAsset, ReadReport
from tests.mobility.formats.national_irve import (
    NationalFile,
    codes_at,
    national_file,
    outline,
    position,
    subset,
)


@cache
def _file() -> NationalFile:
    return national_file()


@cache
def _selected(
    delimiter: str = ",", encoding: str = "utf-8", newline: str = "\n"
) -> tuple[ReadReport, IrveCleaning]:
    data = _file().to_bytes(delimiter=delimiter, encoding=encoding, newline=newline)
    return select_irve(data, outline=outline(), commune_codes=codes_at, source_name="irve.csv")


def _inside_subset_ids() -> set[str]:
    """The ids of the subset's points in the outline, by the row reader and shapely one by one."""
    header, rows = subset()
    area = outline()
    column = header.index("id_pdc_itinerance")
    return {row[column] for row in rows if area.covers(shapely.Point(*position(row, list(header))))}


def _by_id(report: ReadReport) -> dict[str, ParsedAsset]:
    return {asset.id: asset for asset in report.assets}


def test_the_points_kept_are_the_subsets_points_in_the_outline() -> None:
    national = _file()
    read, cleaning = _selected()
    expected = _inside_subset_ids()
    bad = national.cell("bad_inside", "id_pdc_itinerance")
    local = national.cell("local_id", "id_pdc_local")
    expected = (expected - {bad, national.replaced_ids["local_id"]}) | {f"local-{local}"}
    assert set(_by_id(read)) == expected
    assert cleaning.kept == len(read.assets) == len(expected) == 103


def test_the_cleaning_report_counts_exactly() -> None:
    national = _file()
    read, cleaning = _selected()
    total = len(subset()[1]) + 4  # three duplicates inside, one outside
    assert cleaning.rows_read == read.rows_read == total == len(national.rows)
    assert cleaning.inside_outline == 104 + 3
    assert cleaning.duplicates_in_file == 4
    assert cleaning.duplicates_resolved == 3
    assert cleaning.swapped_in_file == 2
    assert cleaning.swapped_fixed == 1
    assert cleaning.consolidated_positions == 1
    assert cleaning.unlocated == 1
    assert cleaning.invalid_inside == 1
    assert cleaning.invalid_outside == 2  # the 22,000 kW typo and the point at (0, 0)
    assert (cleaning.encoding, cleaning.delimiter) == ("utf-8", ",")
    assert read.skipped == {
        SKIP_SUPERSEDED: 4,
        SKIP_UNLOCATED: 1,
        SKIP_OUTSIDE: total - 4 - 1 - (104 - 0),
    }
    assert sum(read.skipped.values()) + len(read.assets) + read.rejected_rows == total


def test_the_latest_date_maj_wins_whatever_the_order() -> None:
    national = _file()
    read, cleaning = _selected()
    kept = _by_id(read)
    older = kept[national.cell("older_original", "id_pdc_itinerance")]
    assert older.line == national.line("older_original")
    assert isinstance(older.attributes, ChargingPoint)
    assert older.attributes.puissance_nominale != 3.7
    newer = kept[national.cell("newer_copy", "id_pdc_itinerance")]
    assert newer.line == national.line("newer_copy")
    assert isinstance(newer.attributes, ChargingPoint)
    assert newer.attributes.nom_station == "Montreuil | Nouvelle station"
    tie = kept[national.cell("tie_copy", "id_pdc_itinerance")]
    assert tie.line == national.line("tie_copy")
    listed = {(entry["line"], entry["kept_line"]) for entry in cleaning.duplicates}
    assert listed == {
        (national.line("older_copy"), national.line("older_original")),
        (national.line("newer_original"), national.line("newer_copy")),
        (national.line("tie_original"), national.line("tie_copy")),
    }


def test_a_swapped_position_is_swapped_back_and_reported() -> None:
    national = _file()
    read, cleaning = _selected()
    row_id = national.cell("swapped", "id_pdc_itinerance")
    lat, lon = (float(v) for v in national.cell("swapped", "coordonneesXY").strip("[]").split(","))
    asset = _by_id(read)[row_id]
    assert (asset.lon, asset.lat) == (lon, lat)
    assert cleaning.swapped == [
        {
            "line": national.line("swapped"),
            "id": row_id,
            "written": national.cell("swapped", "coordonneesXY"),
        }
    ]


def test_a_position_only_in_the_consolidated_columns_is_used() -> None:
    national = _file()
    read, _ = _selected()
    asset = _by_id(read)[national.cell("consolidated_only", "id_pdc_itinerance")]
    assert asset.lon == float(national.cell("consolidated_only", "consolidated_longitude"))
    assert asset.lat == float(national.cell("consolidated_only", "consolidated_latitude"))


def test_commune_codes_come_from_the_boundaries() -> None:
    national = _file()
    read, cleaning = _selected()
    column = national.header.index("code_insee_commune")
    bad = national.rows[national.edits["bad_inside"]]
    (bad_code,) = codes_at(*(np.array([v]) for v in position(bad, national.header)))
    expected_changes = int(bad[column] != bad_code)  # the refused row was checked with its code
    for asset in read.assets:
        assert isinstance(asset.attributes, ChargingPoint)
        (boundary_code,) = codes_at(np.array([asset.lon]), np.array([asset.lat]))
        assert asset.attributes.code_insee_commune == boundary_code
        assert asset.line is not None
        expected_changes += national.rows[asset.line - 2][column] != boundary_code
    assert cleaning.codes_recomputed == expected_changes
    assert expected_changes >= 8  # the missing, the wrong, Paris 20e's points (Paris = 75056)
    changed = {entry["line"]: entry for entry in cleaning.codes}
    assert changed[national.line("code_missing")]["file"] == ""
    assert changed[national.line("code_wrong")]["file"] == "75001"
    assert changed[national.line("code_wrong")]["boundaries"] == "93048"


def test_points_in_no_known_boundary_keep_the_files_code() -> None:
    national = _file()

    def nowhere(lons: np.ndarray, lats: np.ndarray) -> list[str | None]:
        return [None] * len(lons)

    read, cleaning = select_irve(national.to_bytes(), outline=outline(), commune_codes=nowhere)
    assert cleaning.codes_recomputed == 0
    assert cleaning.codes_unverified == len(read.assets) + read.rejected_rows == 104
    column = national.header.index("code_insee_commune")
    for asset in read.assets:
        assert isinstance(asset.attributes, ChargingPoint) and asset.line is not None
        assert (asset.attributes.code_insee_commune or "") == national.rows[asset.line - 2][column]


def test_a_bad_row_inside_is_named_and_bad_rows_outside_only_counted() -> None:
    national = _file()
    read, cleaning = _selected()
    assert [(row.line, row.id, row.field) for row in read.rejected] == [
        (
            national.line("bad_inside"),
            national.cell("bad_inside", "id_pdc_itinerance"),
            "implantation_station",
        )
    ]
    assert "'Trottoir'" in read.rejected[0].reason
    assert cleaning.invalid_reasons == [row.to_dict() for row in read.rejected]


def test_the_same_points_as_the_row_reader_on_the_rows_both_keep() -> None:
    """Every point both readers keep from the same line is the same ParsedAsset (code aside)."""
    national = _file()
    ours, _ = _selected()
    theirs = {asset.line: asset for asset in read_irve_csv(national.to_bytes()).assets}
    compared = 0
    for asset in ours.assets:
        same = theirs.get(asset.line)
        if same is None:
            continue
        assert isinstance(same.attributes, ChargingPoint)
        code = asset.attributes.code_insee_commune  # type: ignore[union-attr]
        expected = ParsedAsset(
            layer=same.layer,
            id=same.id,
            lon=same.lon,
            lat=same.lat,
            attributes=same.attributes.model_copy(update={"code_insee_commune": code}),
            line=same.line,
        )
        assert asset == expected
        compared += 1
    # All kept points but the swapped one and the consolidated one (the row reader refuses
    # both) and the older-copy and newer-copy points (it keeps the later row of the file).
    assert compared == 103 - 4


@pytest.mark.parametrize(
    ("delimiter", "encoding", "newline", "detected"),
    [
        (";", "utf-8-sig", "\n", "utf-8-sig"),
        (",", "cp1252", "\r\n", "cp1252"),
        (";", "cp1252", "\n", "cp1252"),
    ],
)
def test_separators_bom_latin1_and_crlf_read_the_same(
    delimiter: str, encoding: str, newline: str, detected: str
) -> None:
    read, cleaning = _selected(delimiter, encoding, newline)
    base_read, base_cleaning = _selected()
    assert (cleaning.encoding, cleaning.delimiter) == (detected, delimiter)
    assert read.assets == base_read.assets
    assert read.rejected == base_read.rejected
    same = {**cleaning.to_dict(), "encoding": "", "delimiter": ""}
    assert same == {**base_cleaning.to_dict(), "encoding": "", "delimiter": ""}


def test_a_byte_windows_1252_leaves_undefined_falls_back_to_latin1() -> None:
    national = _file()
    rows = [list(row) for row in national.rows]
    rows[5][national.header.index("observations")] = "r?e"
    cp1252 = NationalFile(national.header, rows, national.edits).to_bytes(encoding="cp1252")
    data = cp1252.replace(b"r?e", b"r\x81e")  # a C1 control: Latin-1 only
    read, cleaning = select_irve(data, outline=outline(), commune_codes=codes_at)
    assert cleaning.encoding == "latin-1"
    assert [asset.id for asset in read.assets] == [asset.id for asset in _selected()[0].assets]


def test_lines_count_cells_that_span_lines_and_blank_lines() -> None:
    """A cell holding a line break and a blank line each push the later rows' lines down by one."""
    national = _file()
    rows = [list(row) for row in national.rows]
    rows[0][national.header.index("observations")] = "accès par la rue\nde derrière"
    data = NationalFile(national.header, rows, national.edits).to_bytes()
    # The quoted cell's break is in the first data row; a blank line follows that row's end.
    first_row_end = data.index(b"\n", data.index(b"de derri"))
    data = data[: first_row_end + 1] + b"\n" + data[first_row_end + 1 :]
    read, cleaning = select_irve(data, outline=outline(), commune_codes=codes_at)
    assert [(row.line, row.field) for row in read.rejected] == [
        (national.line("bad_inside") + 2, "implantation_station")
    ]
    assert cleaning.rows_read == len(rows)
    kept = {asset.id: asset.line for asset in read.assets}
    base = {asset.id: asset.line for asset in _selected()[0].assets}
    assert kept == {row_id: line + 2 for row_id, line in base.items() if line is not None}


def test_a_path_reads_like_bytes(tmp_path: Path) -> None:
    path = tmp_path / "consolidation.csv"
    path.write_bytes(_file().to_bytes())
    read, cleaning = select_irve(path, outline=outline(), commune_codes=codes_at)
    assert read.assets == _selected()[0].assets
    assert cleaning.source_name == read.source_name == "consolidation.csv"


def test_an_outline_with_no_point_keeps_nothing_and_refuses_nothing() -> None:
    far = shapely.box(5.0, 45.0, 5.01, 45.01)
    read, cleaning = select_irve(_file().to_bytes(), outline=far, commune_codes=codes_at)
    assert read.assets == [] and read.rejected == []
    assert cleaning.inside_outline == 0
    assert cleaning.invalid_outside == 2


def test_a_row_with_a_wrong_cell_count_inside_is_refused_with_its_line() -> None:
    national = _file()
    rows = [list(row) for row in national.rows]
    broken = national.edits["tie_original"]
    rows[broken] = [*rows[broken], "extra"]
    far_broken = national.edits["typo_outside"]
    rows[far_broken] = rows[far_broken][:10]
    data = NationalFile(national.header, rows, national.edits).to_bytes()
    read, cleaning = select_irve(data, outline=outline(), commune_codes=codes_at)
    assert [(row.line, row.field) for row in read.rejected] == [
        (national.line("tie_original"), "row"),
        (national.line("bad_inside"), "implantation_station"),
    ]
    assert "53 values but the header has 52 columns" in read.rejected[0].reason
    assert cleaning.invalid_outside == 2  # the short row replaced the typo; (0, 0) stays
    assert cleaning.rows_read == len(rows)


def test_files_that_are_not_irve_are_refused() -> None:
    with pytest.raises(UnsupportedFormatError, match="empty"):
        select_irve(b"\xef\xbb\xbf \n", outline=outline(), commune_codes=codes_at)
    with pytest.raises(UnsupportedFormatError, match="Missing required column"):
        select_irve(b"a;b\n1;2\n", outline=outline(), commune_codes=codes_at)


def test_progress_reaches_the_row_count() -> None:
    calls: list[tuple[int, int]] = []
    data = _file().to_bytes()
    select_irve(
        data, outline=outline(), commune_codes=codes_at, progress=lambda *a: calls.append(a)
    )
    total = len(_file().rows)
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_the_boundary_index_of_a_boundaries_file_gives_the_same_codes() -> None:
    """The import's own lookup (read_boundaries, BoundaryIndex) agrees with the brute force."""
    path = data_file("idf-context", "communes_75_92_93_94_adminexpress2018_simplified.geojson.gz")
    index = BoundaryIndex(read_boundaries(gzip.decompress(path.read_bytes())))
    read, cleaning = select_irve(_file().to_bytes(), outline=outline(), commune_codes=index)
    base_read, base_cleaning = _selected()
    assert read.assets == base_read.assets
    assert cleaning.codes == base_cleaning.codes


def test_an_object_with_codes_at_serves_as_the_lookup() -> None:
    class Boundaries:
        def codes_at(self, lons: np.ndarray, lats: np.ndarray) -> list[str | None]:
            return codes_at(lons, lats)

    read, _ = select_irve(_file().to_bytes(), outline=outline(), commune_codes=Boundaries())
    assert read.assets == _selected()[0].assets
