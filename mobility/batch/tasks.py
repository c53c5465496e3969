# SPDX-License-Identifier: MIT
"""What a worker does for one commune: an analysis's API entry point, turned into table rows.

A worker process opens the store once (the database is the shared storage every worker reads)
and keeps its commune contexts, as the API server does; only the database URL, the commune code
and the parameters travel with a task. Large inputs a batch needs on every worker (an import's
region-wide files) are scattered to each worker once and passed to every task by reference.
Any failure of one commune becomes that commune's row with its reason, so the others finish.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Protocol

from mobility.coverage.context import CommuneContext, ContextCache
from mobility.errors import MobilityError
from mobility.store import Store, open_store

Row = dict[str, Any]
"""One output row: the parameters' columns, ``status``, ``reason`` and a GeoJSON ``geometry``."""


class BatchParameters(Protocol):
    """One job over every commune of a batch, the same question for each."""

    @property
    def analysis(self) -> str:
        """Return the job's name (``coverage``, ``siting``, ``import``, ``sdirve``)."""

    @property
    def columns(self) -> tuple[str, ...]:
        """Return the output's columns besides ``status``, ``reason`` and the geometry."""

    def check(self) -> None:
        """Validate the question as the API does, before any task is sent."""

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as JSON values (they key the ledger and name the batch)."""

    def key(self, store: Store, code: str) -> str:
        """Return the key a commune's finished result stays valid under (see the ledger)."""

    def rows(self, store: Store, code: str, shared: Any) -> list[Row]:
        """Return the commune's rows, computed by the job's domain entry point.

        ``shared`` is what the batch scattered to every worker (an import's region-wide files),
        or None.
        """

    def write(self, out: Path, rows: list[Row]) -> None:
        """Write the rows of every commune, in order, to the output file."""


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


def commune_context(store: Store, code: str) -> CommuneContext:
    """Return the commune's context (streets, demand, engines), kept between the worker's tasks."""
    return _WORKER.contexts.get(store, code)


def commune_rows(
    database_url: str, code: str, parameters: BatchParameters, shared: Any = None
) -> list[Row]:
    """Return the commune's rows, or one failed row saying why."""
    try:
        store = _WORKER.store(database_url)
        rows = parameters.rows(store, code, shared)
    except MobilityError as exc:
        return [failed_row(code, failure_reason(exc), parameters.columns)]
    except Exception as exc:  # noqa: BLE001 (a broken commune must not stop the batch)
        return [failed_row(code, f"{type(exc).__name__}: {exc}", parameters.columns)]
    return [{**row, "status": "done", "reason": None} for row in rows]


def failure_reason(error: MobilityError) -> str:
    """Return an error's message with each problem's field and reason, on one line."""
    details = "; ".join(f"{problem.field}: {problem.message}" for problem in error.problems)
    return f"{error.message} ({details})" if details else error.message


def failed_row(code: str, reason: str, columns: tuple[str, ...]) -> Row:
    """Return the row of a commune whose job failed (its figures null)."""
    row: Row = dict.fromkeys(columns)
    return row | {"commune": code, "status": "failed", "reason": reason, "geometry": None}
