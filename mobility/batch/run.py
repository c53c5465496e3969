# SPDX-License-Identifier: MIT
"""A batch: one Dask task per commune not yet finished, rows written as GeoParquet.

The client (this process) reads the ledger, keys every selected commune, submits the others to
the cluster, appends each outcome to the ledger as it arrives, and finally writes the output
from the ledger's rows, finished-before and computed-now alike, in the selection's order.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mobility.batch.ledger import append_entry, ledger_path, read_finished
from mobility.batch.recording import StoreRecorder
from mobility.batch.tasks import BatchParameters, Row, commune_rows
from mobility.store import Store

if TYPE_CHECKING:
    from distributed import Client


class Progress(Protocol):
    """Called as ``progress(phase, done, total, failed=n)``, as the command's progress bar is."""

    def __call__(self, phase: str, done: int, total: int, *, failed: int = 0) -> None:
        """Report ``done`` of ``total`` items of ``phase``, ``failed`` of them failed."""


@dataclass
class BatchReport:
    """What a batch did: communes computed now, taken from the ledger, and failed."""

    out: Path
    computed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    batch_id: str | None = None

    def text(self) -> str:
        """Return the report as a few lines for a terminal."""
        lines = [
            f"{len(self.computed)} communes computed, {len(self.reused)} already finished, "
            f"{len(self.failed)} failed in {self.seconds:.1f} s; rows in {self.out}"
        ]
        lines += [f"  {code}: {_shortened(reason)}" for code, reason in self.failed.items()]
        if self.batch_id is not None:
            lines.append(f"stored as batch {self.batch_id}: GET /batches/{self.batch_id}")
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
    shared: object = None,
    recorder: StoreRecorder | None = None,
) -> BatchReport:
    """Run the job of every selected commune on the cluster; write ``out`` (the job's format).

    ``store`` is the client's own connection to the database the workers open at
    ``database_url`` (shared storage: workers read the communes there, nothing large is shipped).
    ``shared`` (an import's region-wide files) is scattered once to every worker, and each task
    names it instead of carrying it. ``recorder`` (``--to-store``) writes the batch's progress and
    rows to the store as communes finish; a run stopped early is left ``interrupted``.
    """
    started = time.monotonic()
    parameters.check()
    report = BatchReport(out=out)
    ledger = ledger_path(out)
    finished = read_finished(ledger)
    keys = {code: parameters.key(store, code) for code in codes}
    rows: dict[str, list[Row]] = {}
    to_compute: list[str] = []
    for code in codes:
        entry = finished.get(code)
        if entry is not None and entry[0] == keys[code]:
            rows[code] = entry[1]
            report.reused.append(code)
        else:
            to_compute.append(code)
    if recorder is not None:
        recorder.start({code: rows[code] for code in report.reused})
        report.batch_id = recorder.id
    try:
        _compute(
            client,
            database_url,
            parameters,
            to_compute,
            keys,
            shared,
            ledger,
            report,
            rows,
            progress,
            len(codes),
            recorder,
        )
    except BaseException:
        if recorder is not None:
            recorder.finish("interrupted")
        raise
    if recorder is not None:
        recorder.finish("finished")
    parameters.write(out, [row for code in codes for row in rows[code]])
    report.seconds = time.monotonic() - started
    return report


def _compute(
    client: Client,
    database_url: str,
    parameters: BatchParameters,
    to_compute: list[str],
    keys: dict[str, str],
    shared: object,
    ledger: Path,
    report: BatchReport,
    rows: dict[str, list[Row]],
    progress: Progress | None,
    total: int,
    recorder: StoreRecorder | None,
) -> None:
    """Submit the communes to compute; record each outcome as it arrives."""
    from distributed import as_completed

    if shared is not None and to_compute:
        shared = client.scatter(shared, broadcast=True, hash=False)  # type: ignore[no-untyped-call]
    pending = {
        client.submit(commune_rows, database_url, code, parameters, shared, pure=False): code
        for code in to_compute
    }
    done = len(report.reused)
    if progress is not None:
        progress("communes", done, total)
    for future in as_completed(list(pending)):  # type: ignore[no-untyped-call]
        code = pending[future]
        result: list[Row] = future.result()
        append_entry(ledger, code, keys[code], result)
        if recorder is not None:
            recorder.commune(code, result)
        rows[code] = result
        report.computed.append(code)
        if result[0]["status"] == "failed":
            report.failed[code] = str(result[0]["reason"])
        done += 1
        if progress is not None:
            progress("communes", done, total, failed=len(report.failed))


REASON_SHOWN = 300
"""Characters of a failure's reason a terminal shows (the ledger keeps it whole)."""


def _shortened(reason: str) -> str:
    return reason if len(reason) <= REASON_SHOWN else reason[: REASON_SHOWN - 1] + "…"
