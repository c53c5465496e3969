# SPDX-License-Identifier: MIT
"""What the analyses of a batch (coverage, siting) share: their key, context and output.

An analysis reads a stored commune through its context (streets, demand, engines, kept by the
worker between tasks), is keyed by the commune's sources and the assets of its layer, and writes
GeoParquet. Each analysis adds its question and its rows (:meth:`context_rows`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mobility.assets import Layer
from mobility.batch.ledger import task_key
from mobility.batch.output import write_geoparquet
from mobility.batch.tasks import Row, commune_context
from mobility.coverage.context import CommuneContext
from mobility.store import Store


class CommuneAnalysis:
    """The parts of :class:`~mobility.batch.tasks.BatchParameters` every analysis shares."""

    layer: Layer
    columns: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as JSON values (each analysis says its own)."""
        raise NotImplementedError

    def context_rows(self, store: Store, context: CommuneContext) -> list[Row]:
        """Return the commune's rows from its context (each analysis says its own)."""
        raise NotImplementedError

    def key(self, store: Store, code: str) -> str:
        """Return the commune's key: its sources, its layer's assets and the parameters."""
        return task_key(store, code, self.to_dict(), self.layer)

    def rows(self, store: Store, code: str, shared: Any) -> list[Row]:
        """Return the commune's rows, its context kept by the worker for the next question."""
        return self.context_rows(store, commune_context(store, code))

    def write(self, out: Path, rows: list[Row]) -> None:
        """Write the rows as GeoParquet."""
        write_geoparquet(out, rows, self.columns)
