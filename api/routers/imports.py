# SPDX-License-Identifier: MIT
"""File imports over HTTP: the same load the CLI runs, the raw file as the request body.

The body is streamed into a spooled temporary file (on disk past a few megabytes) and read back
once, so a large file is held in memory once, as the bytes the reader walks; the size limit
(``MOBILITY_MAX_UPLOAD_MB``, 413) is enforced by the middleware while it streams.
"""

from __future__ import annotations

import re
import tempfile
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api import schemas
from api.auth import WriteStoreDep, require_api_key
from api.errors import PROBLEM_MEDIA_TYPE, TITLES, ApiProblem
from api.params import CodePath
from mobility.assets import Layer
from mobility.loading import LoadMode, LoadReport, load_asset_file

router = APIRouter(prefix="/communes/{code}", tags=["Imports and exports"])

ImportFormat = Literal["irve", "gtfs", "gbfs", "osm", "geojson"]
IMPORT_MEDIA_TYPES = (
    "text/csv",
    "application/zip",
    "application/json",
    "application/geo+json",
    "application/xml",
    "application/octet-stream",
)
SPOOL_IN_MEMORY = 8 * 1024 * 1024
MAX_ERRORS_LISTED = 1000
_EXTENSIONS = {"irve": "csv", "gtfs": "zip", "gbfs": "json", "osm": "osm", "geojson": "geojson"}
_FILENAME = re.compile(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', re.IGNORECASE)


class RejectedRowModel(BaseModel):
    """One refused row, tied to its line and the column or property at fault."""

    line: int | None = Field(description="CSV line (header = 1), feature or station index.")
    id: str | None = Field(description="The row's id when it could be read.")
    field: str = Field(description="Column, property or tag at fault (or 'row').")
    reason: str


class ImportReport(BaseModel):
    """What an import did (the same report as ``mobility assets load --json``)."""

    commune: str
    mode: Literal["all-or-nothing", "valid-rows"]
    status: Literal["written", "refused"]
    written: dict[str, int] = Field(description="Assets written, per layer.")
    written_total: int
    outside_commune: int = Field(
        description="Valid rows outside the commune and its surroundings, set aside."
    )
    rejected_outside: int = Field(
        description="Refused rows standing outside the commune and its surroundings: counted "
        "only, they never refuse an all-or-nothing import (a row refused before its position "
        "was read counts as refused here).",
    )
    in_commune: int = Field(description="Assets kept that stand inside the commune's boundary.")
    in_surroundings: int = Field(
        description="Assets kept that stand in the commune's margin only (none without one)."
    )
    changed_existing: int = Field(
        description="Assets kept that were already stored with other attributes, position or "
        "commune code: the write changes them."
    )
    changed_existing_ids: list[str] = Field(
        description="The ids of the changed stored assets, in id order (at most 50 listed)."
    )
    unchanged_existing: int = Field(description="Assets kept that were already stored as read.")
    other_layers: dict[str, int] = Field(description="Valid rows of layers not asked for.")
    format: str = Field(description="The reader that read the file, e.g. irve, gtfs, osm-xml.")
    source_name: str
    rows_read: int
    assets: int = Field(description="Valid assets read (before placing in the commune).")
    assets_by_layer: dict[str, int]
    rejected_rows: int = Field(description="Rows refused (each may have several reasons).")
    rejected_count: int
    rejected: list[RejectedRowModel] = Field(description="At most 1,000 refusals listed.")
    rejected_truncated: bool
    duplicate_ids: list[str] = Field(description="Ids met more than once (the last kept).")
    skipped: dict[str, int] = Field(description="Rows deliberately not imported, by reason.")


class ImportProblem(schemas.Problem):
    """A refused import: problem details, with the load report when the file was read."""

    report: ImportReport | None = None


def _problem_responses() -> dict[int | str, dict[str, Any]]:
    responses: dict[int | str, dict[str, Any]] = {
        status: {"model": schemas.Problem, "content": {PROBLEM_MEDIA_TYPE: {}}}
        for status in (401, 403, 404, 413, 415, 429)
    }
    responses[422] = {
        "model": ImportProblem,
        "content": {PROBLEM_MEDIA_TYPE: {}},
        "description": "The file is not what the format says, or (all-or-nothing) some rows "
        "are refused: nothing is written; `errors` lists the refused rows, `report` the rest.",
    }
    return responses


def _media_type(request: Request) -> str:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in IMPORT_MEDIA_TYPES:
        raise ApiProblem(
            415,
            f"send the file as the body with one of {', '.join(IMPORT_MEDIA_TYPES)}, "
            f"not {media_type or 'an untyped body'}",
        )
    return media_type


def _source_name(request: Request, fmt: str) -> str:
    match = _FILENAME.search(request.headers.get("content-disposition", ""))
    if match is not None:
        return match[1].strip().rsplit("/", 1)[-1][:200]
    return f"upload.{_EXTENSIONS[fmt]}"


async def _read_body(request: Request) -> bytes:
    """Stream the body to a spooled file, then read it back as one bytes object."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        async for chunk in request.stream():
            spool.write(chunk)
        spool.seek(0)
        return spool.read()


def _refusal(request: Request, report: LoadReport) -> JSONResponse:
    body = report.to_dict()
    rows = report.read.rejected
    errors = [
        {
            "field": f"line {row.line}: {row.field}" if row.line is not None else row.field,
            "message": row.reason,
        }
        for row in rows[:MAX_ERRORS_LISTED]
    ]
    more = f" (the first {MAX_ERRORS_LISTED} are listed)" if len(rows) > MAX_ERRORS_LISTED else ""
    detail = (
        f"nothing was written: {report.read.rejected_rows} row(s) of the file are refused in "
        f"all-or-nothing mode{more}; fix them, or send mode=valid-rows to write the valid ones"
    )
    problem = {
        "type": "https://clean-mobility-planner.fr/problems/422",
        "title": TITLES[422],
        "status": 422,
        "detail": detail,
        "instance": request.url.path,
        "errors": errors,
        "report": body,
    }
    return JSONResponse(problem, status_code=422, media_type=PROBLEM_MEDIA_TYPE)


@router.post(
    "/imports/{format}",
    operation_id="importFile",
    summary="Import a file of assets into a commune (API key)",
    description="Send the raw file as the body: an IRVE statique CSV (`irve`, `,` or `;`, BOM "
    "accepted), a GTFS feed zip or bare stops.txt (`gtfs`), a GBFS station_information.json "
    "(`gbfs`), an OpenStreetMap XML file, gzipped or not (`osm`), or a GeoJSON "
    "FeatureCollection (`geojson`: IDFM, Vélib', OSM or this service's own attributes). Rows "
    "outside the commune are set aside and counted. In `all-or-nothing` mode (the default) one "
    "refused row writes nothing and the answer is a 422 listing every refused row; "
    "`valid-rows` writes the valid ones and reports the others. Existing ids are replaced.",
    response_model=ImportReport,
    responses=_problem_responses(),
    dependencies=[Depends(require_api_key)],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}}
                for media_type in IMPORT_MEDIA_TYPES
            },
        }
    },
)
async def import_file(
    code: CodePath,
    format: Annotated[  # noqa: A002 (the path segment's name)
        ImportFormat, Path(description="What the file is.")
    ],
    request: Request,
    store: WriteStoreDep,
    mode: Annotated[
        LoadMode,
        Query(
            description="all-or-nothing: one refused row writes nothing; valid-rows: write "
            "the valid rows and report the others."
        ),
    ] = "all-or-nothing",
    layer: Annotated[
        Layer | None,
        Query(
            description="Only this layer (GeoJSON of this service's own attributes: the "
            "layer it holds; OSM: parking or hubs)."
        ),
    ] = None,
) -> JSONResponse:
    """Read the body as a file of the given format and load it into the commune."""
    _media_type(request)
    await run_in_threadpool(store.get_commune, code)
    load = partial(load_asset_file, store, code, fmt=format, mode=mode)
    report = await run_in_threadpool(
        load,
        await _read_body(request),
        layers=[layer] if layer is not None else None,
        source_name=_source_name(request, format),
    )
    if report.refused:
        return _refusal(request, report)
    return JSONResponse(report.to_dict())
