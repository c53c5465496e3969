# SPDX-License-Identifier: MIT
"""INSEE's own files read as published, and the poverty figures on cases computed by hand.

The IRIS table in Latin-1 with its ``;`` and leading zeros; the Filosofi grid's squares rebuilt
from their INSPIRE ids (south-west corner, EPSG:3035) the same from CSV, Parquet and GeoPackage;
the poor households carried by the demand points, counted within reach, and gaps ranked by them.
"""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon, box

from mobility.assets import Layer
from mobility.coverage.analysis import CoverageResult
from mobility.coverage.filters import AssetFilter
from mobility.coverage.gaps import find_gaps
from mobility.coverage.poverty import PovertyPoints, poverty_figures
from mobility.coverage.threshold import make_threshold
from mobility.demand import spread_population
from mobility.demand.filosofi import looks_like_grid, read_grid, year_in_name
from mobility.demand.insee_table import describe_column, looks_like_iris_table, read_iris_table
from mobility.errors import InvalidInputError

TO_WIRE = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)
TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)

TABLE = (
    "IRIS;REG;DEP;UU2020;COM;LIBCOM;TRIRIS;GRD_QUART;LIBIRIS;TYP_IRIS;MODIF_IRIS;LAB_IRIS;"
    "P21_POP;P21_POP0014;P21_POP1529;P21_POP80P\n"
    "010040101;84;01;01302;01004;Ambérieu-en-Bugey;;0100401;Les Allymes-Brédevent;H;00;1;"
    "1597.2;301.5;250,25;80\n"
    "010040102;84;01;01302;01004;Ambérieu-en-Bugey;;0100401;Centre-Gare;H;00;1;"
    "2000;400;310.75;\n"
    "10040201;84;01;01302;01004;Ambérieu-en-Bugey;;0100402;Préau;H;00;1;500;100;90;20\n"
    "010050000;84;01;01302;01005;Ambérieux-en-Dombes;;0100500;Ambérieux;Z;00;5;1700;350;300;40\n"
)


def test_a_column_name_states_its_year_and_age_group() -> None:
    cases = {
        "P21_POP": (2021, "all ages"),
        "P21_POP1529": (2021, "aged 15 to 29"),
        "P19_POP80P": (2019, "aged 80 or more"),
        "C21_POP15P": (2021, "aged 15 or more"),
        "P21_POPH": (2021, "men"),
    }
    for name, (year, group) in cases.items():
        column = describe_column(name)
        assert column is not None and (column.year, column.age_group) == (year, group)
        assert str(year) in column.description and group in column.description
    assert describe_column("LIBIRIS") is None


def test_the_latin1_table_keeps_its_codes_and_reads_a_decimal_comma() -> None:
    data = TABLE.encode("latin-1")
    assert looks_like_iris_table(data)
    rows = read_iris_table(data, column="P21_POP1529")
    assert rows.encoding == "latin-1"
    # The third code lost its leading zero in a spreadsheet: padded back to nine characters.
    assert rows.codes == ["010040101", "010040102", "010040201", "010050000"]
    assert rows.values.tolist() == [250.25, 310.75, 90.0, 300.0]
    assert rows.commune_total("01004") == pytest.approx(651.0)
    assert rows.column.age_group == "aged 15 to 29" and rows.column.year == 2021
    total = read_iris_table(TABLE.encode("utf-8"))  # the P??_POP total by default
    assert total.encoding == "utf-8" and total.column.name == "P21_POP"
    assert read_iris_table(data, column="P21_POP80P").values.tolist() == [80, 0, 20, 40]


def test_a_column_that_is_not_a_count_is_refused_with_the_counts_present() -> None:
    with pytest.raises(InvalidInputError) as refused:
        read_iris_table(TABLE.encode("latin-1"), column="LIBIRIS")
    problem = refused.value.problems[0]
    assert problem.field == "population_field"
    assert "P21_POP, P21_POP0014, P21_POP1529, P21_POP80P" in problem.message


def _grid_id(north: int, east: int) -> str:
    return f"CRS3035RES200mN{north}E{east}"


def _grid_rows() -> pd.DataFrame:
    """A 4 × 3 block of squares, with one far away that no outline reaches."""
    rows = []
    for i in range(4):
        for j in range(3):
            rows.append(
                {
                    "Idcar_200m": _grid_id(2_029_800 + 200 * j, 4_252_400 + 200 * i),
                    "I_est_200": int((i + j) % 3 == 0),
                    "Ind": 10.5 + i + 10 * j,
                    "Men": 5.0 + j,
                    "Men_pauv": float(i),
                    "Ind_snv": 21_000.0 * (10.5 + i + 10 * j),
                }
            )
    rows.append({**rows[0], "Idcar_200m": _grid_id(2_900_000, 3_800_000)})
    return pd.DataFrame(rows)


def _square(north: float, east: float) -> Polygon:
    corners = [(east, north), (east + 200, north), (east + 200, north + 200), (east, north + 200)]
    x, y = TO_WIRE.transform([c[0] for c in corners], [c[1] for c in corners])
    return Polygon(zip(x, y, strict=True))


def _outline() -> Polygon:
    """An outline over the block's middle, crossing squares (lon/lat)."""
    x, y = TO_WIRE.transform([4_252_500, 4_253_100], [2_029_900, 2_030_300])
    return box(x[0], y[0], x[1], y[1])


def test_squares_are_rebuilt_from_their_ids_whatever_the_container(tmp_path: object) -> None:
    rows = _grid_rows()
    csv = rows.to_csv(index=False, sep=";").encode()
    parquet_buffer = io.BytesIO()
    rows.to_parquet(parquet_buffer)
    gpkg_path = tmp_path / "grid.gpkg"  # type: ignore[operator]
    # The GeoPackage draws its squares in Lambert-93, shifted: only the ids count.
    gpd.GeoDataFrame(rows, geometry=[box(0, 0, 1, 1)] * len(rows), crs="EPSG:2154").to_file(
        gpkg_path
    )
    outline = _outline()
    reads = [read_grid(data, outline) for data in (csv, parquet_buffer.getvalue())]
    reads.append(read_grid(gpkg_path.read_bytes(), outline))
    for data in (csv, parquet_buffer.getvalue(), gpkg_path.read_bytes()):
        assert looks_like_grid(data)
    first = reads[0].squares
    assert reads[0].squares_read == 13
    assert reads[0].poverty_fields == {
        "poor_households": "men_pauv",
        "living_standard_sum": "ind_snv",
    }
    for other in reads[1:]:
        assert other.squares["idcar_200m"].tolist() == first["idcar_200m"].tolist()
        assert other.squares["ind"].tolist() == first["ind"].tolist()
        assert shapely.equals_exact(
            np.asarray(other.squares.geometry), np.asarray(first.geometry), tolerance=1e-9
        ).all()
    # Every square the outline touches, none other; each with its south-west corner at N, E.
    expected = {
        row["Idcar_200m"]
        for _, row in rows.iterrows()
        if _square(*map(float, row["Idcar_200m"][15:].split("E"))).intersects(outline)
    }
    assert set(first["idcar_200m"]) == expected and len(expected) == 12
    for square_id, geometry in zip(first["idcar_200m"], first.geometry, strict=True):
        north, east = (float(v) for v in square_id[15:].split("E"))
        x, y = TO_GRID.transform(*geometry.exterior.xy)
        assert (min(x), min(y)) == pytest.approx((east, north), abs=1e-3)
        assert (max(x) - min(x), max(y) - min(y)) == pytest.approx((200, 200), abs=1e-3)
    flagged = {row["Idcar_200m"] for _, row in rows.iterrows() if row["I_est_200"] == 1}
    assert set(first.loc[first["imputed"], "idcar_200m"]) == flagged & expected
    assert reads[0].imputed == 4


def test_a_grid_without_ind_or_with_a_wrong_id_is_refused() -> None:
    rows = _grid_rows()
    with pytest.raises(InvalidInputError, match="ind"):
        read_grid(rows.drop(columns="Ind").to_csv(index=False).encode(), _outline())
    rows.loc[3, "Idcar_200m"] = "N2029800E4252400"
    with pytest.raises(InvalidInputError) as refused:
        read_grid(rows.to_csv(index=False).encode(), _outline())
    assert refused.value.problems[0].field == "population.idcar_200m"


def test_the_year_is_read_from_the_grid_file_name() -> None:
    assert year_in_name("Filosofi2019_carreaux_200m_met.csv") == 2019
    assert year_in_name("carreaux_200m.gpkg") is None


def test_a_cut_square_keeps_its_poor_households_per_inhabitant() -> None:
    """One square of 100 individuals and 10 poor households, half inside: 50 and 5 kept."""
    x, y = TO_WIRE.transform([4_252_400, 4_252_600, 4_252_500], [2_029_800, 2_030_000, 2_030_000])
    square = box(x[0], y[0], x[1], y[1])
    outline = box(x[0] - 0.01, y[0] - 0.01, x[2], y[1] + 0.01)  # the western half, in lon/lat
    zones = gpd.GeoDataFrame(
        {"idcar_200m": ["a"], "ind": [100.0], "men_pauv": [10.0], "ind_snv": [2_000_000.0]},
        geometry=[square],
        crs="EPSG:4326",
    )
    middle = (x[0] + x[1]) / 2
    streets = gpd.GeoDataFrame(
        geometry=[shapely.LineString([(x[0], (y[0] + y[1]) / 2), (x[1], (y[0] + y[1]) / 2)])],
        crs="EPSG:4326",
    )
    demand = spread_population(
        zones,
        population_field="ind",
        zone_id_field="idcar_200m",
        streets=streets,
        outline=outline,
        carried={"poor_households": "men_pauv", "living_standard_sum": "ind_snv"},
    )
    points = demand.points
    share = demand.total_population / 100.0
    assert share == pytest.approx((middle - x[0]) / (x[1] - x[0]), rel=0.02)
    assert points["poor_households"].sum() == pytest.approx(10.0 * share)
    assert (points["poor_households"] / points["population"]).tolist() == pytest.approx(
        [0.1] * len(points)
    )
    assert points["living_standard_sum"].sum() / points["population"].sum() == pytest.approx(20_000)
    assert demand.method.to_dict()["carried"] == {
        "poor_households": "men_pauv",
        "living_standard_sum": "ind_snv",
    }


def _result(
    lon: list[float], population: list[float], poor: list[float] | None, covered: list[bool]
) -> CoverageResult:
    count = len(population)
    return CoverageResult(
        commune="75110",
        threshold=make_threshold("walk", within_m=300),
        asset_filter=AssetFilter(Layer.CHARGING_POINTS),
        assets_used=1,
        assets_off_network=0,
        lon=np.array(lon),
        lat=np.full(count, 48.875),
        population=np.array(population, dtype=np.float64),
        zone=np.array([f"z{i}" for i in range(count)]),
        distance_m=np.full(count, 500.0),
        cost=np.full(count, 500.0),
        off_network=np.zeros(count, dtype=bool),
        covered=np.array(covered, dtype=bool),
        method={"population": {"source": "iris.geojson"}},
        poverty=PovertyPoints(None if poor is None else np.array(poor), None),
    )


def test_poverty_within_reach_computed_by_hand() -> None:
    population = np.array([10.0, 20.0, 30.0, 40.0])
    points = PovertyPoints(
        poor_households=np.array([1.0, 4.0, 3.0, 0.0]),
        living_standard_sum=np.array([150_000.0, 300_000.0, 600_000.0, 1_000_000.0]),
    )
    covered = np.array([True, False, True, False])
    figures = poverty_figures(points, population, covered)
    assert figures is not None
    # Poor: 1 + 3 = 4 of 8 within reach; living standards: 750,000 / 40 and 1,300,000 / 60.
    assert figures["poor_households"] == 8.0
    assert figures["poor_households_covered"] == 4.0
    assert figures["poor_households_share_covered"] == 0.5
    assert figures["living_standard_covered_eur"] == 18_750
    assert figures["living_standard_uncovered_eur"] == 21_667
    assert poverty_figures(PovertyPoints(None, None), population, covered) is None


def test_gaps_ranked_by_poverty_put_the_poorest_first() -> None:
    # Three uncovered homes far apart: 100 people with 2 poor households, 50 with 9, 80 with 5.
    boundary = box(2.30, 48.86, 2.40, 48.89).__geo_interface__
    result = _result([2.31, 2.35, 2.39], [100.0, 50.0, 80.0], [2.0, 9.0, 5.0], [False] * 3)
    by_people = find_gaps(result, boundary)
    by_poverty = find_gaps(result, boundary, by="poverty")
    assert [g.population_unserved for g in by_people] == [100.0, 80.0, 50.0]
    assert [g.poor_households_unserved for g in by_poverty] == [9.0, 5.0, 2.0]
    assert [g.rank for g in by_poverty] == [1, 2, 3]
    assert by_poverty[0].to_feature()["properties"]["poor_households_unserved"] == 9.0
    without = _result([2.31], [100.0], None, [False])
    assert (
        find_gaps(without, boundary)[0].to_feature()["properties"]["poor_households_unserved"]
        is None
    )
    with pytest.raises(InvalidInputError) as refused:
        find_gaps(without, boundary, by="poverty")
    assert refused.value.problems[0].field == "by"
    assert "iris.geojson" in refused.value.problems[0].message
