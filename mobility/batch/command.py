# SPDX-License-Identifier: MIT
r"""``mobility batch import|coverage|siting|sdirve``: a territory's job on a Dask cluster.

Examples::

    mobility batch import --communes 75101-75120 --boundaries iris.geojson.gz \\
        --streets voies.geojson.gz --population iris.geojson.gz --population-field C11_POP15P \\
        --irve irve.csv.gz --margin-m 500 --out import.parquet
    mobility batch coverage --communes 75101-75120 --layer charging-points --within-m 300 \\
        --out paris.parquet --workers 2
    mobility batch siting --communes @communes.txt --layer charging-points --within-m 300 \\
        --count 5 --out sites.parquet --scheduler tcp://10.0.0.5:8786
    mobility batch sdirve --departement 92 --out sdirve.csv

``--workers N`` starts a local cluster of N worker processes; ``--scheduler`` joins a running
one, whose workers must reach the same database (a PostGIS URL, or a SQLite file on shared
storage). Run the same command again to resume: finished communes are taken from the ledger.
``--to-store`` also writes the batch to the database, where the API serves it (``/batches``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mobility.assets import Layer
from mobility.batch.coverage import CoverageParameters
from mobility.batch.imports import ImportParameters
from mobility.batch.recording import StoreRecorder
from mobility.batch.run import run_batch
from mobility.batch.sdirve import SdirveParameters
from mobility.batch.selection import departement_communes, select_communes
from mobility.batch.siting import SitingParameters
from mobility.batch.tasks import BatchParameters
from mobility.boundary import read_boundaries
from mobility.errors import FieldProblem, InvalidInputError
from mobility.importing.options import (
    add_import_options,
    attributions_from_args,
    request_from_args,
)
from mobility.progress import ProgressBar
from mobility.store import Store


def add_batch_parser(groups: Any) -> None:
    """Add the ``batch`` group and its commands to the command line's groups."""
    batch = groups.add_parser("batch", help="run a job over many communes on a cluster")
    commands = batch.add_subparsers(dest="command", required=True)
    imports = commands.add_parser(
        "import", help="import each commune with its surroundings from region-wide files"
    )
    _add_common(imports, out_help="GeoParquet file of one row per commune imported")
    add_import_options(imports)
    coverage = commands.add_parser("coverage", help="coverage of each commune and zone")
    _add_common(coverage)
    _add_analysis(coverage)
    siting = commands.add_parser("siting", help="the next sites of each commune")
    _add_common(siting)
    _add_analysis(siting)
    siting.add_argument("--count", type=int, required=True, help="new sites per commune")
    siting.add_argument("--method", choices=["auto", "greedy", "exact"], default="greedy")
    siting.add_argument(
        "--candidates",
        choices=["intersections", "street_points", "parking", "hubs"],
        default="intersections",
    )
    sdirve = commands.add_parser("sdirve", help="one national SDIRVE CSV for every commune")
    _add_common(sdirve, out_help="CSV file (schema-sdirve v0.1.0)")
    sdirve.add_argument("--level", choices=["commune", "iris"], default="commune")
    sdirve.add_argument(
        "--scenario", help="in each commune, the scenario of this name gives the planned points"
    )


def _add_common(command: argparse.ArgumentParser, out_help: str = "GeoParquet file") -> None:
    command.add_argument(
        "--communes",
        action="append",
        default=[],
        help="codes, ranges (75101-75120) or @file of codes; repeatable",
    )
    command.add_argument(
        "--departement",
        help="every commune of a département (92, 2A): of --boundaries, else of the store",
    )
    command.add_argument("--out", type=Path, required=True, help=out_help + " to write")
    where = command.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=2, help="local worker processes")
    where.add_argument("--scheduler", help="address of a running scheduler, tcp://host:8786")
    command.add_argument("--progress", action="store_true", help="show a progress bar")
    command.add_argument(
        "--to-store",
        action="store_true",
        help="also write the batch's progress and rows to the database (GET /batches/{id})",
    )


def _add_analysis(command: argparse.ArgumentParser) -> None:
    command.add_argument("--layer", required=True, choices=[layer.value for layer in Layer])
    command.add_argument("--within-m", type=float, required=True, help="walking reach, metres")
    command.add_argument(
        "--boundaries", type=Path, help="boundaries file --departement picks its communes from"
    )


def _parameters(args: argparse.Namespace) -> BatchParameters:
    if args.command == "sdirve":
        return SdirveParameters(level=args.level, scenario=args.scenario)
    layer = Layer(args.layer)
    if args.command == "siting":
        return SitingParameters(
            layer=layer,
            within_m=args.within_m,
            count=args.count,
            method=args.method,
            candidates=args.candidates,
        )
    return CoverageParameters(layer=layer, within_m=args.within_m)


def batch_communes(args: argparse.Namespace, store: Store) -> list[str]:
    """Return the communes ``--communes`` and ``--departement`` name, in order, without repeats.

    The département's communes come from the boundaries file when the command has one, else
    from the communes loaded in the store.
    """
    if not args.communes and not args.departement:
        raise InvalidInputError(
            "the batch names no commune",
            problems=[FieldProblem("communes", "give --communes or --departement")],
        )
    codes = select_communes(args.communes) if args.communes else []
    if args.departement:
        boundaries: Path | None = getattr(args, "boundaries", None)
        if boundaries is not None:
            if not boundaries.is_file():
                raise InvalidInputError(
                    "the boundaries file is missing",
                    problems=[FieldProblem("boundaries", f"{boundaries} is not a file")],
                )
            known = [record.code for record in read_boundaries(boundaries)]
        else:
            known = [record.code for record in store.list_communes()]
        codes += departement_communes(args.departement, known)
    return list(dict.fromkeys(codes))


def run_batch_command(args: argparse.Namespace, store: Store, database_url: str) -> int:
    """Run a ``batch`` command; return the exit code (1 when a commune failed)."""
    from distributed import Client, LocalCluster

    codes = batch_communes(args, store)
    shared = None
    if args.command == "import":
        shared = request_from_args(args, code=codes[0])
        parameters: BatchParameters = ImportParameters.of(shared, attributions_from_args(args))
    else:
        parameters = _parameters(args)
    parameters.check()
    if args.scheduler:
        client = Client(args.scheduler)  # type: ignore[no-untyped-call]
        cluster = None
    else:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=args.workers, threads_per_worker=1, processes=True
        )
        client = Client(cluster)  # type: ignore[no-untyped-call]
    print(f"dashboard: {client.dashboard_link}", file=sys.stderr)
    bar = ProgressBar(sys.stderr) if args.progress or sys.stderr.isatty() else None
    recorder = StoreRecorder(store, parameters, codes, str(args.out)) if args.to_store else None
    try:
        report = run_batch(
            client,
            store,
            database_url,
            codes,
            parameters,
            args.out,
            progress=bar,
            shared=shared,
            recorder=recorder,
        )
    finally:
        if bar is not None:
            bar.close()
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()
    print(report.text())
    return 1 if report.failed else 0
