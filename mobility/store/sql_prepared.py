# SPDX-License-Identifier: MIT
"""The prepared commune kept with the store: one binary row per commune, read in one go.

What an analysis builds from a commune's sources (the engines' arrays, the snapped demand) costs
seconds on a big city and depends on nothing a request says. It is kept here as one payload
with the key it was built under (the digest of the sources and the build's parameters) and a
checksum of its bytes. The store knows nothing of what the payload holds: the coverage package
decides whether a key is current and rebuilds when it is not, or when the bytes do not match
their checksum. Saving a commune again or deleting it drops its row in the same transaction.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select

from mobility.store import schema
from mobility.store.base import PreparedPayload
from mobility.store.rows import locked_row
from mobility.store.sql_engine import SqlConnections


def payload_checksum(payload: bytes) -> str:
    """Return the checksum a payload is stored with (BLAKE2b, 128 bits, hex)."""
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


def drop_prepared(conn: Connection, code: str) -> None:
    """Delete a commune's prepared row (its sources are being replaced or removed)."""
    table = schema.commune_prepared
    conn.execute(delete(table).where(table.c.commune == code))


class PreparedTables(SqlConnections):
    """Reading and writing the prepared payload of a commune."""

    def get_prepared(self, code: str) -> PreparedPayload | None:
        """Return the commune's prepared payload as stored, or None when none is kept.

        ``intact`` tells whether the bytes still match the checksum written with them.
        """
        table = schema.commune_prepared
        with self._transaction() as conn:
            row = conn.execute(
                select(table.c.build_key, table.c.checksum, table.c.payload).where(
                    table.c.commune == code
                )
            ).first()
        if row is None:
            return None
        payload = bytes(row.payload)
        return PreparedPayload(
            build_key=str(row.build_key),
            payload=payload,
            intact=payload_checksum(payload) == row.checksum,
        )

    def put_prepared(self, code: str, build_key: str, payload: bytes) -> bool:
        """Keep a commune's prepared payload under its build key, replacing any other.

        Nothing is written when the commune is gone (deleted while the payload was built);
        returns whether the row was written. The commune's row is locked first, so workers
        keeping the same commune at once write one after the other: unlocked, on PostgreSQL,
        both would delete no row and the second insert would meet the first's key.
        """
        table = schema.commune_prepared
        with self._write_transaction() as conn:
            present = locked_row(
                conn, select(schema.communes.c.code).where(schema.communes.c.code == code)
            )
            if present is None:
                return False
            drop_prepared(conn, code)
            conn.execute(
                insert(table).values(
                    commune=code,
                    build_key=build_key,
                    checksum=payload_checksum(payload),
                    payload=payload,
                    built_at=datetime.now(UTC),
                )
            )
        return True
