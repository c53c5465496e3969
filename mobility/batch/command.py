# SPDX-License-Identifier: MIT
r"""``mobility batch coverage|siting``: a territory's analysis on a Dask cluster, from a shell.

Examples::

    mobility batch coverage --communes 75101-75120 --layer charging-points --within-m 300 \\
        --out paris.parquet --workers 2
    mobility batch siting --communes @communes.txt --layer charging-points --within-m 300 \\
        --count 5 --out sites.parquet --scheduler tcp://10.0.0.5:8786

``--workers N`` starts a local cluster of N worker processes; ``--scheduler`` joins a running
one, whose workers must reach the same database (a PostGIS URL, or a SQLite file on shared
storage). Run the same command again to resume: finished communes are taken from the ledger.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mobility.assets import Layer
from mobility.batch.coverage import CoverageParameters
from mobility.batch.run import run_batch
from mobility.batch.selection import select_communes
from mobility.batch.siting import SitingParameters
from mobility.batch.tasks import BatchParameters
from mobility.progress import ProgressBar
from mobility.store import Store


def add_batch_parser(groups: Any) -> None:
    """Add the ``batch`` group and its commands to the command line's groups."""
    batch = groups.add_parser("batch", help="run an analysis over many communes on a cluster")
    commands = batch.add_subparsers(dest="command", required=True)
    coverage = commands.add_parser("coverage", help="coverage of each commune and zone")
    _add_common(coverage)
    siting = commands.add_parser("siting", help="the next sites of each commune")
    _add_common(siting)
    siting.add_argument("--count", type=int, required=True, help="new sites per commune")
    siting.add_argument("--method", choices=["auto", "greedy", "exact"], default="greedy")
    siting.add_argument(
        "--candidates",
        choices=["intersections", "street_points", "parking", "hubs"],
        default="intersections",
    )


def _add_common(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--communes",
        action="append",
        required=True,
        help="codes, ranges (75101-75120) or @file of codes; repeatable",
    )
    command.add_argument("--layer", required=True, choices=[layer.value for layer in Layer])
    command.add_argument("--within-m", type=float, required=True, help="walking reach, metres")
    command.add_argument("--out", type=Path, required=True, help="GeoParquet file to write")
    where = command.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=2, help="local worker processes")
    where.add_argument("--scheduler", help="address of a running scheduler, tcp://host:8786")
    command.add_argument("--progress", action="store_true", help="show a progress bar")


def _parameters(args: argparse.Namespace) -> BatchParameters:
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


def run_batch_command(args: argparse.Namespace, store: Store, database_url: str) -> int:
    """Run a ``batch`` command; return the exit code (1 when a commune failed)."""
    from distributed import Client, LocalCluster

    codes = select_communes(args.communes)
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
    try:
        report = run_batch(client, store, database_url, codes, parameters, args.out, progress=bar)
    finally:
        if bar is not None:
            bar.close()
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()
    print(report.text())
    return 1 if report.failed else 0
