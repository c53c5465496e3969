# SPDX-License-Identifier: MIT
"""A digest of every data table of a store, to show that a refused request wrote nothing at all.

Two tables are bookkeeping of requests, not data, and change on a refusal by design: the audit of
keyed writes records every attempt (a refused one too), and the rate counters count requests.
A third holds no data of its own: ``commune_prepared`` keeps what is derived from a commune's
sources (its engines and snapped homes) for the next worker, and the first analysis of a commune
fills it, even one then refused for its reach, which is checked against the prepared commune.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from mobility.store import SqlStore
from mobility.store.schema import metadata

REQUEST_BOOKKEEPING = frozenset({"write_audit", "rate_counters"})
DERIVED_CACHES = frozenset({"commune_prepared"})


def store_digest(store: SqlStore) -> dict[str, str]:
    """Return, per data table, the SHA-256 of its rows (sorted, so row order does not matter)."""
    digests = {}
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in REQUEST_BOOKKEEPING | DERIVED_CACHES:
                continue
            rows = sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            digests[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests
