# SPDX-License-Identifier: MIT
"""The ``communes`` collection: each loaded commune's boundary, what it holds and what it lacks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from api import schemas
from api.deps import SettingsDep, StoreDep
from api.links import GEOJSON, JSON, paging_links, url_for_path
from api.query import INSEE_PATTERN, PagingDep
from api.responses import GeoJSONResponse, problem_responses
from mobility.assets import Layer
from mobility.store import CommuneRecord, Store

router = APIRouter(prefix="/collections/communes", tags=["Communes"])
PROBLEMS = problem_responses(404, 422)


def commune_feature(store: Store, record: CommuneRecord) -> dict[str, Any]:
    """Return a commune as a GeoJSON Feature with its layer counts and notes."""
    counts = {layer.value: store.count_assets(layer, record.code) for layer in Layer}
    notes = [
        f"no {layer.replace('-', ' ')} loaded for this commune: the layer is empty"
        for layer, count in counts.items()
        if count == 0
    ]
    notes.extend(str(note) for note in record.info.get("notes", []))
    return {
        "type": "Feature",
        "id": record.code,
        "geometry": record.boundary,
        "properties": {
            "code": record.code,
            "name": record.name,
            "revision": record.revision,
            "layers": counts,
            "notes": notes,
            "info": record.info,
            "updated_at": record.updated_at.isoformat() if record.updated_at else None,
        },
    }


def _intersects(record: CommuneRecord, bbox: tuple[float, float, float, float] | None) -> bool:
    if bbox is None:
        return True
    west, south, east, north = record.bbox
    return not (west > bbox[2] or east < bbox[0] or south > bbox[3] or north < bbox[1])


@router.get(
    "/items",
    operation_id="getCommunes",
    summary="Communes: a page of loaded communes",
    response_model=schemas.CommuneCollection,
    response_class=GeoJSONResponse,
    responses=PROBLEMS,
)
def list_communes(
    request: Request, store: StoreDep, settings: SettingsDep, paging: PagingDep
) -> Any:
    """Return the loaded communes (boundaries), filtered by bbox or code."""
    records = [
        record
        for record in store.list_communes()
        if _intersects(record, paging.bbox) and paging.commune in (None, record.code)
    ]
    page = records[paging.offset : paging.offset + paging.limit]
    return GeoJSONResponse(
        {
            "type": "FeatureCollection",
            "features": [commune_feature(store, record) for record in page],
            "numberMatched": len(records),
            "numberReturned": len(page),
            "timeStamp": datetime.now(UTC).isoformat(),
            "links": paging_links(
                request,
                settings,
                offset=paging.offset,
                limit=paging.limit,
                number_matched=len(records),
            ),
        }
    )


@router.get(
    "/items/{featureId}",
    operation_id="getCommune",
    summary="Communes: one commune by INSEE code",
    response_model=schemas.CommuneFeature,
    response_class=GeoJSONResponse,
    responses=PROBLEMS,
)
def get_commune(
    featureId: Annotated[  # noqa: N803 (OGC name)
        str, Path(pattern=INSEE_PATTERN, description="INSEE code, e.g. 75110.")
    ],
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
) -> Any:
    """Return one commune with its layer counts, sources and load reports."""
    feature = commune_feature(store, store.get_commune(featureId))
    base = "/collections/communes"
    feature["links"] = [
        {
            "href": url_for_path(request, settings, f"{base}/items/{featureId}"),
            "rel": "self",
            "type": GEOJSON,
        },
        {"href": url_for_path(request, settings, base), "rel": "collection", "type": JSON},
    ]
    return GeoJSONResponse(feature)
