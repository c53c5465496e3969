# SPDX-License-Identifier: MIT
"""A national-style IRVE file built from the shipped 75/92/93/94 subset, with the real one's flaws.

The rows are the subset's real rows with the consolidation's twelve extra columns, then edited
the way the national file goes wrong: points declared twice with different ``date_maj``, a
position written latitude first, missing and wrong commune codes, a position only in the
consolidated columns, a ``Non concerné`` roaming id, a 22,000 kW typo and a position at (0, 0)
elsewhere, and one bad row inside. :class:`NationalFile` records which row got which edit, so
tests state their expectations from the rows themselves.

The commune is Montreuil (93048) with a 500 m margin, from the shipped ADMIN EXPRESS outlines
(Paris is one commune there, 75056); its codes come from a brute-force lookup over those outlines.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from mobility.datafiles import data_file
from mobility.formats.irve_cleaning import CONSOLIDATION_COLUMNS
from mobility.geo import to_metric, to_wire

COMMUNE = "93048"
MARGIN_M = 500.0


@cache
def subset() -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Return the header and the rows of the shipped subset."""
    raw = data_file("idf-context", "irve_statique_subset_75_92_93_94.csv.gz").read_bytes()
    rows = list(csv.reader(io.StringIO(gzip.decompress(raw).decode("utf-8"))))
    return tuple(rows[0]), tuple(tuple(row) for row in rows[1:])


@cache
def commune_outlines() -> dict[str, BaseGeometry]:
    """Return the shipped commune outlines of 75/92/93/94 by INSEE code."""
    path = data_file("idf-context", "communes_75_92_93_94_adminexpress2018_simplified.geojson.gz")
    collection = json.loads(gzip.decompress(path.read_bytes()))
    return {
        feature["properties"]["code"]: shape(feature["geometry"])
        for feature in collection["features"]
    }


def codes_at(lons: np.ndarray[Any, Any], lats: np.ndarray[Any, Any]) -> list[str | None]:
    """Return the commune each point falls in (on an edge: the first one), point by point."""
    found: list[str | None] = []
    for lon, lat in zip(lons, lats, strict=True):
        code = None
        for name, outline in commune_outlines().items():
            if outline.covers(shapely.Point(float(lon), float(lat))):
                code = name
                break
        found.append(code)
    return found


@cache
def outline() -> BaseGeometry:
    """Return Montreuil buffered by the margin (in Lambert-93), in lon/lat."""
    return to_wire(to_metric(commune_outlines()[COMMUNE]).buffer(MARGIN_M))


def position(row: list[str] | tuple[str, ...], header: list[str]) -> tuple[float, float]:
    """Return the ``[lon, lat]`` of a subset row."""
    lon, lat = json.loads(row[header.index("coordonneesXY")])
    return float(lon), float(lat)


@dataclass
class NationalFile:
    """The edited rows, and the rows each edit went to (indexes into ``rows``)."""

    header: list[str]
    rows: list[list[str]]
    edits: dict[str, int] = field(default_factory=dict)
    replaced_ids: dict[str, str] = field(default_factory=dict)
    """The roaming id an edit took away, by edit."""

    def cell(self, edit: str, column: str) -> str:
        """Return a cell of the row an edit went to."""
        return self.rows[self.edits[edit]][self.header.index(column)]

    def line(self, edit: str) -> int:
        """Return the CSV line of the row an edit went to (header = line 1)."""
        return self.edits[edit] + 2

    def to_bytes(
        self, *, delimiter: str = ",", encoding: str = "utf-8", newline: str = "\n"
    ) -> bytes:
        """Write the file (``utf-8-sig`` for a BOM, ``cp1252`` for a spreadsheet's Latin-1)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return buffer.getvalue().encode(encoding)


def national_file() -> NationalFile:
    """Build the national-style file (see the module docstring); the edits are named."""
    base_header, base_rows = subset()
    header = [*base_header, *CONSOLIDATION_COLUMNS]
    at = {name: position for position, name in enumerate(header)}
    rows = []
    for row in base_rows:
        lon, lat = position(row, header)
        extra = dict.fromkeys(CONSOLIDATION_COLUMNS, "")
        extra["consolidated_longitude"] = repr(lon)
        extra["consolidated_latitude"] = repr(lat)
        extra["consolidated_is_lon_lat_correct"] = "True"
        rows.append([*row, *extra.values()])
    area = outline()
    inside = [i for i, row in enumerate(rows) if area.covers(shapely.Point(*position(row, header)))]
    outside = [i for i in range(len(rows)) if i not in set(inside)]
    edits: dict[str, int] = {}

    def edit(name: str, index: int, **cells: str) -> None:
        for column, value in cells.items():
            rows[index][at[column]] = value
        edits[name] = index

    lon, lat = position(rows[inside[3]], header)
    edit("swapped", inside[3], coordonneesXY=f"[{lat}, {lon}]")
    edit("code_missing", inside[4], code_insee_commune="")
    edit("code_wrong", inside[5], code_insee_commune="75001")
    edit("consolidated_only", inside[6], coordonneesXY="")
    edit("bad_inside", inside[7], implantation_station="Trottoir")
    replaced = {"local_id": rows[inside[8]][at["id_pdc_itinerance"]]}
    edit("local_id", inside[8], id_pdc_itinerance="Non concerné", id_pdc_local="MTR-LOCAL-1")
    lon, lat = position(rows[outside[10]], header)
    edit("swapped_outside", outside[10], coordonneesXY=f"[{lat}, {lon}]")
    edit("typo_outside", outside[20], puissance_nominale="22000")
    edit(
        "unlocated",
        outside[30],
        coordonneesXY="[0.0, 0.0]",
        consolidated_longitude="",
        consolidated_latitude="",
    )
    # Duplicates, added last-first so that earlier indexes stay right.
    older = list(rows[inside[0]])
    older[at["date_maj"]], older[at["puissance_nominale"]] = "2019-01-01", "3.7"
    newer = list(rows[inside[1]])
    newer[at["date_maj"]], newer[at["nom_station"]] = "2026-01-15", "Montreuil | Nouvelle station"
    tie = list(rows[inside[2]])
    tie[at["nom_station"]] = "Montreuil | Même jour, plus loin"
    outside_older = list(rows[outside[40]])
    outside_older[at["date_maj"]] = "2018-06-01"
    rows.append(tie)  # same date_maj, later in the file: wins
    rows.append(outside_older)
    rows.insert(inside[1], newer)  # earlier in the file but later date_maj: wins
    rows.insert(inside[0] + 1, older)  # later in the file but older date_maj: loses
    shifted = {
        name: index + (index > inside[0]) + (index >= inside[1]) for name, index in edits.items()
    }
    shifted["older_copy"] = inside[0] + 1
    shifted["older_original"] = inside[0]
    shifted["newer_copy"] = inside[1] + 1
    shifted["newer_original"] = inside[1] + 2
    shifted["tie_original"] = inside[2] + 2
    shifted["tie_copy"] = len(rows) - 2
    shifted["outside_older_copy"] = len(rows) - 1
    return NationalFile(header=header, rows=rows, edits=shifted, replaced_ids=replaced)
