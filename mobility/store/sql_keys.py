# SPDX-License-Identifier: MIT
"""The store's key tables: API keys (hashed), the audit of writes, OCPI parties, rate counters.

Kept apart from the data tables: a key is read on every authenticated request and an audit row
appended after every write, each in its own short transaction, never inside a data write.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, and_, delete, insert, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from mobility.errors import ConflictError, NotFoundError
from mobility.store import schema
from mobility.store.base import ApiKeyRecord, OcpiParty, WriteRecord
from mobility.store.rows import aware


class KeyTables:
    """Keys, audit, OCPI parties and counters; mixed into SqlStore, which gives the transaction."""

    backend: Literal["sqlite", "postgis"]

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

    def save_ocpi_party(self, party: OcpiParty) -> None:
        """Store an OCPI party, new or changed (by id)."""
        table = schema.ocpi_parties
        values = {
            "name": party.name,
            "token_a_sha256": party.token_a_sha256,
            "token_c_sha256": party.token_c_sha256,
            "their_token": party.their_token,
            "their_url": party.their_url,
            "their_roles": json.dumps(list(party.their_roles), ensure_ascii=False),
            "created_at": party.created_at,
            "registered_at": party.registered_at,
        }
        with self._transaction() as conn:
            changed = conn.execute(update(table).where(table.c.id == party.id).values(**values))
            if changed.rowcount == 0:
                conn.execute(insert(table).values(id=party.id, **values))

    def ocpi_party_by_token(self, token_sha256: str) -> OcpiParty | None:
        """Return the party whose token A or token C has this hash, or None."""
        table = schema.ocpi_parties
        query = select(table).where(
            or_(table.c.token_a_sha256 == token_sha256, table.c.token_c_sha256 == token_sha256)
        )
        with self._transaction() as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else _party(row)

    def list_ocpi_parties(self) -> list[OcpiParty]:
        """Return every OCPI party, oldest first."""
        table = schema.ocpi_parties
        with self._transaction() as conn:
            rows = conn.execute(select(table).order_by(table.c.created_at, table.c.id)).mappings()
            return [_party(row) for row in rows]

    def count_hit(self, bucket: str, window_s: int, now_s: float, hits: int = 1) -> int:
        """Count ``hits`` in the fixed window holding ``now_s``; return the window's count so far.

        One statement (insert, or add on conflict, returning the count), so concurrent workers
        never lose a hit; a worker that counts in batches adds a batch at once. The first hits of
        a bucket's window also delete that bucket's older windows, so the table holds about one
        row per active bucket.
        """
        table = schema.rate_counters
        start = int(now_s // window_s) * window_s
        dialect_insert = postgresql.insert if self.backend == "postgis" else sqlite.insert
        statement = (
            dialect_insert(table)
            .values(bucket=bucket, window_start=start, count=hits)
            .on_conflict_do_update(
                index_elements=[table.c.bucket, table.c.window_start],
                set_={"count": table.c.count + hits},
            )
            .returning(table.c.count)
        )
        with self._transaction() as conn:
            if self.backend == "postgis":
                # a count is advisory: its commit need not wait for the disk (a crash may lose
                # the last instant's hits), which under load was most of the upsert's time
                conn.execute(text("SET LOCAL synchronous_commit TO OFF"))
            count = int(conn.execute(statement).scalar_one())
            if count == hits:
                stale = and_(table.c.bucket == bucket, table.c.window_start < start - window_s)
                conn.execute(delete(table).where(stale))
        return count

    def hits(self, bucket: str, window_s: int, now_s: float) -> int:
        """Return the hits counted in the window holding ``now_s``, without counting one."""
        table = schema.rate_counters
        start = int(now_s // window_s) * window_s
        query = select(table.c.count).where(table.c.bucket == bucket, table.c.window_start == start)
        with self._transaction() as conn:
            return int(conn.execute(query).scalar() or 0)


def _party(row: Any) -> OcpiParty:
    return OcpiParty(
        id=row["id"],
        name=row["name"],
        token_a_sha256=row["token_a_sha256"],
        token_c_sha256=row["token_c_sha256"],
        their_token=row["their_token"],
        their_url=row["their_url"],
        their_roles=tuple(json.loads(row["their_roles"])),
        created_at=aware(row["created_at"]),
        registered_at=aware(row["registered_at"]) if row["registered_at"] else None,
    )


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
