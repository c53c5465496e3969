# SPDX-License-Identifier: MIT
"""The first stage of an import: the commune's outline and surroundings, from a boundaries file.

The boundaries file of a region (ADMIN EXPRESS, the IRIS contours dissolved by ``DEPCOM``) gives
the commune's outline and name, and the outline of each of its neighbours: every asset the import
keeps takes its own commune code from them (where it stands), never the code of the commune being
imported when it stands outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy.typing as npt
from shapely.geometry.base import BaseGeometry

from mobility.boundary import BoundaryIndex, BoundaryRecord, read_boundaries
from mobility.errors import FieldProblem, InvalidInputError
from mobility.importing.report import StageReport
from mobility.importing.request import InputFile
from mobility.places import Place

CODES_NAMED = 8
"""Codes of the file named when the commune is not among them."""


@dataclass(frozen=True)
class CommuneArea:
    """A commune's outline, surroundings and the outlines of the communes around it.

    ``records`` are every commune of the boundaries file, so :meth:`codes_at` can tell the commune
    any point stands in.
    """

    code: str
    name: str
    boundary: dict[str, Any]
    place: Place
    records: tuple[BoundaryRecord, ...]
    index: BoundaryIndex

    @property
    def surroundings(self) -> BaseGeometry:
        """Return the boundary buffered by the margin, lon/lat."""
        return self.place.surroundings

    def codes_at(self, lons: npt.ArrayLike, lats: npt.ArrayLike) -> list[str | None]:
        """Return, for each lon/lat point, the code of the commune it stands in (None: none).

        Where communes nest (an arrondissement municipal inside its city, both in one file) the
        innermost, smallest, wins (:class:`~mobility.boundary.BoundaryIndex`).
        """
        return [None if code is None else str(code) for code in self.index.codes_at(lons, lats)]


def read_area(
    boundaries: InputFile, *, code: str, margin_m: float, name: str | None
) -> tuple[CommuneArea, StageReport]:
    """Read the boundaries file: the commune's outline and name, and every commune's outline.

    Raises
    ------
    InvalidInputError
        When the file holds no commune with the code (naming ``boundaries``), or no code field.
    UnsupportedFormatError
        When the file is not GeoJSON, GeoPackage nor Shapefile, or is broken (truncated).
    """
    report = StageReport(stage="boundaries", unit="features", source=boundaries.describe())
    records = tuple(read_boundaries(boundaries.content, default_code=code))
    chosen = next((record for record in records if record.code == code), None)
    if chosen is None:
        codes = [record.code for record in records]
        shown = ", ".join(codes[:CODES_NAMED]) + (
            f" and {len(codes) - CODES_NAMED} more" if len(codes) > CODES_NAMED else ""
        )
        raise InvalidInputError(
            f"the boundaries file holds no commune {code}",
            problems=[
                FieldProblem("boundaries", f"no commune has the code {code}; it holds {shown}")
            ],
        )
    report.read = report.kept = sum(record.features for record in records)
    report.facts = {"communes": len(records), "features_of_the_commune": chosen.features}
    given = (name or "").strip() or chosen.name or code
    report.notes.append(
        f"{code} {given}: {chosen.features} feature(s); the {len(records)} commune(s) of the file "
        "give each asset its own commune code"
    )
    area = CommuneArea(
        code=code,
        name=given,
        boundary=chosen.outline,
        place=Place(chosen.outline, margin_m),
        records=records,
        index=BoundaryIndex(records),
    )
    return area, report
