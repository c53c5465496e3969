# SPDX-License-Identifier: MIT
"""A digest of every table of a store: proof that a refused operation wrote nothing."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from mobility.store import SqlStore, schema


def store_digest(store: SqlStore) -> dict[str, str]:
    """Return, per table, a SHA-256 of all its rows in primary-key order."""
    digests: dict[str, str] = {}
    with store.engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).all()
            body = repr([tuple(row) for row in rows]).encode()
            digests[table.name] = hashlib.sha256(body).hexdigest()
    return digests
