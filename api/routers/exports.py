# SPDX-License-Identifier: MIT
"""Whole-layer downloads of a commune: the IRVE statique CSV and GeoJSON per layer, streamed.

Both read the store a page at a time (in id order) and write as they go, so a large layer is
never held in memory whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from api import schemas
from api.deps import StoreDep
from api.errors import PROBLEM_MEDIA_TYPE
from api.links import GEOJSON
from api.params import CodePath
from api.responses import GeoJSONResponse
from mobility.assets import Asset, ChargingPoint, Layer
from mobility.features import stream_features
from mobility.formats import IRVE_COLUMNS, write_irve_csv
from mobility.store import AssetQuery, Store

router = APIRouter(prefix="/communes/{code}", tags=["Imports and exports"])

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": schemas.Problem, "content": {PROBLEM_MEDIA_TYPE: {}}} for status in (404, 422)
}


class LayerExport(BaseModel):
    """Every feature of one layer in one commune."""

    type: str = "FeatureCollection"
    name: str
    features: list[
        schemas.Feature[schemas.ChargingPointProperties]
        | schemas.Feature[schemas.ParkingProperties]
        | schemas.Feature[schemas.HubProperties]
    ]


def iter_layer(store: Store, layer: Layer, code: str) -> Iterator[Asset]:
    """Yield every asset of a commune's layer, in id order, a page at a time."""
    return store.iter_assets(AssetQuery(layer=layer, commune=code))


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@router.get(
    "/exports/irve.csv",
    operation_id="exportIrveCsv",
    summary="Download the commune's charging points as an IRVE statique CSV (schema v2.3)",
    description="One row per charging point standing inside the commune's boundary (the "
    "points of its surroundings are another commune's to publish), the 40 columns in the "
    "schema's order, "
    "`coordonneesXY` as `[lon, lat]`, booleans `true`/`false`, dates `YYYY-MM-DD`. "
    "The file validates against the national IRVE statique Table Schema.",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The IRVE statique CSV (UTF-8, comma-separated, header first).",
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": ",".join(IRVE_COLUMNS[:3]) + ",...",
                }
            },
        },
        **PROBLEMS,
    },
)
def export_irve_csv(code: CodePath, store: StoreDep) -> StreamingResponse:
    """Stream the charging points of the commune as IRVE statique CSV."""
    store.get_commune(code)

    def rows() -> Iterator[tuple[float, float, ChargingPoint]]:
        for asset in iter_layer(store, Layer.CHARGING_POINTS, code):
            if isinstance(asset.attributes, ChargingPoint):
                yield asset.lon, asset.lat, asset.attributes

    return StreamingResponse(
        write_irve_csv(rows()),
        media_type=CSV_MEDIA_TYPE,
        headers=_attachment(f"irve_statique_{code}.csv"),
    )


class _GeoJSONStream(StreamingResponse):
    media_type = GEOJSON


@router.get(
    "/exports/{layer}.geojson",
    operation_id="exportLayerGeoJSON",
    summary="Download every feature of one layer of the commune as one GeoJSON file",
    description="A FeatureCollection of all the layer's features standing inside the commune's "
    "boundary (no paging; its surroundings are left out), with the same properties as the OGC "
    "API items with `commune=` (`in_commune` true), as an attachment.",
    response_model=LayerExport,
    response_class=GeoJSONResponse,  # documents the streamed body as the JSON it is
    responses=PROBLEMS,
)
def export_layer_geojson(
    code: CodePath,
    layer: Annotated[Layer, Path(description="The asset layer.")],
    store: StoreDep,
) -> StreamingResponse:
    """Stream the whole layer of the commune as a GeoJSON FeatureCollection."""
    store.get_commune(code)
    name = f"{code}-{layer.value}"

    def chunks() -> Iterator[str]:
        yield json.dumps({"type": "FeatureCollection", "name": name})[:-1] + ', "features": ['
        first = True
        for feature in stream_features(store, AssetQuery(layer=layer, commune=code)):
            text = json.dumps(feature, ensure_ascii=False)
            yield text if first else "," + text
            first = False
        yield "]}\n"

    return _GeoJSONStream(chunks(), headers=_attachment(f"{name}.geojson"))
