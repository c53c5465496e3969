# SPDX-License-Identifier: MIT
"""OGC API – Features discovery: landing page, conformance, collections."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from api import schemas
from api.deps import SettingsDep, StoreDep
from api.layers import LAYER_SPECS
from api.links import GEOJSON, JSON, OPENAPI, url_for_path
from api.responses import problem_responses
from api.settings import Settings
from mobility.assets import Layer
from mobility.errors import NotFoundError
from mobility.store.base import AssetQuery, Store

router = APIRouter(tags=["Discovery"])

ATTRIBUTION = (
    "© OpenStreetMap contributors (ODbL); Ville de Paris – Référentiel des voies; "
    "IGN – Contours IRIS; INSEE – recensement de la population; Île-de-France Mobilités; "
    "Etalab – IRVE statique (Licence Ouverte 2.0); Vélib' Métropole. See /collections/communes "
    "for each commune's sources."
)

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
]

COMMUNES_DESCRIPTION = (
    "Loaded communes: boundary, INSEE code, name, number of assets per layer, sources, load "
    "reports (street graph components kept and dropped) and the demand method."
)


@router.get("/", operation_id="getLandingPage", response_model=schemas.LandingPage)
def landing_page(request: Request, settings: SettingsDep) -> schemas.LandingPage:
    """Return the entry point with links to the API description, conformance and data."""
    return landing_document(request, settings)


def landing_document(request: Request, settings: Settings) -> schemas.LandingPage:
    """Return the landing page: title, description, attribution and the entry links."""

    def link(path: str, rel: str, media: str, title: str) -> schemas.Link:
        href = url_for_path(request, settings, path)
        return schemas.Link(href=href, rel=rel, type=media, title=title)

    return schemas.LandingPage(
        title="Clean Mobility Planner",
        description=(
            "Charging points, parking and intermodal hubs of French communes over their real "
            "streets, as OGC API – Features collections."
        ),
        attribution=ATTRIBUTION,
        links=[
            link("/", "self", JSON, "this document"),
            link("/api", "service-desc", OPENAPI, "the API definition (OpenAPI)"),
            link("/docs", "service-doc", "text/html", "the API documentation"),
            link("/conformance", "conformance", JSON, "conformance classes"),
            link("/collections", "data", JSON, "the collections"),
        ],
    )


@router.get("/conformance", operation_id="getConformance", response_model=schemas.Conformance)
def conformance() -> schemas.Conformance:
    """Return the conformance classes implemented."""
    return schemas.Conformance(conformsTo=CONFORMANCE)


def _collection(
    request: Request, settings: Settings, store: Store, collection_id: str
) -> dict[str, Any]:
    communes = store.list_communes()
    bboxes = [list(record.bbox) for record in communes]
    overall = (
        [
            min(b[0] for b in bboxes),
            min(b[1] for b in bboxes),
            max(b[2] for b in bboxes),
            max(b[3] for b in bboxes),
        ]
        if bboxes
        else [-5.5, 41.2, 9.7, 51.2]
    )
    if collection_id == "communes":
        title, description, count = "Communes", COMMUNES_DESCRIPTION, len(communes)
    else:
        spec = next(spec for spec in LAYER_SPECS if spec.layer.value == collection_id)
        title, description = spec.title, spec.description
        # every stored item once: an asset seen by several communes (overlapping, or in a
        # neighbour's surroundings) is one feature of the collection
        count = store.query_assets(AssetQuery(layer=Layer(collection_id), limit=1)).number_matched
    base = f"/collections/{collection_id}"
    return {
        "id": collection_id,
        "title": title,
        "description": description,
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "extent": {"spatial": {"bbox": [overall]}},
        "numberOfFeatures": count,
        "links": [
            {"href": url_for_path(request, settings, base), "rel": "self", "type": JSON},
            {
                "href": url_for_path(request, settings, f"{base}/items"),
                "rel": "items",
                "type": GEOJSON,
                "title": f"{title} as GeoJSON",
            },
        ],
    }


ALL_COLLECTIONS: tuple[str, ...] = (*(spec.layer.value for spec in LAYER_SPECS), "communes")


@router.get("/collections", operation_id="getCollections", response_model=schemas.Collections)
def collections(request: Request, settings: SettingsDep, store: StoreDep) -> schemas.Collections:
    """Return every collection: the three asset layers and the communes."""
    return schemas.Collections.model_validate(
        {
            "links": [
                {
                    "href": url_for_path(request, settings, "/collections"),
                    "rel": "self",
                    "type": JSON,
                }
            ],
            "collections": [
                _collection(request, settings, store, collection_id)
                for collection_id in ALL_COLLECTIONS
            ],
        }
    )


@router.get(
    "/collections/{collectionId}",
    operation_id="describeCollection",
    response_model=schemas.Collection,
    responses=problem_responses(404),
)
def describe_collection(
    collectionId: Annotated[  # noqa: N803 (OGC name)
        str, Path(description="charging-points, parking, hubs or communes.", max_length=64)
    ],
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
) -> schemas.Collection:
    """Return one collection's description with its extent and item count."""
    if collectionId not in ALL_COLLECTIONS:
        raise NotFoundError(
            f"no collection {collectionId!r}: try one of {', '.join(ALL_COLLECTIONS)}"
        )
    return schemas.Collection.model_validate(_collection(request, settings, store, collectionId))
