# SPDX-License-Identifier: MIT
"""A batch: one Dask task per commune not yet finished, rows written as GeoParquet.

The client (this process) reads the ledger, keys every selected commune, submits the others to
the cluster, appends each outcome to the ledger as it arrives, and finally writes the output
from the ledger's rows, finished-before and computed-now alike, in the selection's order.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
from shapely.geometry import shape

from mobility.batch.ledger import append_entry, ledger_path, read_finished, task_key
from mobility.batch.tasks import BatchParameters, Row, commune_rows
from mobility.store import Store

if TYPE_CHECKING:
    from distributed import Client

Progress = Callable[[str, int, int], None]
"""Called as ``progress(phase, done, total)``, like the import's progress bar."""


@dataclass
class BatchReport:
    """What a batch did: communes computed now, taken from the ledger, and failed."""

    out: Path
    computed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def text(self) -> str:
        """Return the report as a few lines for a terminal."""
        lines = [
            f"{len(self.computed)} communes computed, {len(self.reused)} already finished, "
            f"{len(self.failed)} failed in {self.seconds:.1f} s; rows in {self.out}"
        ]
        lines += [f"  {code}: {reason}" for code, reason in self.failed.items()]
        return "\n".join(lines)


def run_batch(
    client: Client,
    store: Store,
    database_url: str,
    codes: Sequence[str],
    parameters: BatchParameters,
    out: Path,
    *,
    progress: Progress | None = None,
) -> BatchReport:
    """Run the analysis of every selected commune on the cluster; write ``out`` (GeoParquet).

    ``store`` is the client's own connection to the database the workers open at
    ``database_url`` (shared storage: workers read the communes there, nothing large is shipped).
    """
    from distributed import as_completed

    started = time.monotonic()
    parameters.check()
    report = BatchReport(out=out)
    ledger = ledger_path(out)
    finished = read_finished(ledger)
    keys = {code: task_key(store, code, parameters) for code in codes}
    rows: dict[str, list[Row]] = {}
    pending = {}
    for code in codes:
        entry = finished.get(code)
        if entry is not None and entry[0] == keys[code]:
            rows[code] = entry[1]
            report.reused.append(code)
        else:
            future = client.submit(commune_rows, database_url, code, parameters, pure=False)
            pending[future] = code
    done = len(report.reused)
    if progress is not None:
        progress("communes", done, len(codes))
    for future in as_completed(list(pending)):  # type: ignore[no-untyped-call]
        code = pending[future]
        result: list[Row] = future.result()
        append_entry(ledger, code, keys[code], result)
        rows[code] = result
        report.computed.append(code)
        if result[0]["status"] == "failed":
            report.failed[code] = str(result[0]["reason"])
        done += 1
        if progress is not None:
            progress("communes", done, len(codes))
    write_rows(out, [row for code in codes for row in rows[code]], parameters.columns)
    report.seconds = time.monotonic() - started
    return report


def write_rows(out: Path, rows: list[Row], columns: tuple[str, ...]) -> None:
    """Write the rows as GeoParquet in EPSG:4326 (written aside, then moved into place)."""
    frame = gpd.GeoDataFrame(
        {name: [row.get(name) for row in rows] for name in (*columns, "status", "reason")},
        geometry=[shape(row["geometry"]) if row["geometry"] else None for row in rows],
        crs="EPSG:4326",
    )
    partial = out.with_name(out.name + ".partial")
    frame.to_parquet(partial, index=False)
    partial.replace(out)
