# SPDX-License-Identifier: MIT
"""A digest of every data table of a store, to show that a refused request wrote nothing at all.

Two tables are bookkeeping of requests, not data, and change on a refusal by design: the audit of
keyed writes records every attempt (a refused one too), and the rate counters count requests.
Every other table counts, ``commune_prepared`` too: a refused analysis prepares nothing (its reach
is checked against the commune's margin before the engines are read or built).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from mobility.store import SqlStore
from mobility.store.schema import metadata

REQUEST_BOOKKEEPING = frozenset({"write_audit", "rate_counters"})


def store_digest(store: SqlStore) -> dict[str, str]:
    """Return, per data table, the SHA-256 of its rows (sorted, so row order does not matter)."""
    digests = {}
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in REQUEST_BOOKKEEPING:
                continue
            rows = sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            digests[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests
