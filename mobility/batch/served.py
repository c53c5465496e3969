# SPDX-License-Identifier: MIT
"""A stored batch as the API serves it: its header and progress, per-commune figures, its rows.

``GET /batches/{id}`` gives a dashboard the whole territory's figures in one answer: each
commune's status and the figures of its own row (the commune's row of a coverage batch, zone
empty; rank 0 of a siting batch), and the reasons of those that failed.
``GET /batches/{id}/results`` gives every row, as GeoJSON features (the figures as properties)
or as CSV (the geometry as WKT), in the order of the GeoParquet file the command wrote.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from shapely.geometry import shape

from mobility.store import BatchRecord, BatchRow, Store


def batch_summary(record: BatchRecord) -> dict[str, Any]:
    """Return a batch's header: job, parameters, status and progress."""
    return {
        "id": record.id,
        "analysis": record.analysis,
        "parameters": record.parameters,
        "status": record.status,
        "progress": {
            "communes": record.total,
            "done": record.done,
            "failed": record.failed,
            "left": record.total - record.done,
        },
        "output": record.output,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
    }


def batch_document(store: Store, batch_id: str) -> dict[str, Any]:
    """Return the batch's header with every commune's status and own figures, and the errors.

    Raises NotFoundError for an unknown batch.
    """
    record = store.get_batch(batch_id)
    first_rows: dict[str, BatchRow] = {}
    for row in store.batch_rows(batch_id):
        first_rows.setdefault(row.commune, row)
    communes: list[dict[str, Any]] = []
    for code in record.communes:
        own = first_rows.get(code)
        if own is None:
            communes.append({"commune": code, "status": "pending", "figures": None})
        else:
            figures = None if own.status == "failed" else own.figures
            communes.append({"commune": code, "status": own.status, "figures": figures})
    errors = [
        {"commune": row.commune, "reason": row.reason or ""}
        for row in first_rows.values()
        if row.status == "failed"
    ]
    return {**batch_summary(record), "communes": communes, "errors": errors}


def batch_features(store: Store, batch_id: str) -> dict[str, Any]:
    """Return every row of the batch as a GeoJSON FeatureCollection (lon/lat)."""
    features = [
        {
            "type": "Feature",
            "geometry": row.geometry,
            "properties": {**row.figures, "status": row.status, "reason": row.reason},
        }
        for row in store.batch_rows(batch_id)
    ]
    return {"type": "FeatureCollection", "features": features}


def batch_csv(store: Store, batch_id: str) -> str:
    """Return every row of the batch as CSV: the batch's columns, status, reason, WKT geometry."""
    record = store.get_batch(batch_id)
    names = [*record.columns, "status", "reason", "geometry_wkt"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in store.batch_rows(batch_id):
        wkt = shape(row.geometry).wkt if row.geometry else ""
        cells = {name: _cell(row.figures.get(name)) for name in record.columns}
        writer.writerow(
            {**cells, "status": row.status, "reason": row.reason or "", "geometry_wkt": wkt}
        )
    return buffer.getvalue()


def _cell(value: object) -> object:
    return "" if value is None else value
