# SPDX-License-Identifier: MIT
"""Which population file a planner gave, told by its content, and the stage that reads it.

INSEE's IRIS table is a ``;`` CSV with an ``IRIS`` column and census counts (it needs the IRIS
contours, ``--zones``); the Filosofi grid names ``idcar_200m`` (or is a Parquet file); anything
else is a vector file of zones with a count. The file's name is never trusted: a download renamed
by a browser reads the same.
"""

from __future__ import annotations

from mobility.demand.filosofi import looks_like_grid
from mobility.demand.insee_table import looks_like_iris_table
from mobility.errors import FieldProblem, InvalidInputError
from mobility.importing.area import CommuneArea
from mobility.importing.insee_grid import select_squares
from mobility.importing.insee_iris import join_iris
from mobility.importing.population import SelectedPopulation, select_zones
from mobility.importing.request import ImportRequest

__all__ = ["SelectedPopulation", "select_population"]


def select_population(request: ImportRequest, area: CommuneArea) -> SelectedPopulation:
    """Read the request's population file, whichever of the three it is, kept to the commune.

    Raises
    ------
    InvalidInputError
        INSEE's table without its contours (or contours with another file), or any refusal of
        the stage that reads the file.
    """
    population = request.population
    assert population is not None  # noqa: S101 (the caller asks only with a population file)
    content = population.plain()
    description, year = request.population_description, request.population_year
    if looks_like_iris_table(content):
        if request.zones is None:
            raise InvalidInputError(
                "INSEE's IRIS table needs the IRIS contours",
                problems=[
                    FieldProblem(
                        "zones", "give IGN's IRIS contours with --zones CONTOURS-IRIS.gpkg"
                    )
                ],
            )
        return join_iris(
            population,
            request.zones,
            area,
            column=request.population_field,
            description=description,
            year=year,
        )
    if request.zones is not None:
        raise InvalidInputError(
            "IRIS contours go with INSEE's IRIS table",
            problems=[
                FieldProblem(
                    "zones",
                    f"{population.name} is not INSEE's IRIS table (a ';' CSV with IRIS and "
                    "P??_POP columns): give the zones alone with --population",
                )
            ],
        )
    if looks_like_grid(content):
        return select_squares(
            population,
            area,
            population_field=request.population_field,
            description=description,
            year=year,
        )
    return select_zones(
        population,
        area,
        population_field=request.population_field,
        zone_id_field=request.zone_id_field,
        description=description,
        year=year,
    )
