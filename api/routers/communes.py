# SPDX-License-Identifier: MIT
"""The ``communes`` collection: each loaded commune's boundary, what it holds and what it lacks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from api import schemas
from api.deps import SettingsDep, StoreDep
from api.links import item_links
from api.pages import items_page
from api.params import INSEE_PATTERN
from api.query import PagingDep
from api.responses import EncodedGeoJSONResponse, GeoJSONResponse, problem_responses
from mobility.commune_list import commune_feature, select_communes
from mobility.feature_pages import EncodedPage
from mobility.geojson import encode_json

router = APIRouter(prefix="/collections/communes", tags=["Communes"])
PROBLEMS = problem_responses(404, 422)


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
) -> EncodedGeoJSONResponse:
    """Return the loaded communes (boundaries), filtered by bbox or code."""
    records = select_communes(store, bbox=paging.bbox, code=paging.commune)
    page = records[paging.offset : paging.offset + paging.limit]
    features = [encode_json(commune_feature(store, record)) for record in page]
    return items_page(request, settings, paging, EncodedPage.of(features, len(records)))


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
        str,
        Path(pattern=INSEE_PATTERN, description="INSEE code, e.g. 75110.", examples=["75110"]),
    ],
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
) -> GeoJSONResponse:
    """Return one commune with its layer counts, sources and load reports."""
    feature = commune_feature(store, store.get_commune(featureId))
    feature["links"] = item_links(request, settings, "/collections/communes", featureId)
    return GeoJSONResponse(feature)
