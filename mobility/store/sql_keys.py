# SPDX-License-Identifier: MIT
"""The store's key tables: API keys (hashed) and the audit of the writes made with them.

Kept apart from the data tables: a key is read on every authenticated request and an audit row
appended after every write, each in its own short transaction, never inside a data write.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from mobility.errors import ConflictError, NotFoundError
from mobility.store import schema
from mobility.store.base import ApiKeyRecord, WriteRecord
from mobility.store.rows import aware


class KeyTables:
    """API keys and the write audit; mixed into SqlStore, which provides the transaction."""

    def _transaction(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def save_api_key(self, record: ApiKeyRecord) -> None:
        """Store a new key; ConflictError when its id is taken."""
        table = schema.api_keys
        with self._transaction() as conn:
            if conn.execute(select(table.c.id).where(table.c.id == record.id)).first():
                raise ConflictError(f"an API key with id {record.id} exists")
            conn.execute(
                insert(table).values(
                    id=record.id,
                    name=record.name,
                    secret_sha256=record.secret_sha256,
                    scopes=",".join(record.scopes),
                    communes=",".join(record.communes) or None,
                    expires_at=record.expires_at,
                    created_at=record.created_at,
                    revoked_at=record.revoked_at,
                )
            )

    def get_api_key(self, key_id: str) -> ApiKeyRecord | None:
        """Return the key of an id, revoked or not, or None."""
        table = schema.api_keys
        with self._transaction() as conn:
            row = conn.execute(select(table).where(table.c.id == key_id)).mappings().first()
        return None if row is None else _key(row)

    def list_api_keys(self) -> list[ApiKeyRecord]:
        """Return every key, oldest first."""
        table = schema.api_keys
        with self._transaction() as conn:
            rows = conn.execute(select(table).order_by(table.c.created_at, table.c.id)).mappings()
            return [_key(row) for row in rows]

    def revoke_api_key(self, key_id: str) -> ApiKeyRecord:
        """Mark a key revoked from now on (a revoked key stays revoked); NotFoundError if none."""
        table = schema.api_keys
        with self._transaction() as conn:
            conn.execute(
                update(table)
                .where(table.c.id == key_id, table.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
            row = conn.execute(select(table).where(table.c.id == key_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"no API key has the id {key_id}")
        return _key(row)

    def record_write(self, entry: WriteRecord) -> None:
        """Append one write to the audit table."""
        with self._transaction() as conn:
            conn.execute(
                insert(schema.write_audit).values(
                    key_id=entry.key_id,
                    method=entry.method,
                    path=entry.path,
                    status=entry.status,
                    at=entry.at,
                )
            )

    def list_writes(self, key_id: str | None = None, limit: int = 100) -> list[WriteRecord]:
        """Return the latest writes (of one key, or of all), newest first."""
        table = schema.write_audit
        query = select(table).order_by(table.c.id.desc()).limit(limit)
        if key_id is not None:
            query = query.where(table.c.key_id == key_id)
        with self._transaction() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            WriteRecord(row["key_id"], row["method"], row["path"], row["status"], aware(row["at"]))
            for row in rows
        ]


def _key(row: Any) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row["id"],
        name=row["name"],
        secret_sha256=row["secret_sha256"],
        scopes=tuple(row["scopes"].split(",")),
        communes=tuple(row["communes"].split(",")) if row["communes"] else (),
        expires_at=aware(row["expires_at"]) if row["expires_at"] else None,
        created_at=aware(row["created_at"]),
        revoked_at=aware(row["revoked_at"]) if row["revoked_at"] else None,
    )
