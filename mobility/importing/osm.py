# SPDX-License-Identifier: MIT
"""The OSM stage: a region's ``.osm.pbf`` gives the streets and the OSM assets in one read.

One pyosmium pass over the file (:func:`~mobility.network.osm_pbf.read_pbf_pass`) keeps the street
nodes within the surroundings, so a street leaving them is cut at its last node inside, and the
tagged parking and hubs, which then go through the same placement as any asset file. The store
keeps, as the commune's streets file, a small PBF of the kept streets only: reading it back gives
exactly the graph the import built, and the store never holds the region.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from mobility.errors import FieldProblem, InvalidInputError
from mobility.formats.geojson_osm import OSM_PROPERTIES
from mobility.formats.osm_elements import relevant
from mobility.formats.osm_pbf import assets_from_pass
from mobility.formats.report import ReadReport
from mobility.importing.area import CommuneArea
from mobility.importing.report import StageReport
from mobility.importing.request import InputFile
from mobility.importing.streets import ClippedStreets
from mobility.network.osm_pbf import read_pbf_pass, write_streets_pbf


@dataclass(frozen=True)
class OsmRead:
    """What the OSM file gave: the commune's streets file, its stage report and the assets."""

    streets: ClippedStreets
    streets_report: StageReport
    assets: ReadReport


def read_osm(osm: InputFile, area: CommuneArea) -> OsmRead:
    """Read a PBF file once: its streets cut to the surroundings, and its parking and hubs.

    Raises
    ------
    UnsupportedFormatError
        When the file is not an OSM PBF file, or is broken or truncated.
    InvalidInputError
        When no street of the file reaches the surroundings (naming ``osm``).
    """
    found = read_pbf_pass(
        osm.plain(),
        keep=relevant,
        keys=OSM_PROPERTIES,
        clip=area.surroundings,
        elements_within=area.surroundings,
    )
    report = StageReport(stage="streets", unit="ways", source=osm.describe())
    coords = found.streets.coords
    inside = [sum(ref in coords for ref in refs) for _, refs, _ in found.streets.ways]
    report.read = found.street_ways_read
    report.kept = sum(count >= 2 for count in inside)
    report.drop("outside the surroundings", report.read - report.kept)
    if report.kept == 0:
        raise InvalidInputError(
            "no street of the OSM file reaches the commune",
            problems=[
                FieldProblem(
                    "osm",
                    f"none of the {report.read:,} street ways lies within "
                    f"{area.place.margin_m or 0:,.0f} m of {area.code}",
                )
            ],
        )
    found.streets.ways = [
        way for way, count in zip(found.streets.ways, inside, strict=True) if count >= 2
    ]
    report.notes.append(
        "street ways cut at their last node within the surroundings; kept as a PBF of those ways"
    )
    stem = osm.name.split(".", 1)[0] or "osm"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "streets.osm.pbf"
        write_streets_pbf(found.streets, path)
        content = path.read_bytes()
    return OsmRead(
        streets=ClippedStreets(f"{stem}_{area.code}_surroundings.osm.pbf", content),
        streets_report=report,
        assets=assets_from_pass(found, osm.name, None),
    )
