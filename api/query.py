# SPDX-License-Identifier: MIT
"""Shared query parameters of the items routes: paging, bbox and the commune filter."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Query

from api.errors import ApiProblem
from mobility.errors import FieldProblem
from mobility.store.base import BBox

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000

INSEE_PATTERN = r"^([013-9]\d|2[AB1-9])\d{3}$"
CodePath = Annotated[str, Path(pattern=INSEE_PATTERN, description="INSEE code, e.g. 75110.")]
"""The ``{code}`` of every ``/communes/{code}/…`` route."""
_NUMBER = r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*"
BBOX_PATTERN = rf"^{_NUMBER}(,{_NUMBER}){{3}}(,{_NUMBER},{_NUMBER})?$"


def parse_bbox(raw: str | None) -> BBox | None:
    """Parse an OGC ``bbox`` (``west,south,east,north`` or its 3D form) in lon/lat degrees."""
    if raw is None:
        return None
    parts = raw.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise _bbox_problem("must be 4 numbers: west,south,east,north (lon/lat degrees)")
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    west, south, east, north = numbers
    if not (
        -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90
    ):
        raise _bbox_problem("coordinates out of range (lon -180..180, lat -90..90)")
    if south > north:
        raise _bbox_problem("south is greater than north")
    if west > east:
        raise _bbox_problem(
            "west is greater than east (boxes across the antimeridian are not served)"
        )
    return (west, south, east, north)


def _bbox_problem(message: str) -> ApiProblem:
    return ApiProblem(422, f"invalid bbox: {message}", problems=[FieldProblem("bbox", message)])


@dataclass(frozen=True)
class Paging:
    """Offset paging of an items request."""

    limit: int
    offset: int
    bbox: BBox | None
    commune: str | None


def read_paging(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Features per page (at most 10,000).")
    ] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Features to skip.")] = 0,
    bbox: Annotated[
        str | None,
        Query(
            pattern=BBOX_PATTERN,
            description="west,south,east,north in lon/lat degrees (CRS84).",
            examples=["2.347,48.867,2.377,48.885"],
        ),
    ] = None,
    commune: Annotated[
        str | None, Query(pattern=INSEE_PATTERN, description="INSEE code, e.g. 75110.")
    ] = None,
) -> Paging:
    """Read the paging parameters shared by every items route."""
    return Paging(limit=limit, offset=offset, bbox=parse_bbox(bbox), commune=commune)


PagingDep = Annotated[Paging, Depends(read_paging)]


SCENARIO_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
ScenarioQuery = Annotated[
    str | None,
    Query(
        pattern=SCENARIO_ID_PATTERN,
        description="Analyse the commune as this scenario changes it (see /scenarios); "
        "the base data when absent.",
    ),
]
"""The optional ``scenario`` parameter every analysis route takes."""
