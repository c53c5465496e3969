# SPDX-License-Identifier: MIT
"""The store's batch tables on both backends: progress counted from the rows, a batch run again
keeps its rows, unknown batches are NotFoundError, and a version-5 database gains the tables."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from mobility.errors import NotFoundError
from mobility.store import BatchRecord, BatchRow, SqlStore, open_store, schema

NOW = datetime(2026, 1, 1, tzinfo=UTC)
RECORD = BatchRecord(
    id="0123456789abcdef",
    analysis="coverage",
    parameters={"within_m": 300.0},
    communes=("75101", "75102", "75103"),
    columns=("commune", "zone", "share"),
    status="running",
    done=0,
    failed=0,
    created_at=NOW,
    updated_at=NOW,
    output="paris.parquet",
)
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[2.3, 48.8], [2.31, 48.8], [2.31, 48.81], [2.3, 48.8]]],
}


def _row(commune: str, position: int, status: str = "done") -> BatchRow:
    figures = {"commune": commune, "zone": "" if position == 0 else f"z{position}", "share": 0.5}
    reason = "broken streets" if status == "failed" else None
    return BatchRow(commune, position, figures, status, reason, SQUARE if position == 0 else None)


def test_progress_is_counted_from_the_rows_and_a_rerun_keeps_them(store: SqlStore) -> None:
    started = store.start_batch(RECORD)
    assert (started.status, started.done, started.failed, started.total) == ("running", 0, 0, 3)
    store.put_batch_rows(RECORD.id, "75102", [_row("75102", 0), _row("75102", 1)])
    store.put_batch_rows(RECORD.id, "75101", [_row("75101", 0, "failed")])
    store.put_batch_rows(RECORD.id, "75102", [_row("75102", 0), _row("75102", 1)])
    header = store.get_batch(RECORD.id)
    assert (header.done, header.failed) == (2, 1)
    rows = store.batch_rows(RECORD.id)
    assert [(r.commune, r.position) for r in rows] == [("75101", 0), ("75102", 0), ("75102", 1)]
    assert rows[1].geometry == SQUARE and rows[2].geometry is None
    assert rows[0].reason == "broken streets"
    store.end_batch(RECORD.id, "interrupted")
    again = store.start_batch(RECORD)
    assert (again.status, again.done, again.created_at) == ("running", 2, header.created_at)
    store.end_batch(RECORD.id, "finished")
    assert [b.status for b in store.list_batches()] == ["finished"]


def test_an_unknown_batch_is_not_found(store: SqlStore) -> None:
    for call in (
        lambda: store.get_batch("ffffffffffffffff"),
        lambda: store.batch_rows("ffffffffffffffff"),
        lambda: store.put_batch_rows("ffffffffffffffff", "75101", []),
        lambda: store.end_batch("ffffffffffffffff", "finished"),
    ):
        with pytest.raises(NotFoundError):
            call()


def test_a_version_5_store_gains_the_batch_tables(store: SqlStore) -> None:
    url = store.engine.url.render_as_string(hide_password=False)
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE batch_rows"))
        conn.execute(text("DROP TABLE batches"))
        conn.execute(text("UPDATE store_meta SET value = '5' WHERE key = 'schema_version'"))
    store.close()
    reopened = open_store(url.replace("postgresql+psycopg", "postgresql", 1))
    try:
        with reopened.engine.begin() as conn:
            version = conn.execute(
                text("SELECT value FROM store_meta WHERE key = 'schema_version'")
            ).scalar()
        assert version == str(schema.SCHEMA_VERSION) == "7"
        reopened.start_batch(RECORD)
        assert reopened.get_batch(RECORD.id).total == 3
    finally:
        reopened.close()
