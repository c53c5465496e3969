# SPDX-License-Identifier: MIT
"""The ``mobility commune import`` command line: its options, and the request they make.

Kept apart from :mod:`mobility.cli` so the command's module stays one screenful per group; the
command calls :func:`add_import_parser` and :func:`request_from_args`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mobility.errors import FieldProblem, InvalidInputError
from mobility.importing.request import (
    ASSET_KINDS,
    DEFAULT_MARGIN_M,
    AssetInput,
    ImportRequest,
    InputFile,
)
from mobility.loading import LOAD_MODES

ASSET_HELP = {
    "irve": "IRVE statique CSV, the national consolidated file or a part of it",
    "gtfs": "GTFS feed (zip): its stops and stations as hubs",
    "gbfs": "GBFS station_information.json: bike-share stations as hubs",
    "hubs": "stations GeoJSON (IDFM gares, Vélib' stations, OSM, our own)",
}


def add_import_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``import`` to the ``commune`` commands."""
    parser = commands.add_parser(
        "import",
        help="import a commune with its surroundings from region-wide files",
        description="Cut a commune and its surroundings out of region-wide files (boundaries, "
        "street lines, population zones, IRVE, stations) and store it, in one transaction.",
    )
    parser.add_argument("code", help="INSEE code, e.g. 75110")
    add_import_options(parser)
    parser.add_argument("--progress", action="store_true", help="progress bars on stderr")
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print the report as JSON"
    )


def add_import_options(parser: argparse.ArgumentParser) -> None:
    """Add the files and options of an import (all but the commune) to a command's parser.

    ``mobility batch import`` takes the same, for many communes cut from the same files.
    """
    parser.add_argument(
        "--boundaries",
        type=Path,
        required=True,
        help="GeoJSON, GeoPackage or Shapefile of one commune or many, any CRS",
    )
    parser.add_argument(
        "--streets",
        type=Path,
        help="line file (GeoJSON, GeoPackage, Shapefile; any CRS), or GraphML / OSM XML "
        "(overrides the streets of --osm)",
    )
    parser.add_argument(
        "--streets-layer",
        help="layer of the street file to read (default: its only layer of lines, or "
        "troncon_de_route in an IGN BD TOPO GeoPackage)",
    )
    parser.add_argument(
        "--osm",
        type=Path,
        help="OpenStreetMap .osm.pbf of the region: its streets, parking and stations",
    )
    parser.add_argument(
        "--population",
        type=Path,
        help="population zones (any vector file), INSEE's IRIS table (base-ic-evol-struct-pop, "
        "with --zones) or INSEE's Filosofi 200 m grid (CSV, GeoPackage or Parquet)",
    )
    parser.add_argument(
        "--zones",
        type=Path,
        help="IGN's IRIS contours (CONTOURS-IRIS) the INSEE table is joined to by IRIS code",
    )
    parser.add_argument(
        "--population-field",
        help="field holding the number of inhabitants; for INSEE's table a count column such as "
        "P21_POP1529 (default: the P??_POP total)",
    )
    parser.add_argument("--zone-id-field", help="field naming each zone (e.g. DCOMIRIS)")
    parser.add_argument(
        "--population-description", help="what the field counts: residents aged 15 or more"
    )
    parser.add_argument("--population-year", type=int, help="the year of the count, e.g. 2011")
    for kind in ASSET_KINDS:
        parser.add_argument(
            f"--{kind}",
            type=Path,
            action="append",
            default=[],
            help=ASSET_HELP[kind] + " (repeatable)",
        )
    parser.add_argument(
        "--margin-m",
        type=float,
        default=DEFAULT_MARGIN_M,
        help=f"width of the surroundings in metres, 0 to 10,000 (default {DEFAULT_MARGIN_M:,.0f})",
    )
    parser.add_argument("--name", help="the commune's name (default: from the boundaries file)")
    parser.add_argument("--replace", action="store_true", help="replace a commune already loaded")
    parser.add_argument("--mode", choices=list(LOAD_MODES), default="all-or-nothing")
    parser.add_argument("--attribution", action="append", default=[], metavar="ROLE=TEXT")


def request_from_args(args: argparse.Namespace, code: str | None = None) -> ImportRequest:
    """Read the files the options name into an :class:`ImportRequest` (of ``code`` if given).

    Raises
    ------
    InvalidInputError
        When a named file does not exist, naming the option.
    """
    missing = [
        FieldProblem(option, f"{path} is not a file")
        for option, path in _paths(args)
        if not path.is_file()
    ]
    if missing:
        raise InvalidInputError("a file of the import is missing", problems=missing)
    population: Path | None = args.population
    return ImportRequest(
        code=args.code if code is None else code,
        boundaries=_read(args.boundaries),
        streets=_read(args.streets) if args.streets is not None else None,
        streets_layer=args.streets_layer,
        osm=_read(args.osm) if args.osm is not None else None,
        population=_read(population) if population is not None else None,
        population_field=args.population_field,
        zones=_read(args.zones) if args.zones is not None else None,
        zone_id_field=args.zone_id_field,
        population_description=args.population_description,
        population_year=args.population_year,
        assets=tuple(
            AssetInput(kind, _read(path)) for kind in ASSET_KINDS for path in getattr(args, kind)
        ),
        margin_m=args.margin_m,
        name=args.name,
        replace=args.replace,
        mode=args.mode,
    )


def attributions_from_args(args: argparse.Namespace) -> dict[str, str]:
    """Return the ``--attribution ROLE=TEXT`` pairs by role."""
    return dict(item.split("=", 1) for item in args.attribution if "=" in item)


def _paths(args: argparse.Namespace) -> list[tuple[str, Path]]:
    named = [("boundaries", args.boundaries)]
    named += [(option, getattr(args, option)) for option in ("streets", "osm")]
    named += [("population", args.population), ("zones", args.zones)]
    named += [(kind, path) for kind in ASSET_KINDS for path in getattr(args, kind)]
    return [(option, path) for option, path in named if path is not None]


def _read(path: Path) -> InputFile:
    return InputFile(path.name, path.read_bytes())
