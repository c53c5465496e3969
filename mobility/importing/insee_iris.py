# SPDX-License-Identifier: MIT
"""INSEE's IRIS table joined to IGN's IRIS contours: the commune's zones with their count.

INSEE publishes the counts (``base-ic-evol-struct-pop-2021.csv``, one row per IRIS) and IGN the
shapes (``CONTOURS-IRIS``, with ``CODE_IRIS`` and ``INSEE_COM``): the planner had to join them by
hand. Here the contours that lie in the commune are joined to the table's rows by IRIS code. A
contour without a row has no count and is left out; a row of the commune without a contour lies
nowhere and is left out: both are named in the report, with the population the rows hold, and
INSEE's own total for the commune (its rows summed by ``COM``) is stated next to the sum used.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from mobility.demand.insee_table import IrisRows, iris_code, read_iris_table
from mobility.errors import FieldProblem, InvalidInputError
from mobility.geo.vector_files import open_vector_file
from mobility.importing.area import CommuneArea
from mobility.importing.population import (
    SelectedPopulation,
    keep_inside,
    stored_name,
    to_stored,
    used_by_area,
    zone_shares,
)
from mobility.importing.report import StageReport
from mobility.importing.request import InputFile

CODE_FIELDS = ("CODE_IRIS", "code_iris", "DCOMIRIS", "IRIS", "iris")
"""The contours' IRIS code, as IGN (CONTOURS-IRIS, IRIS-GE) and older files name it."""
COMMUNE_FIELDS = ("INSEE_COM", "insee_com", "DEPCOM", "COM")
ZONE_ID_FIELD = "CODE_IRIS"
CODES_NAMED = 10


def join_iris(
    table: InputFile,
    contours: InputFile,
    area: CommuneArea,
    *,
    column: str | None,
    description: str | None,
    year: int | None,
) -> SelectedPopulation:
    """Join the table's ``column`` (the ``P??_POP`` total when None) to the commune's contours.

    Raises
    ------
    InvalidInputError
        The table or the column is unusable, the contours have no IRIS code, or no contour with
        a row lies in the commune.
    """
    rows = read_iris_table(table.plain(), column=column)
    shapes = _contours(contours)
    code_field = next(name for name in CODE_FIELDS if name in shapes.columns)
    codes = [iris_code(value) for value in shapes[code_field]]
    report = StageReport(stage="population", unit="zones", source=table.describe())
    report.read = len(shapes)
    share = zone_shares(shapes, area)
    inside = keep_inside(report, share)
    values = dict(zip(rows.codes, rows.values.tolist(), strict=True))
    with_row = np.array([code in values for code in codes], dtype=bool)
    without_row = sorted(code for code, kept in zip(codes, inside & ~with_row, strict=True) if kept)
    kept = inside & with_row
    if not kept.any():
        raise InvalidInputError(
            "no IRIS of the commune has a row in the table",
            problems=[
                FieldProblem("zones", f"none of the {int(inside.sum())} contours inside has a row")
            ],
        )
    report.kept = int(kept.sum())
    report.drop("contour inside without a row in the table", len(without_row))
    name = rows.column.name
    kept_codes = [code for code, chosen in zip(codes, kept, strict=True) if chosen]
    zones = gpd.GeoDataFrame(
        {
            ZONE_ID_FIELD: kept_codes,
            "COM": _communes(shapes, kept, kept_codes),
            name: [values[code] for code in kept_codes],
        },
        geometry=list(shapes.geometry[kept]),
        crs=shapes.crs,
    )
    placed = set(codes[i] for i in np.flatnonzero(inside))
    orphans = [
        (code, value)
        for code, commune, value in zip(rows.codes, rows.communes, rows.values, strict=True)
        if commune == area.code and code not in placed
    ]
    commune_total = rows.commune_total(area.code)
    used = used_by_area(zones[name].to_numpy(dtype=np.float64), share[kept])
    stored_as = stored_name(table, area.code)
    report.facts = _facts(rows, contours, without_row, orphans, commune_total, used, stored_as)
    report.notes += _notes(rows, area.code, without_row, orphans, commune_total, used)
    return SelectedPopulation(
        content=to_stored(zones),
        stored_as=stored_as,
        report=report,
        population_field=name,
        zone_id_field=ZONE_ID_FIELD,
        description=description or rows.column.description,
        year=year or rows.column.year,
        facts={
            "age_group": rows.column.age_group,
            "commune_total": commune_total,
            "commune_total_rule": (
                f"the sum of {name} over the rows of INSEE's table whose COM is {area.code}"
            ),
        },
    )


def _contours(contours: InputFile) -> gpd.GeoDataFrame:
    """Read the contours' polygon layer that names IRIS codes (EPSG:4326)."""
    with open_vector_file(contours.plain(), what="IRIS contours") as opened:
        for layer in opened.layers:
            if layer.polygonal:
                frame = opened.read(layer)
                if any(name in frame.columns for name in CODE_FIELDS):
                    return frame
        fields = ", ".join(c for c in opened.read(opened.only_layer()).columns)
    raise InvalidInputError(
        "the IRIS contours name no IRIS code",
        problems=[
            FieldProblem(
                "zones",
                f"the contours have none of {', '.join(CODE_FIELDS)}; fields present: {fields}",
            )
        ],
    )


def _communes(shapes: gpd.GeoDataFrame, kept: np.ndarray, codes: list[str]) -> list[str]:
    field = next((name for name in COMMUNE_FIELDS if name in shapes.columns), None)
    if field is None:
        return [code[:5] for code in codes]
    return [str(value) for value in shapes[field][kept]]


def _facts(
    rows: IrisRows,
    contours: InputFile,
    without_row: list[str],
    orphans: list[tuple[str, float]],
    commune_total: float,
    used: float,
    stored_as: str,
) -> dict[str, object]:
    return {
        "population_field": rows.column.name,
        "age_group": rows.column.age_group,
        "year": rows.column.year,
        "encoding": rows.encoding,
        "table_rows": len(rows.codes),
        "contours": contours.describe(),
        "zones_without_a_row": without_row,
        "rows_without_a_zone": [code for code, _ in orphans],
        "population_of_rows_without_a_zone": round(sum(v for _, v in orphans), 1),
        "commune_total_in_source": round(commune_total, 1),
        "population_used": round(used, 1),
        "stored_as": stored_as,
    }


def _notes(
    rows: IrisRows,
    code: str,
    without_row: list[str],
    orphans: list[tuple[str, float]],
    commune_total: float,
    used: float,
) -> list[str]:
    notes = [
        f"{rows.column.name}: {rows.column.description}; INSEE counts {commune_total:,.0f} in "
        f"commune {code}, {used:,.0f} are used (zones cut at the boundary by area)"
    ]
    if without_row:
        notes.append(
            f"{len(without_row)} IRIS contour(s) without a row in the table, left out: "
            + ", ".join(without_row[:CODES_NAMED])
        )
    if orphans:
        notes.append(
            f"{len(orphans)} row(s) of commune {code} without a contour, left out "
            f"({sum(v for _, v in orphans):,.0f} inhabitants): "
            + ", ".join(c for c, _ in orphans[:CODES_NAMED])
        )
    return notes
