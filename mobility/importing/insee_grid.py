# SPDX-License-Identifier: MIT
"""INSEE's Filosofi 200 m grid as the commune's population: squares, counts and poverty.

The squares touching the commune are rebuilt from their ids (:mod:`mobility.demand.filosofi`),
kept when enough of them lies inside, and stored as the commune's zones: the demand spreads each
square's individuals onto its streets, cut at the boundary by area, and carries the square's
poor households and living standards with them, so coverage can tell who, among the poor, is
within reach. Squares INSEE imputed (fewer than 11 households, figures taken from a larger
square) are kept and counted in the report. The commune's own total in the grid is every
touching square's individuals by the share of its area inside.
"""

from __future__ import annotations

import numpy as np
from shapely.geometry import shape

from mobility.demand.filosofi import (
    ID_FIELD,
    IMPUTED_FIELD,
    POPULATION_FIELD,
    read_grid,
    year_in_name,
)
from mobility.errors import FieldProblem, InvalidInputError
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

GRID_DESCRIPTION = "individuals in ordinary households (INSEE Filosofi 200 m grid)"
TOTAL_RULE = (
    "the individuals (ind) of every 200 m square touching the commune, each by the share of its "
    "area inside the boundary (Lambert-93)"
)


def select_squares(
    grid: InputFile,
    area: CommuneArea,
    *,
    population_field: str | None,
    description: str | None,
    year: int | None,
) -> SelectedPopulation:
    """Keep the grid's squares in the commune, with their individuals and poverty figures.

    Raises
    ------
    InvalidInputError
        A field other than ``ind`` named, the grid unusable, or no square in the commune.
    """
    if population_field not in (None, POPULATION_FIELD):
        raise InvalidInputError(
            "the Filosofi grid counts individuals in 'ind'",
            problems=[
                FieldProblem(
                    "population_field",
                    f"the grid's population is '{POPULATION_FIELD}', not '{population_field}'",
                )
            ],
        )
    read = read_grid(grid.plain(), shape(area.boundary))
    squares = read.squares
    report = StageReport(stage="population", unit="squares", source=grid.describe())
    report.read = read.squares_read
    share = zone_shares(squares, area) if len(squares) else np.zeros(0)
    report.drop("outside the commune", read.squares_read - len(squares))
    kept = keep_inside(report, share, unit="square")
    individuals = squares[POPULATION_FIELD].to_numpy(dtype=np.float64)
    commune_total = float((individuals * share).sum())
    chosen = squares[kept].reset_index(drop=True)
    used = used_by_area(individuals[kept], share[kept])
    imputed = chosen[IMPUTED_FIELD].to_numpy(dtype=bool)
    stored_as = stored_name(grid, area.code)
    straddling = int((share[kept] < 0.99).sum())
    report.facts = {
        "population_field": POPULATION_FIELD,
        "zone_id_field": ID_FIELD,
        "squares_inside": int((share[kept] >= 0.99).sum()),
        "squares_crossing_the_boundary": straddling,
        "imputed_squares": int(imputed.sum()),
        "population_of_imputed_squares": round(float(individuals[kept][imputed].sum()), 1),
        "poverty_fields": dict(read.poverty_fields),
        "commune_total_in_source": round(commune_total, 1),
        "population_used": round(used, 1),
        "stored_as": stored_as,
    }
    report.notes.append(
        f"{len(chosen):,} squares of 200 m ({straddling:,} crossing the boundary, cut by area): "
        f"the grid counts {commune_total:,.1f} individuals in the commune, {used:,.1f} are used"
    )
    if imputed.any():
        report.notes.append(
            f"{int(imputed.sum()):,} square(s) imputed by INSEE (fewer than 11 households: "
            "figures taken from a larger square), kept"
        )
    report.notes.append(
        "poverty figures carried: " + ", ".join(read.poverty_fields.values())
        if read.poverty_fields
        else "the grid gives neither men_pauv nor ind_snv: no poverty figure can be reported"
    )
    return SelectedPopulation(
        content=to_stored(chosen),
        stored_as=stored_as,
        report=report,
        population_field=POPULATION_FIELD,
        zone_id_field=ID_FIELD,
        description=description or GRID_DESCRIPTION,
        year=year or year_in_name(grid.name),
        facts={
            "age_group": "all ages",
            "commune_total": commune_total,
            "commune_total_rule": TOTAL_RULE,
            "carried": dict(read.poverty_fields),
        },
    )
