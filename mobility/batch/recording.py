# SPDX-License-Identifier: MIT
"""``--to-store``: a batch's progress and rows written to the store as the batch runs.

The API serves them (``GET /batches``, ``/batches/{id}``, ``/batches/{id}/results``), so a
dashboard reads a whole territory from the database while the batch is still running. The
batch's id is the key of its job, parameters and communes: the same command run again (to
resume) continues the same stored batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from mobility.batch.ledger import digest
from mobility.batch.tasks import BatchParameters, Row
from mobility.store import BatchRecord, BatchRow, BatchStatus, Store

BATCH_ID_LENGTH = 16


def batch_id(parameters: BatchParameters, codes: Sequence[str]) -> str:
    """Return a batch's id: the head of the key of its job, parameters and communes."""
    return digest([parameters.to_dict(), list(codes)])[:BATCH_ID_LENGTH]


class StoreRecorder:
    """Writes one batch's header and rows to the store as its communes finish."""

    def __init__(
        self, store: Store, parameters: BatchParameters, codes: Sequence[str], output: str
    ) -> None:
        self.store = store
        self.columns = parameters.columns
        self.id = batch_id(parameters, codes)
        now = datetime.now(UTC)
        self.record = BatchRecord(
            id=self.id,
            analysis=parameters.analysis,
            parameters=parameters.to_dict(),
            communes=tuple(codes),
            columns=parameters.columns,
            status="running",
            done=0,
            failed=0,
            created_at=now,
            updated_at=now,
            output=output,
        )

    def start(self, finished: dict[str, list[Row]]) -> None:
        """Create (or reopen) the batch and store the rows of the communes already finished."""
        self.store.start_batch(self.record)
        for code, rows in finished.items():
            self.commune(code, rows)

    def commune(self, code: str, rows: list[Row]) -> None:
        """Store one commune's rows (its progress counted with them)."""
        self.store.put_batch_rows(
            self.id,
            code,
            [
                BatchRow(
                    commune=code,
                    position=position,
                    figures={name: row.get(name) for name in self.columns},
                    status=str(row["status"]),
                    reason=row.get("reason"),
                    geometry=row.get("geometry"),
                )
                for position, row in enumerate(rows)
            ],
        )

    def finish(self, status: BatchStatus) -> None:
        """Record how the run ended."""
        self.store.end_batch(self.id, status)
