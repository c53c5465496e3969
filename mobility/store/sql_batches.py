# SPDX-License-Identifier: MIT
"""The store's batch tables: a batch's header and rows, written as the batch runs.

Each commune's rows are replaced with its progress in one transaction, so a reader sees a
commune either not yet done or done with all its rows, and the header's counts always match the
rows stored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, case, delete, func, insert, select, update

from mobility.errors import NotFoundError
from mobility.store import schema
from mobility.store.batch_records import BatchRecord, BatchRow, BatchStatus
from mobility.store.rows import aware


class BatchTables:
    """Batches and their rows; mixed into SqlStore, which gives the transactions."""

    def _transaction(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _write_transaction(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def start_batch(self, record: BatchRecord) -> BatchRecord:
        """Create the batch, or mark a stored one of the same id running again; return it.

        A batch run again keeps its rows and creation time: the communes it finished stay
        finished (the command's ledger says which it will not compute again).
        """
        table = schema.batches
        now = datetime.now(UTC)
        values = {
            "analysis": record.analysis,
            "parameters": json.dumps(record.parameters, sort_keys=True),
            "communes": json.dumps(list(record.communes)),
            "columns": json.dumps(list(record.columns)),
            "status": "running",
            "output": record.output,
            "updated_at": now,
        }
        with self._write_transaction() as conn:
            exists = conn.execute(select(table.c.id).where(table.c.id == record.id)).first()
            if exists:
                conn.execute(update(table).where(table.c.id == record.id).values(**values))
                _recount(conn, record.id, now)
            else:
                conn.execute(
                    insert(table).values(id=record.id, done=0, failed=0, created_at=now, **values)
                )
            return _record(conn.execute(select(table).where(table.c.id == record.id)).one())

    def put_batch_rows(self, batch_id: str, commune: str, rows: Sequence[BatchRow]) -> None:
        """Replace one commune's rows and recount the batch's progress, in one transaction."""
        table = schema.batch_rows
        with self._write_transaction() as conn:
            _known(conn, batch_id)
            conn.execute(
                delete(table).where(and_(table.c.batch == batch_id, table.c.commune == commune))
            )
            if rows:
                conn.execute(
                    insert(table),
                    [
                        {
                            "batch": batch_id,
                            "commune": commune,
                            "position": row.position,
                            "figures": json.dumps(row.figures, ensure_ascii=False),
                            "status": row.status,
                            "reason": row.reason,
                            "geometry": json.dumps(row.geometry) if row.geometry else None,
                        }
                        for row in rows
                    ],
                )
            _recount(conn, batch_id, datetime.now(UTC))

    def end_batch(self, batch_id: str, status: BatchStatus) -> None:
        """Record how the run ended: ``finished``, or ``interrupted`` (stopped before the end)."""
        table = schema.batches
        with self._write_transaction() as conn:
            _known(conn, batch_id)
            conn.execute(
                update(table)
                .where(table.c.id == batch_id)
                .values(status=status, updated_at=datetime.now(UTC))
            )

    def list_batches(self) -> list[BatchRecord]:
        """Return every batch, the most recently updated first."""
        table = schema.batches
        with self._transaction() as conn:
            rows = conn.execute(select(table).order_by(table.c.updated_at.desc(), table.c.id))
            return [_record(row) for row in rows]

    def get_batch(self, batch_id: str) -> BatchRecord:
        """Return one batch's header, or raise NotFoundError."""
        table = schema.batches
        with self._transaction() as conn:
            row = conn.execute(select(table).where(table.c.id == batch_id)).first()
        if row is None:
            raise NotFoundError(f"no batch {batch_id}")
        return _record(row)

    def batch_rows(self, batch_id: str) -> list[BatchRow]:
        """Return a batch's rows in the batch's commune order, each commune's in its order.

        Raises NotFoundError for an unknown batch.
        """
        record = self.get_batch(batch_id)
        order = {code: index for index, code in enumerate(record.communes)}
        table = schema.batch_rows
        with self._transaction() as conn:
            rows = [
                _row(row) for row in conn.execute(select(table).where(table.c.batch == batch_id))
            ]
        return sorted(rows, key=lambda row: (order.get(row.commune, len(order)), row.position))


def _known(conn: Connection, batch_id: str) -> None:
    table = schema.batches
    if conn.execute(select(table.c.id).where(table.c.id == batch_id)).first() is None:
        raise NotFoundError(f"no batch {batch_id}")


def _recount(conn: Connection, batch_id: str, now: datetime) -> None:
    """Set the batch's done and failed counts from its rows (a commune counts once)."""
    rows = schema.batch_rows
    failed_row = case((rows.c.status == "failed", 1), else_=0)
    communes = (
        select(rows.c.commune, func.max(failed_row).label("failed"))
        .where(rows.c.batch == batch_id)
        .group_by(rows.c.commune)
        .subquery()
    )
    done, failed = conn.execute(
        select(func.count(), func.coalesce(func.sum(communes.c.failed), 0))
    ).one()
    conn.execute(
        update(schema.batches)
        .where(schema.batches.c.id == batch_id)
        .values(done=int(done), failed=int(failed), updated_at=now)
    )


def _record(row: Any) -> BatchRecord:
    return BatchRecord(
        id=row.id,
        analysis=row.analysis,
        parameters=json.loads(row.parameters),
        communes=tuple(json.loads(row.communes)),
        columns=tuple(json.loads(row.columns)),
        status=row.status,
        done=row.done,
        failed=row.failed,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        output=row.output,
    )


def _row(row: Any) -> BatchRow:
    return BatchRow(
        commune=row.commune,
        position=row.position,
        figures=json.loads(row.figures),
        status=row.status,
        reason=row.reason,
        geometry=json.loads(row.geometry) if row.geometry else None,
    )
