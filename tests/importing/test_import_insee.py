# SPDX-License-Identifier: MIT
"""``mobility commune import`` with INSEE's own files, then the answers over HTTP, on both stores.

The 10e is imported from the cut region's files with, as its population, INSEE's IRIS table (a
Latin-1 ``;`` CSV written here: one IRIS of the 10e without a row, one row without a contour)
joined to IRIS contours in a GeoPackage in Lambert-93, or a Filosofi-style 200 m grid written
here in EPSG:3035 ids (some squares imputed, those at the edge crossing the boundary). Every
total and poverty figure is computed again here from the written files with plain shapely and
from the demand points the API returns.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from fastapi.testclient import TestClient
from pyproj import Transformer
from shapely.geometry import Point, Polygon, shape

from api.main import create_app
from mobility.geo import to_metric
from mobility.store import open_store
from tests.conftest import make_settings
from tests.importing.test_import_paris import stage
from tests.support.idf_import import ImportFiles, outline_of, read_features, run_import

QUESTION = {"layer": "charging-points", "within_m": 200}
GAPS = {"layer": "charging-points", "within_m": 300}
"""Farther: the homes left out form several gaps apart."""
DROPPED_IRIS_INDEX = 3
ORPHAN_CODE = "751109999"
ORPHAN_POPULATION = 321.5


def _table(region: ImportFiles, folder: Path) -> tuple[Path, Path, dict[str, float], str]:
    """Write the IRIS contours (GeoPackage) and INSEE's table (Latin-1 CSV) of the 9e and 10e."""
    iris = [
        f for f in read_features(region.iris) if f["properties"]["DEPCOM"] in ("75110", "75109")
    ]
    contours = gpd.GeoDataFrame(
        {
            "CODE_IRIS": [f["properties"]["DCOMIRIS"] for f in iris],
            "INSEE_COM": [f["properties"]["DEPCOM"] for f in iris],
            "NOM_IRIS": [f["properties"]["NOM_IRIS"] for f in iris],
        },
        geometry=[shape(f["geometry"]) for f in iris],
        crs="EPSG:4326",
    ).to_crs("EPSG:2154")
    contours_path = folder / "CONTOURS-IRIS_3-0__GPKG_LAMB93_FXX_2024-01-01.gpkg"
    contours.to_file(contours_path, layer="contours_iris")
    tenth = [f["properties"]["DCOMIRIS"] for f in iris if f["properties"]["DEPCOM"] == "75110"]
    dropped = tenth[DROPPED_IRIS_INDEX]
    youth: dict[str, float] = {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["IRIS", "COM", "LIBIRIS", "P21_POP", "P21_POP1529"])
    for index, feature in enumerate(iris):
        code, commune = feature["properties"]["DCOMIRIS"], feature["properties"]["DEPCOM"]
        if code == dropped:
            continue
        youth[code] = 150 + 7 * index + 0.25
        writer.writerow([code, commune, "Quartier à l'Hôpital", 1000 + index, youth[code]])
    writer.writerow([ORPHAN_CODE, "75110", "Îlot sans contour", 900, ORPHAN_POPULATION])
    table = folder / "base-ic-evol-struct-pop-2021.csv"
    table.write_bytes(buffer.getvalue().encode("latin-1"))
    return table, contours_path, youth, dropped


def _answers(client: TestClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the coverage report and its demand points."""
    report = client.get("/communes/75110/coverage", params=QUESTION)
    points = client.get("/communes/75110/coverage", params={**QUESTION, "f": "geojson"})
    assert report.status_code == 200 and points.status_code == 200, report.text
    return report.json(), points.json()


def test_the_iris_table_joined_to_its_contours(
    store_url: str, region: ImportFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table, contours, youth, dropped = _table(region, tmp_path)
    report = run_import(
        store_url,
        capsys,
        region,
        "75110",
        *("--population", str(table), "--zones", str(contours)),
        *("--population-field", "P21_POP1529"),
        population=False,
    )
    zones = stage(report, "population")
    tenth = [c for c in youth if c.startswith("75110")]
    assert (zones["read"], zones["kept"]) == (len(youth) + 1, len(tenth))
    assert zones["read"] == zones["kept"] + sum(zones["dropped"].values())
    facts = zones["facts"]
    assert facts["encoding"] == "latin-1"
    assert facts["zones_without_a_row"] == [dropped]
    assert facts["rows_without_a_zone"] == [ORPHAN_CODE]
    assert facts["population_of_rows_without_a_zone"] == ORPHAN_POPULATION
    own_total = sum(youth[c] for c in tenth) + ORPHAN_POPULATION
    assert facts["commune_total_in_source"] == pytest.approx(own_total, abs=0.05)
    assert facts["population_used"] == pytest.approx(own_total - ORPHAN_POPULATION, abs=0.05)
    named = {
        "field": "P21_POP1529",
        "description": "residents, aged 15 to 29 (INSEE census 2021, column P21_POP1529)",
        "age_group": "aged 15 to 29",
        "year": 2021,
        "source": facts["stored_as"],
    }
    store = open_store(store_url)
    try:
        demand = store.get_commune("75110").info["demand"]
    finally:
        store.close()
    assert demand["population"] == named
    assert demand["totals"]["commune_total_in_source"] == pytest.approx(own_total, abs=0.05)
    assert demand["totals"]["used"] == pytest.approx(own_total - ORPHAN_POPULATION, abs=0.05)
    assert f"The source counts {own_total:,.1f} inhabitants in the commune" in demand["description"]

    with TestClient(create_app(make_settings(store_url))) as client:
        answer, _ = _answers(client)
        refused = client.get("/communes/75110/gaps", params={**QUESTION, "by": "poverty"})
    assert answer["method"]["population"] == named
    assert answer["summary"]["population"] == pytest.approx(own_total - ORPHAN_POPULATION, abs=0.1)
    assert answer["summary"]["poverty"] is None
    assert "men_pauv" in answer["summary"]["poverty_unavailable_reason"]
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "by" in refused.text and "men_pauv" in refused.text


def _grid(outline: Any, folder: Path) -> tuple[Path, list[dict[str, Any]]]:
    """Write a Filosofi-style grid over the outline's bounds (and a ring beyond), EPSG:3035 ids."""
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
    lon_min, lat_min, lon_max, lat_max = outline.bounds
    x, y = to_grid.transform(
        [lon_min, lon_max, lon_min, lon_max], [lat_min, lat_min, lat_max, lat_max]
    )
    west, south = int(min(x) // 200 * 200) - 400, int(min(y) // 200 * 200) - 400
    east, north = int(max(x)) + 400, int(max(y)) + 400
    rng = np.random.default_rng(16)
    rows = []
    for n in range(south, north, 200):
        for e in range(west, east, 200):
            ind = float(np.round(rng.uniform(0, 400), 2))
            households = ind / 2.1
            rows.append(
                {
                    "idcar_200m": f"CRS3035RES200mN{n}E{e}",
                    "i_est_200": int(rng.uniform() < 0.15),
                    "ind": ind,
                    "men": round(households, 2),
                    "men_pauv": round(households * rng.uniform(0, 0.4), 2),
                    "ind_snv": round(ind * rng.uniform(15_000, 40_000), 1),
                    "lcog_geo": "75110",
                }
            )
    path = folder / "Filosofi2019_carreaux_200m_met.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path, rows


def _square(square_id: str) -> Polygon:
    """Rebuild a square from its id the slow way: four corners moved one by one."""
    north, east = (float(v) for v in square_id.split("N", 1)[1].split("E"))
    to_wire = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)
    corners = [(east, north), (east + 200, north), (east + 200, north + 200), (east, north + 200)]
    return Polygon([to_wire.transform(cx, cy) for cx, cy in corners])


def test_the_filosofi_grid_with_its_poverty(
    store_url: str, region: ImportFiles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outline = outline_of("75110", read_features(region.iris))
    grid_path, rows = _grid(outline, tmp_path)
    report = run_import(
        store_url, capsys, region, "75110", "--population", str(grid_path), population=False
    )
    outline_m = to_metric(outline)
    shares = {}
    for row in rows:
        square = to_metric(_square(row["idcar_200m"]))
        shares[row["idcar_200m"]] = square.intersection(outline_m).area / square.area
    by_id = {row["idcar_200m"]: row for row in rows}
    kept = {i: s for i, s in shares.items() if s >= 0.01}
    crossing = {i for i, s in kept.items() if s < 0.99}
    own_total = sum(by_id[i]["ind"] * s for i, s in shares.items())
    used = sum(by_id[i]["ind"] * (1 if s >= 0.999 else s) for i, s in kept.items())
    poor = sum(by_id[i]["men_pauv"] * (1 if s >= 0.999 else s) for i, s in kept.items())
    zones = stage(report, "population")
    assert zones["unit"] == "squares" and zones["read"] == len(rows)
    assert zones["kept"] == len(kept) and len(crossing) > 10
    facts = zones["facts"]
    assert facts["squares_crossing_the_boundary"] == len(crossing)
    assert facts["imputed_squares"] == sum(by_id[i]["i_est_200"] for i in kept) > 0
    assert facts["commune_total_in_source"] == pytest.approx(own_total, abs=0.1)
    assert facts["population_used"] == pytest.approx(used, abs=0.1)
    assert facts["poverty_fields"] == {
        "poor_households": "men_pauv",
        "living_standard_sum": "ind_snv",
    }

    with TestClient(create_app(make_settings(store_url))) as client:
        answer, points = _answers(client)
        by_people = client.get("/communes/75110/gaps", params=GAPS).json()
        by_poverty = client.get("/communes/75110/gaps", params={**GAPS, "by": "poverty"}).json()
    population = answer["method"]["population"]
    assert (population["field"], population["year"], population["age_group"]) == (
        "ind",
        2019,
        "all ages",
    )
    totals = answer["method"]["demand"]["totals"]
    assert totals["commune_total_in_source"] == pytest.approx(own_total, abs=0.1)
    assert totals["used"] == pytest.approx(used, abs=0.1)
    # Homes only inside the commune, and every square's people on its own streets.
    near = outline.buffer(1e-7)
    homes = points["features"]
    assert all(near.covers(Point(f["geometry"]["coordinates"])) for f in homes)
    assert sum(f["properties"]["population"] for f in homes) == pytest.approx(used, rel=1e-6)
    # Poverty: each home carries its square's poor households and living standards per person.
    ratio_poor = {i: r["men_pauv"] / r["ind"] for i, r in by_id.items() if r["ind"] > 0}
    ratio_living = {i: r["ind_snv"] / r["ind"] for i, r in by_id.items() if r["ind"] > 0}
    covered = [f["properties"] for f in homes if f["properties"]["covered"]]
    uncovered = [f["properties"] for f in homes if not f["properties"]["covered"]]
    assert covered and uncovered
    poor_covered = sum(p["population"] * ratio_poor[p["zone"]] for p in covered)
    living_covered = sum(p["population"] * ratio_living[p["zone"]] for p in covered)
    living_uncovered = sum(p["population"] * ratio_living[p["zone"]] for p in uncovered)
    figures = answer["summary"]["poverty"]
    assert answer["summary"]["poverty_unavailable_reason"] is None
    assert figures["poor_households"] == pytest.approx(poor, abs=0.2)
    assert figures["poor_households_covered"] == pytest.approx(poor_covered, abs=0.2)
    assert figures["poor_households_share_covered"] == pytest.approx(poor_covered / poor, abs=1e-3)
    assert figures["living_standard_covered_eur"] == pytest.approx(
        living_covered / sum(p["population"] for p in covered), abs=1
    )
    assert figures["living_standard_uncovered_eur"] == pytest.approx(
        living_uncovered / sum(p["population"] for p in uncovered), abs=1
    )

    ranked = [g["properties"]["poor_households_unserved"] for g in by_poverty["features"]]
    assert len(ranked) == len(by_people["features"]) > 2
    assert ranked == sorted(ranked, reverse=True)
    assert [g["properties"]["population_unserved"] for g in by_people["features"]] != [
        g["properties"]["population_unserved"] for g in by_poverty["features"]
    ]
    assert "poor households" in by_poverty["method"]["ranking"]
