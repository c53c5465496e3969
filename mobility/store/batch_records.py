# SPDX-License-Identifier: MIT
"""A batch as the store keeps it: its header (job, parameters, progress) and its rows.

``mobility batch … --to-store`` writes them as the batch runs, so ``GET /batches/{id}`` shows
its progress and ``GET /batches/{id}/results`` what the GeoParquet file holds, to a dashboard
that reads the database only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

BatchStatus = Literal["running", "finished", "interrupted"]


@dataclass(frozen=True)
class BatchRecord:
    """A batch's header: what it runs on which communes, and how far it is.

    ``id`` is the batch's key (its job, parameters and communes), so running the same command
    again continues the same batch. ``done`` counts the communes finished (failed ones too),
    ``failed`` those that failed.
    """

    id: str
    analysis: str
    parameters: dict[str, Any]
    communes: tuple[str, ...]
    columns: tuple[str, ...]
    status: BatchStatus
    done: int
    failed: int
    created_at: datetime
    updated_at: datetime
    output: str | None = None

    @property
    def total(self) -> int:
        """Return how many communes the batch covers."""
        return len(self.communes)


@dataclass(frozen=True)
class BatchRow:
    """One row of a batch: a commune's (or a zone's, a site's) figures, status and geometry."""

    commune: str
    position: int
    figures: dict[str, Any]
    status: str
    reason: str | None
    geometry: dict[str, Any] | None
