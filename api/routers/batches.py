# SPDX-License-Identifier: MIT
"""Batches written by ``mobility batch … --to-store``: their progress, figures and rows."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from api.deps import StoreDep
from api.responses import GeoJSONResponse, problem_responses
from api.schemas_batches import BatchDocument, BatchList
from mobility.batch.served import batch_csv, batch_document, batch_features, batch_summary

router = APIRouter(prefix="/batches", tags=["Batches"])
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
BatchIdPath = Annotated[
    str, Path(pattern=r"^[0-9a-f]{16}$", description="The batch's id, as the command printed.")
]


@router.get(
    "",
    operation_id="getBatches",
    summary="Every stored batch with its status and progress",
    response_model=BatchList,
)
def list_batches(store: StoreDep) -> BatchList:
    """Return the batches, the most recently updated first."""
    return BatchList.model_validate(
        {"batches": [batch_summary(record) for record in store.list_batches()]}
    )


@router.get(
    "/{batch_id}",
    operation_id="getBatch",
    summary="A batch: status, progress, each commune's figures, errors",
    response_model=BatchDocument,
    responses=problem_responses(404, 422),
)
def get_batch(batch_id: BatchIdPath, store: StoreDep) -> BatchDocument:
    """Return the batch with every commune's status and own figures, and why some failed."""
    return BatchDocument.model_validate(batch_document(store, batch_id))


@router.get(
    "/{batch_id}/results",
    operation_id="getBatchResults",
    summary="Every row of a batch, as GeoJSON or CSV",
    description="The rows of the GeoParquet file the command wrote, in its order: GeoJSON "
    "features whose properties are the figures, status and reason (`f=geojson`), or CSV with "
    "the geometry as WKT (`f=csv`).",
    response_class=Response,
    responses={
        200: {
            "description": "The batch's rows.",
            "content": {
                "application/geo+json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        **problem_responses(404, 422),
    },
)
def get_batch_results(
    batch_id: BatchIdPath,
    store: StoreDep,
    f: Annotated[Literal["geojson", "csv"], Query(description="The format.")] = "geojson",
) -> Response:
    """Return the batch's rows in the format asked for."""
    if f == "csv":
        return Response(
            batch_csv(store, batch_id),
            media_type=CSV_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="batch_{batch_id}.csv"'},
        )
    return GeoJSONResponse(batch_features(store, batch_id))
