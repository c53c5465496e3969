# SPDX-License-Identifier: MIT
"""What a worker does for one commune: an analysis's API entry point, turned into table rows.

A worker process opens the store once (the database is the shared storage every worker reads)
and keeps its commune contexts, as the API server does; only the database URL, the commune code
and the parameters travel with a task. Any failure of one commune becomes that commune's row
with its reason, so the others finish.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from mobility.assets import Layer
from mobility.coverage.context import CommuneContext, ContextCache
from mobility.errors import MobilityError
from mobility.store import Store, open_store

Row = dict[str, Any]
"""One output row: the parameters' columns, ``status``, ``reason`` and a GeoJSON ``geometry``."""


class BatchParameters(Protocol):
    """One analysis over every commune of a batch, the same question for each."""

    @property
    def analysis(self) -> str:
        """Return the analysis's name (``coverage``, ``siting``)."""

    @property
    def layer(self) -> Layer:
        """Return the layer whose assets the analysis reads (its digest keys the ledger)."""

    @property
    def columns(self) -> tuple[str, ...]:
        """Return the output's columns besides ``status``, ``reason`` and the geometry."""

    def check(self) -> None:
        """Validate the question as the API does, before any task is sent."""

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as JSON values (they key the ledger)."""

    def rows(self, store: Store, context: CommuneContext) -> list[Row]:
        """Return the commune's rows, computed by the analysis's entry point."""


class _Worker:
    """The store and contexts of one worker process, opened on first use."""

    def __init__(self) -> None:
        self.stores: dict[str, Store] = {}
        self.contexts = ContextCache(capacity=2)
        self.lock = threading.Lock()

    def store(self, database_url: str) -> Store:
        with self.lock:
            if database_url not in self.stores:
                self.stores[database_url] = open_store(database_url)
            return self.stores[database_url]


_WORKER = _Worker()


def commune_rows(database_url: str, code: str, parameters: BatchParameters) -> list[Row]:
    """Return the commune's rows, or one failed row saying why."""
    try:
        store = _WORKER.store(database_url)
        rows = parameters.rows(store, _WORKER.contexts.get(store, code))
    except MobilityError as exc:
        return [failed_row(code, exc.message, parameters.columns)]
    except Exception as exc:  # noqa: BLE001 (a broken commune must not stop the batch)
        return [failed_row(code, f"{type(exc).__name__}: {exc}", parameters.columns)]
    return [{**row, "status": "done", "reason": None} for row in rows]


def failed_row(code: str, reason: str, columns: tuple[str, ...]) -> Row:
    """Return the row of a commune whose analysis failed (its figures null)."""
    row: Row = dict.fromkeys(columns)
    return row | {"commune": code, "status": "failed", "reason": reason, "geometry": None}
