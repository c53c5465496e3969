# SPDX-License-Identifier: MIT
"""Response bodies of the batch routes (``GET /batches`` and a batch's document)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class BatchProgress(BaseModel):
    """How far a batch is, in communes."""

    communes: int = Field(description="Communes the batch covers.")
    done: int = Field(description="Communes finished, failed ones included.")
    failed: int = Field(description="Communes whose job failed (see errors).")
    left: int = Field(description="Communes not yet finished.")


class BatchSummary(BaseModel):
    """A batch's header: its job, parameters, status and progress."""

    id: str = Field(description="The batch's key: its job, parameters and communes.")
    analysis: str = Field(description="import, coverage, siting or sdirve.")
    parameters: dict[str, Any] = Field(description="The job's parameters, as the command took.")
    status: Literal["running", "finished", "interrupted"]
    progress: BatchProgress
    output: str | None = Field(description="The file the command wrote.")
    created_at: str
    updated_at: str


class BatchList(BaseModel):
    """Every stored batch, the most recently updated first."""

    batches: list[BatchSummary]


class BatchCommune(BaseModel):
    """One commune of a batch: its status and the figures of its own row."""

    commune: str
    status: Literal["pending", "done", "failed"]
    figures: dict[str, Any] | None = Field(
        description="The commune's row (coverage: zone empty; siting: rank 0); null unless done."
    )


class BatchError(BaseModel):
    """Why a commune of a batch failed."""

    commune: str
    reason: str


class BatchDocument(BatchSummary):
    """A batch with every commune's status and figures, and the errors."""

    communes: list[BatchCommune]
    errors: list[BatchError]
