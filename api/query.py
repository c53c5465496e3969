# SPDX-License-Identifier: MIT
"""Shared query parameters of the items routes: paging, bbox and the commune filter.

The largest page is ``MOBILITY_ITEMS_MAX_LIMIT`` (``Settings.items_max_limit``). A larger
``limit`` is refused with a 422 problem naming ``limit`` rather than silently clamped: a client
asking for more than it can get learns it at once, as it does for every other bound. The OpenAPI
document states the default maximum; a server configured otherwise says its own in the refusal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from api.deps import SettingsDep
from api.errors import ApiProblem
from api.params import CommuneQuery
from api.settings import Settings
from mobility.errors import FieldProblem
from mobility.store.base import BBox

DEFAULT_LIMIT = 100
DEFAULT_MAX_LIMIT: int = Settings.model_fields["items_max_limit"].default
"""The largest page when ``MOBILITY_ITEMS_MAX_LIMIT`` is not set, as the OpenAPI states it."""
_LON = r"-?(180(\.0+)?|(1[0-7]\d|[1-9]?\d)(\.\d+)?)"
_LAT = r"-?(90(\.0+)?|[1-8]?\d(\.\d+)?)"
_HEIGHT = r"-?\d+(\.\d+)?"
BBOX_PATTERN = rf"^{_LON},{_LAT},{_LON},{_LAT}$|^{_LON},{_LAT},{_HEIGHT},{_LON},{_LAT},{_HEIGHT}$"
"""Decimal lon/lat in range, as the document states it; the order of the corners is checked
by :func:`parse_bbox`, as a pattern cannot compare two numbers."""
BBOX_DESCRIPTION = (
    "west,south,east,north in lon/lat degrees (CRS84), plain decimals; west must not exceed "
    "east (boxes across the antimeridian are not served) nor south exceed north. The 3D form "
    "west,south,min_height,east,north,max_height is read without its heights."
)


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
    include_surroundings: bool = False


async def read_paging(
    settings: SettingsDep,
    limit: Annotated[
        int,
        Query(
            ge=1,
            json_schema_extra={"maximum": DEFAULT_MAX_LIMIT},
            description=f"Features per page (at most {DEFAULT_MAX_LIMIT:,}, or the server's "
            "MOBILITY_ITEMS_MAX_LIMIT; more is refused).",
        ),
    ] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Features to skip.")] = 0,
    bbox: Annotated[
        str | None,
        Query(
            pattern=BBOX_PATTERN,
            description=BBOX_DESCRIPTION,
            examples=["2.347,48.867,2.377,48.885"],
        ),
    ] = None,
    commune: CommuneQuery = None,
    include_surroundings: Annotated[
        bool,
        Query(
            description="With `commune`: also the features standing in the commune's "
            "surroundings (within its margin_m of the boundary), each marked `in_commune: "
            "false`. Without it, `commune` serves the features inside the boundary only.",
        ),
    ] = False,
) -> Paging:
    """Read the paging parameters shared by every items route; refuse a page over the maximum."""
    if limit > settings.items_max_limit:
        message = f"must be at most {settings.items_max_limit} (MOBILITY_ITEMS_MAX_LIMIT)"
        raise ApiProblem(422, f"limit {message}", problems=[FieldProblem("limit", message)])
    if include_surroundings and commune is None:
        message = "needs commune: the surroundings are those of one commune"
        raise ApiProblem(
            422,
            f"include_surroundings {message}",
            problems=[FieldProblem("include_surroundings", message)],
        )
    return Paging(
        limit=limit,
        offset=offset,
        bbox=parse_bbox(bbox),
        commune=commune,
        include_surroundings=include_surroundings,
    )


PagingDep = Annotated[Paging, Depends(read_paging)]
