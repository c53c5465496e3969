# SPDX-License-Identifier: MIT
r"""``mobility``: build communes and load assets from a shell, the same calls the API makes.

Examples::

    mobility commune add 92048 --name Meudon --boundary b.geojson --streets s.graphml \\
        --population p.geojson --population-field population
    mobility assets load 92048 irve.csv
    mobility commune load data/paris-10e/commune.json --if-absent
    mobility commune import 75110 --boundaries communes.gpkg --streets voies.geojson \\
        --population iris.gpkg --population-field P21_POP --irve irve.csv --margin-m 2000
    mobility commune list
    mobility scenario list --commune 75110
    mobility scenario promote 3f1c0a9e2b7d4c51
    mobility batch coverage --communes 75101-75120 --layer charging-points --within-m 300 \\
        --out paris.parquet --workers 2

The database is ``--database-url``, else ``MOBILITY_DATABASE_URL``, else the embedded SQLite
file ``var/mobility.sqlite``. The settings (:class:`~mobility.settings.MobilitySettings`) are read
once, in :func:`main`, and passed down.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mobility.assets import Layer
from mobility.batch.command import add_batch_parser, run_batch_command
from mobility.commune import CommuneInputs, SourceFile, SourceRole, build_commune
from mobility.coverage.context import prepare_commune
from mobility.datafiles import use_data_dir
from mobility.errors import MobilityError
from mobility.formats.reader import ASSET_FORMATS
from mobility.importing import import_commune
from mobility.importing.options import (
    add_import_parser,
    attributions_from_args,
    request_from_args,
)
from mobility.keys.commands import add_key_commands, run_keys, run_ocpi
from mobility.loading import load_asset_file
from mobility.manifest import load_manifest, read_manifest
from mobility.progress import ProgressBar
from mobility.scenarios import Scenario
from mobility.settings import MobilitySettings
from mobility.store import DEFAULT_DATABASE_URL, Store, open_store


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mobility", description="Clean Mobility Planner: communes and asset layers."
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="sqlite:///path or postgresql://user@host/db "
        f"(default: MOBILITY_DATABASE_URL, else {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--json", action="store_true", help="print reports as JSON")
    groups = parser.add_subparsers(dest="group", required=True)

    commune = groups.add_parser("commune", help="add, load, list or remove communes")
    commands = commune.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="build a commune from standard files")
    add.add_argument("code", help="INSEE code, e.g. 92048")
    add.add_argument("--name", required=True)
    add.add_argument(
        "--boundary", type=Path, required=True, help="GeoJSON, GeoPackage or Shapefile, any CRS"
    )
    add.add_argument(
        "--streets",
        type=Path,
        required=True,
        help="OSMnx GraphML, OSM XML, or any line file: GeoJSON, GeoPackage, zipped Shapefile "
        "(any CRS; .gz accepted), e.g. --streets voies.geojson",
    )
    add.add_argument("--population", type=Path, help="zones with a population field (any format)")
    add.add_argument("--population-field", help="field holding the number of inhabitants")
    add.add_argument("--zone-id-field", help="field naming each zone (e.g. DCOMIRIS)")
    add.add_argument("--population-description", help="what it counts: residents aged 15 or more")
    add.add_argument("--population-year", type=int, help="the year of the count, e.g. 2011")
    add.add_argument("--buildings", type=Path, help="GeoJSON building footprints (levels)")
    add.add_argument("--spacing-m", type=float, default=50.0, help="demand point spacing")
    add.add_argument("--attribution", action="append", default=[], metavar="ROLE=TEXT")
    add.add_argument("--replace", action="store_true", help="replace a commune already loaded")

    load = commands.add_parser("load", help="build a commune and its assets from a manifest")
    load.add_argument("manifest", type=Path)
    load.add_argument("--if-absent", action="store_true", help="do nothing if already loaded")
    load.add_argument("--replace", action="store_true", help="replace a commune already loaded")

    add_import_parser(commands)

    commands.add_parser("list", help="list loaded communes")
    remove = commands.add_parser("remove", help="remove a commune and its assets")
    remove.add_argument("code")

    assets = groups.add_parser("assets", help="load asset files into a commune")
    asset_commands = assets.add_subparsers(dest="command", required=True)
    asset_load = asset_commands.add_parser(
        "load",
        help="load an IRVE CSV, a GTFS feed, a GBFS station_information, OSM XML or GeoJSON",
    )
    asset_load.add_argument("code", help="INSEE code of a loaded commune")
    asset_load.add_argument("file", type=Path)
    asset_load.add_argument(
        "--format",
        choices=list(ASSET_FORMATS),
        default=None,
        help="what the file is (default: sniffed from its first bytes)",
    )
    asset_load.add_argument(
        "--progress",
        action="store_true",
        help="show a progress bar on stderr (shown anyway when stderr is a terminal)",
    )
    asset_load.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print the report as JSON (the same as the HTTP import's answer)",
    )
    asset_load.add_argument(
        "--layer",
        action="append",
        choices=[layer.value for layer in Layer],
        help="load only these layers (repeatable)",
    )
    asset_load.add_argument(
        "--mode", choices=["all-or-nothing", "valid-rows"], default="all-or-nothing"
    )
    scenario = groups.add_parser("scenario", help="list, show, promote or remove scenarios")
    scenario_commands = scenario.add_subparsers(dest="command", required=True)
    scenario_list = scenario_commands.add_parser("list", help="list scenarios, newest first")
    scenario_list.add_argument("--commune", help="only this commune's scenarios")
    for name, text in (
        ("show", "show a scenario's changes"),
        ("promote", "write a scenario's changes into the stored data (all or nothing)"),
        ("remove", "delete a scenario (the stored data is untouched)"),
    ):
        scenario_commands.add_parser(name, help=text).add_argument("id", help="scenario id")
    add_batch_parser(groups)
    add_key_commands(groups)
    return parser


def _source(path: Path | None, role: SourceRole, attributions: dict[str, str]) -> SourceFile | None:
    if path is None:
        return None
    if not path.is_file():
        raise MobilityError(f"{role} file not found: {path}")
    return SourceFile(
        role=role,
        filename=path.name,
        content=path.read_bytes(),
        attribution=attributions.get(role),
    )


def _print(args: argparse.Namespace, payload: Any, text: str) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2) if args.json else text)


def _run(args: argparse.Namespace, store: Store, database_url: str) -> int:
    if args.group == "batch":
        return run_batch_command(args, store, database_url)
    if args.group == "commune" and args.command == "add":
        attributions = dict(item.split("=", 1) for item in args.attribution if "=" in item)
        boundary = _source(args.boundary, "boundary", attributions)
        streets = _source(args.streets, "streets", attributions)
        assert boundary is not None and streets is not None  # noqa: S101 (required options)
        record, files = build_commune(
            CommuneInputs(
                code=args.code,
                name=args.name,
                boundary=boundary,
                streets=streets,
                population=_source(args.population, "population", attributions),
                population_field=args.population_field,
                zone_id_field=args.zone_id_field,
                population_description=args.population_description,
                population_year=args.population_year,
                buildings=_source(args.buildings, "buildings", attributions),
                spacing_m=args.spacing_m,
            )
        )
        stored = store.save_commune(record, files, replace=args.replace)
        _print(args, stored.info, _describe(stored.code, stored.name, stored.info))
        _prepare(args, store, stored.code)
        return 0
    if args.group == "commune" and args.command == "load":
        if args.if_absent:
            inputs, _ = read_manifest(args.manifest)
            if store.has_commune(inputs.code):
                _print(
                    args,
                    {"code": inputs.code, "status": "present"},
                    f"commune {inputs.code} is already loaded: nothing to do",
                )
                return 0
        code, reports = load_manifest(store, args.manifest, replace=args.replace)
        record = store.get_commune(code)
        lines = [_describe(code, record.name, record.info)]
        lines += [f"  {report.read.source_name}: {report.summary()}" for report in reports]
        _print(args, {"code": code, "assets": [r.to_dict() for r in reports]}, "\n".join(lines))
        _prepare(args, store, code)
        return 0
    if args.group == "commune" and args.command == "import":
        return _run_import(args, store)
    if args.group == "commune" and args.command == "list":
        records = store.list_communes()
        rows = [
            {
                "code": r.code,
                "name": r.name,
                **{layer.value: store.count_assets(layer, r.code) for layer in Layer},
            }
            for r in records
        ]
        text = "\n".join(
            f"{row['code']}  {row['name']}: "
            + ", ".join(f"{row[layer.value]} {layer.value}" for layer in Layer)
            for row in rows
        )
        _print(args, rows, text or "no commune loaded")
        return 0
    if args.group == "commune" and args.command == "remove":
        store.delete_commune(args.code)
        _print(args, {"code": args.code, "status": "removed"}, f"removed commune {args.code}")
        return 0
    if args.group == "scenario":
        return _run_scenario(args, store)
    if args.group == "keys":
        return run_keys(args, store, _print)
    if args.group == "ocpi":
        return run_ocpi(args, store, _print)
    if args.group == "assets" and args.command == "load":
        if not args.file.is_file():
            raise MobilityError(f"file not found: {args.file}")
        bar = ProgressBar(sys.stderr) if args.progress or sys.stderr.isatty() else None
        try:
            report = load_asset_file(
                store,
                args.code,
                args.file.read_bytes(),
                fmt=args.format,
                layers=[Layer(name) for name in args.layer] if args.layer else None,
                source_name=args.file.name,
                mode=args.mode,
                progress=bar,
            )
        finally:
            if bar is not None:
                bar.close()
        details = [report.summary()]
        details += [
            f"  line {row.line}: {row.field}: {row.reason}" for row in report.read.rejected[:20]
        ]
        if len(report.read.rejected) > 20:
            details.append(f"  … and {len(report.read.rejected) - 20} more (use --json)")
        _print(args, report.to_dict(), "\n".join(details))
        return 1 if report.refused else 0
    raise AssertionError("unreachable: argparse requires a command")


def _run_import(args: argparse.Namespace, store: Store) -> int:
    """Import a commune with its surroundings, a progress bar per stage, then the report."""
    request = request_from_args(args)
    bar = ProgressBar(sys.stderr) if args.progress or sys.stderr.isatty() else None
    try:
        report = import_commune(
            store, request, progress=bar, attributions=attributions_from_args(args)
        )
    finally:
        if bar is not None:
            bar.close()
    _print(args, report.to_dict(), report.text())
    if report.status == "refused":
        return 1
    _prepare(args, store, request.code)
    return 0


def _prepare(args: argparse.Namespace, store: Store, code: str) -> None:
    """Build the commune's engines and snapped demand once, kept with the store for workers."""
    started = time.perf_counter()
    written = prepare_commune(store, code)
    if not args.json:
        elapsed = time.perf_counter() - started
        done = "prepared for analyses" if written else "already prepared for analyses"
        print(f"commune {code}: {done} ({elapsed:.1f} s)", file=sys.stderr)


def _run_scenario(args: argparse.Namespace, store: Store) -> int:
    """Run a ``scenario`` command; what-if plans are made over HTTP, managed here too."""
    if args.command == "list":
        scenarios = store.list_scenarios(args.commune)
        rows = [_scenario_row(s) for s in scenarios]
        text = "\n".join(
            f"{row['id']}  {row['commune']}  {row['name']}"
            + (" (promoted)" if row["promoted_at"] else "")
            + f": {row['changes']}"
            for row in rows
        )
        _print(args, rows, text or "no scenario")
        return 0
    if args.command == "remove":
        store.delete_scenario(args.id)
        _print(args, {"id": args.id, "status": "removed"}, f"removed scenario {args.id}")
        return 0
    chosen = store.promote_scenario(args.id) if args.command == "promote" else None
    chosen = chosen or store.get_scenario(args.id)
    row = _scenario_row(chosen)
    row["list"] = [
        {"action": c.action, "layer": c.layer.value, "id": c.asset_id, "planned": c.planned}
        for c in chosen.changes
    ]
    lines = [f"scenario {row['id']} {row['name']} over commune {row['commune']}"]
    if args.command == "promote":
        lines.append(f"  promoted at {row['promoted_at']}")
    lines += [
        f"  {c['action']:<6} {c['layer']:<15} {c['id']}" + ("  (planned)" if c["planned"] else "")
        for c in row["list"]
    ]
    _print(args, row, "\n".join(lines))
    return 0


def _scenario_row(scenario: Scenario) -> dict[str, Any]:
    return {
        "id": scenario.id,
        "commune": scenario.commune,
        "name": scenario.name,
        "promoted_at": scenario.promoted_at.isoformat() if scenario.promoted_at else None,
        "changes": scenario.counts(),
    }


def _describe(code: str, name: str, info: dict[str, Any]) -> str:
    lines = [f"commune {code} {name}"]
    modes = info.get("streets", {}).get("modes", {})
    for mode, report in modes.items():
        lines.append(f"  {mode}: {report.get('summary', '')}")
    demand = info.get("demand")
    if demand:
        lines.append(f"  demand: {demand.get('description', '')}")
    lines += [f"  note: {note}" for note in info.get("notes", [])]
    return "\n".join(lines)


def read_settings(args: argparse.Namespace) -> MobilitySettings:
    """Read the ``MOBILITY_*`` settings once; an option given on the command line wins.

    Raises
    ------
    pydantic.ValidationError
        When a setting is refused (an unknown database scheme, a data directory that is not one).
    """
    if args.database_url is not None:
        return MobilitySettings(database_url=args.database_url)
    return MobilitySettings()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = _parser().parse_args(argv)
    try:
        settings = read_settings(args)
    except ValidationError as exc:
        print("error: the settings are refused", file=sys.stderr)
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            print(f"  {field}: {error['msg']}", file=sys.stderr)
        return 2
    use_data_dir(settings.data_dir)
    try:
        store = open_store(settings.database_url, pool_size=settings.database_pool_size)
    except MobilityError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    try:
        return _run(args, store, settings.database_url)
    except MobilityError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem.field}: {problem.message}", file=sys.stderr)
        return 1
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
