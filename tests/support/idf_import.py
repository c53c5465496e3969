# SPDX-License-Identifier: MIT
"""Small region-wide files for import tests, cut from the shipped ``data/idf-context`` files.

The real files are cut to the 10e and the 9e arrondissements plus :data:`REGION_MARGIN_M`
(features kept whole, as a region's file holds them; the IRVE CSV keeps its original lines), so
an import test reads real data yet builds a street graph of a few hundred lines. Imports then use
a margin smaller than the region's.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from mobility.geo import to_metric, to_wire
from tests.support.communes import run_cli
from tests.support.paths import IDF_CONTEXT

REGION_CODES = ("75110", "75109")
REGION_MARGIN_M = 600.0
"""How far around the two arrondissements the files reach; imports use a smaller margin."""
IRIS = "paris_iris_2013_pop15p_2011.geojson.gz"
COMMUNES = "communes_75_92_93_94_adminexpress2018_simplified.geojson.gz"
STREETS = "paris_voies_centrelines_villedeparis.geojson.gz"
IRVE = "irve_statique_subset_75_92_93_94.csv.gz"
GARES = "emplacement_des_gares_idf.geojson.gz"
VELIB = "velib_stations_snapshot_2026-03.geojson.gz"
MARGIN_M = 300.0
"""The margin the tests import with (within the region's reach)."""
CHARGING_POINTS_OF_THE_10E = 89
"""The 10e's charging points in the shipped IRVE files (data/paris-10e holds the same 89)."""


@dataclass(frozen=True)
class ImportFiles:
    """Paths of the cut files (gzipped, as the shipped ones)."""

    iris: Path
    communes: Path
    streets: Path
    irve: Path
    gares: Path
    velib: Path


def read_features(path: Path) -> list[dict[str, Any]]:
    """Return the features of a (gzipped) GeoJSON file."""
    features: list[dict[str, Any]] = json.loads(gzip.decompress(path.read_bytes()))["features"]
    return features


def outline_of(code: str, iris: list[dict[str, Any]]) -> BaseGeometry:
    """Return an arrondissement's outline: its IRIS dissolved (as the boundaries reader does)."""
    return unary_union([shape(f["geometry"]) for f in iris if f["properties"]["DEPCOM"] == code])


def buffered(outline: BaseGeometry, margin_m: float) -> BaseGeometry:
    """Return an outline buffered by metres in Lambert-93, in lon/lat."""
    return to_wire(to_metric(outline).buffer(margin_m))


def irve_point(row: dict[str, str]) -> Point:
    """Return an IRVE row's point from its ``coordonneesXY`` ("[lon, lat]")."""
    lon, lat = json.loads(row["coordonneesXY"])
    return Point(float(lon), float(lat))


def cut_region(folder: Path, codes: tuple[str, ...] = REGION_CODES) -> ImportFiles:
    """Write the files of the region around the arrondissements (the 10e and the 9e)."""
    all_iris = read_features(IDF_CONTEXT / IRIS)
    region = buffered(unary_union([outline_of(code, all_iris) for code in codes]), REGION_MARGIN_M)

    def cut_geojson(name: str) -> Path:
        features = [
            f
            for f in read_features(IDF_CONTEXT / name)
            if f.get("geometry") and shape(f["geometry"]).intersects(region)
        ]
        body = {"type": "FeatureCollection", "features": features}
        target = folder / name
        target.write_bytes(gzip.compress(json.dumps(body).encode(), mtime=0))
        return target

    text = gzip.decompress((IDF_CONTEXT / IRVE).read_bytes()).decode("utf-8")
    lines = text.splitlines(keepends=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    kept = [lines[0]] + [
        line for line, row in zip(lines[1:], rows, strict=True) if region.covers(irve_point(row))
    ]
    irve = folder / IRVE
    irve.write_bytes(gzip.compress("".join(kept).encode("utf-8"), mtime=0))
    return ImportFiles(
        iris=cut_geojson(IRIS),
        communes=cut_geojson(COMMUNES),
        streets=cut_geojson(STREETS),
        irve=irve,
        gares=cut_geojson(GARES),
        velib=cut_geojson(VELIB),
    )


def file_args(
    region: ImportFiles,
    *,
    boundaries: str | None = None,
    streets: str | None = None,
    population: bool = True,
) -> list[str]:
    """Return the import's file options over the cut files (as both import commands take them)."""
    args = [
        "--boundaries",
        boundaries or str(region.iris),
        "--streets",
        streets or str(region.streets),
        "--irve",
        str(region.irve),
        "--hubs",
        str(region.gares),
        "--hubs",
        str(region.velib),
        "--margin-m",
        str(MARGIN_M),
    ]
    if population:
        args += [
            "--population",
            str(region.iris),
            "--population-field",
            "C11_POP15P",
            "--zone-id-field",
            "DCOMIRIS",
            "--population-description",
            "residents aged 15 or more",
            "--population-year",
            "2011",
        ]
    return args


def import_command(
    region: ImportFiles,
    *files: str,
    code: str = "75110",
    margin_m: float | None = MARGIN_M,
    replace: bool = False,
    json_report: bool = True,
) -> list[str]:
    """Return the arguments of ``commune import`` over the region's boundaries and ``files``.

    The one place the import tests spell the command: each adds only the file options it is
    about (``--osm``, ``--streets``...). ``margin_m=None`` keeps the command's default margin.
    """
    args = ["--json"] if json_report else []
    args += ["commune", "import", code, "--boundaries", str(region.iris)]
    if margin_m is not None:
        args += ["--margin-m", f"{margin_m:g}"]
    if replace:
        args.append("--replace")
    return [*args, *files]


def run_import(
    url: str,
    capsys: pytest.CaptureFixture[str],
    region: ImportFiles,
    code: str,
    *extra: str,
    boundaries: str | None = None,
    streets: str | None = None,
    population: bool = True,
) -> dict[str, Any]:
    """Import a commune through the real command; return its JSON report."""
    files = file_args(region, boundaries=boundaries, streets=streets, population=population)
    args = ["--json", "commune", "import", code, *files, *extra]
    capsys.readouterr()
    assert run_cli(url, *args) == 0, capsys.readouterr().err
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert report["status"] == "written"
    return report
