# SPDX-License-Identifier: MIT
"""Regulatory diagnostics: SDIRVE indicators (JSON and national CSV), AFIR target, inputs.

The routes read the store and call ``mobility.regulation``; the figures only a commune knows are
supplied through ``/inputs/sdirve`` and ``/inputs/fleet`` (writes need the API key).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query, Response

from api.auth import WriteGuard, WriteStoreDep
from api.deps import StoreDep
from api.errors import ApiProblem
from api.params import CodePath, ScenarioQuery
from api.preconditions import IfMatchDep, RequiredIfMatchDep, etag, with_etag
from api.responses import problem_responses
from api.schemas_regulation import AfirReport, CommuneInputDocument, SdirveReport
from mobility.errors import ConflictError
from mobility.regulation import Fleet, SdirveInputs, sdirve_rows, write_sdirve_csv
from mobility.regulation.commune import (
    FLEET_KEY,
    SDIRVE_KEY,
    commune_afir,
    commune_sdirve,
    store_fleet,
    store_sdirve_inputs,
)
from mobility.regulation.inputs import VehicleCount
from mobility.store import Store
from mobility.store.base import CommuneInput

router = APIRouter(prefix="/communes/{code}", tags=["Regulation"])

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
IncludeReservedQuery = Annotated[
    bool,
    Query(
        description="Count the points with reserved access ('Accès réservé') in the installed "
        "power too; AFIR art. 3(1) counts publicly accessible points only."
    ),
]


def _supply_hint(code: str) -> str:
    return (
        f"supply the commune's figures with PUT /communes/{code}/inputs/sdirve (JSON body, "
        "X-API-Key), and pass scenario={id} for the planned points"
    )


@router.get(
    "/sdirve",
    operation_id="getSdirve",
    summary="SDIRVE diagnostic indicators of the commune and of each IRIS",
    description="The figures of the national SDIRVE schema (etalab/schema-sdirve v0.1.0): "
    "existing public points per power class (computed from the IRVE layer), planned points "
    "(those a scenario adds), and the figures only the commune knows (usage, forecast fleet, "
    "objectives), taken from its stored inputs. Nothing is invented: a figure not supplied is "
    "null and listed in `missing_inputs` with the way to supply it.",
    response_model=SdirveReport,
    responses=problem_responses(404, 422),
)
def get_sdirve(code: CodePath, store: StoreDep, scenario: ScenarioQuery = None) -> SdirveReport:
    """Return the SDIRVE diagnostic, with each figure's source and what is missing."""
    report = commune_sdirve(store, code, today=date.today(), scenario_id=scenario)
    return SdirveReport.model_validate(report.to_dict())


@router.get(
    "/sdirve.csv",
    operation_id="exportSdirveCsv",
    summary="Download the SDIRVE diagnostic as the national CSV (schema-sdirve v0.1.0)",
    description="One row for the commune (`level=commune`) or one per IRIS (`level=iris`), the "
    "columns in the schema's order. Written only when every required field has a value: "
    "otherwise 409, listing each missing field and how to supply it.",
    response_class=Response,
    responses={
        200: {
            "description": "The SDIRVE CSV (UTF-8, comma-separated, header first).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **problem_responses(404, 409, 422),
    },
)
def export_sdirve_csv(
    code: CodePath,
    store: StoreDep,
    level: Annotated[
        Literal["commune", "iris"],
        Query(description="commune: one row; iris: one row per IRIS (needs per-IRIS inputs)."),
    ] = "commune",
    scenario: ScenarioQuery = None,
) -> Response:
    """Return the SDIRVE CSV, or 409 naming the fields still missing."""
    indicators = commune_sdirve(store, code, today=date.today(), scenario_id=scenario)
    try:
        rows = sdirve_rows(indicators, level)
    except ConflictError as error:
        raise ApiProblem(
            409, f"{error.message}: {_supply_hint(code)}", problems=list(error.problems)
        ) from None
    return Response(
        write_sdirve_csv(rows),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="sdirve_{code}_{level}.csv"'},
    )


@router.get(
    "/afir",
    operation_id="getAfir",
    summary="Installed public charging power against the AFIR fleet-based target",
    description="Regulation (EU) 2023/1804, art. 3(1): at least 1.3 kW of public charging "
    "power per registered battery-electric car and 0.8 kW per plug-in hybrid. The fleet is "
    "`bev` and `phev` when both are given, else the commune's stored fleet input; without "
    "either, the answer gives the installed power only. Points with reserved access "
    "(`condition_acces` 'Accès réservé') are not publicly accessible: they are reported apart "
    "in `reserved_access` and counted only with `include_reserved=true`.",
    response_model=AfirReport,
    responses=problem_responses(404, 422),
)
def get_afir(
    code: CodePath,
    store: StoreDep,
    bev: Annotated[
        VehicleCount | None, Query(description="Registered battery-electric cars.")
    ] = None,
    phev: Annotated[VehicleCount | None, Query(description="Registered plug-in hybrids.")] = None,
    scenario: ScenarioQuery = None,
    include_reserved: IncludeReservedQuery = False,
) -> AfirReport:
    """Return the installed power, the required power, the gap and the points to close it."""
    report = commune_afir(
        store, code, bev=bev, phev=phev, scenario_id=scenario, include_reserved=include_reserved
    )
    return AfirReport.model_validate(report.to_dict())


def _document(stored: CommuneInput, response: Response) -> CommuneInputDocument:
    """Return the stored inputs as served, their revision set as the answer's ETag."""
    response.headers["ETag"] = etag(stored.revision)
    return CommuneInputDocument(
        commune=stored.commune, key=stored.key, value=stored.value, updated_at=stored.updated_at
    )


def _read_input(store: Store, code: str, key: str, response: Response) -> CommuneInputDocument:
    stored = store.get_commune_input(code, key)
    if stored is None:
        raise ApiProblem(404, f"commune {code} has no {key} inputs")
    return _document(stored, response)


INPUT_WRITE_PROBLEMS = with_etag(problem_responses(400, 401, 403, 404, 412, 415, 422, 428, 429))
INPUT_READ_PROBLEMS = with_etag(problem_responses(404, 422))
INPUT_DELETE_PROBLEMS = problem_responses(400, 401, 403, 404, 412, 422, 428, 429)
PUT_DESCRIPTION = (
    "Without If-Match the inputs are created when none are stored; stored inputs are replaced "
    "only with If-Match carrying their ETag (428 without, 412 when they changed since)."
)


@router.put(
    "/inputs/sdirve",
    operation_id="putSdirveInputs",
    summary="Supply the commune's SDIRVE figures: dates, usage, forecast fleet, objectives "
    "(API key)",
    description=PUT_DESCRIPTION,
    response_model=CommuneInputDocument,
    responses=INPUT_WRITE_PROBLEMS,
    dependencies=WriteGuard,
)
def put_sdirve_inputs(
    code: CodePath,
    store: WriteStoreDep,
    response: Response,
    if_match: IfMatchDep,
    inputs: Annotated[SdirveInputs, Body()],
) -> CommuneInputDocument:
    """Store (replace) the SDIRVE inputs; per-IRIS figures must name IRIS of the commune."""
    return _document(store_sdirve_inputs(store, code, inputs, if_match=if_match), response)


@router.get(
    "/inputs/sdirve",
    operation_id="getSdirveInputs",
    summary="The SDIRVE figures the commune supplied",
    response_model=CommuneInputDocument,
    responses=INPUT_READ_PROBLEMS,
)
def get_sdirve_inputs(code: CodePath, store: StoreDep, response: Response) -> CommuneInputDocument:
    """Return the stored SDIRVE inputs, or 404 when none are."""
    return _read_input(store, code, SDIRVE_KEY, response)


@router.delete(
    "/inputs/sdirve",
    operation_id="deleteSdirveInputs",
    summary="Forget the commune's SDIRVE figures (API key)",
    status_code=204,
    response_class=Response,
    responses=INPUT_DELETE_PROBLEMS,
    dependencies=WriteGuard[:1],
)
def delete_sdirve_inputs(
    code: CodePath, store: WriteStoreDep, if_match: RequiredIfMatchDep
) -> Response:
    """Delete the stored SDIRVE inputs."""
    store.delete_commune_input(code, SDIRVE_KEY, if_match=if_match)
    return Response(status_code=204)


@router.put(
    "/inputs/fleet",
    operation_id="putFleetInput",
    summary="Supply the commune's registered fleet (BEV, PHEV, date, source) (API key)",
    description=PUT_DESCRIPTION,
    response_model=CommuneInputDocument,
    responses=INPUT_WRITE_PROBLEMS,
    dependencies=WriteGuard,
)
def put_fleet_input(
    code: CodePath,
    store: WriteStoreDep,
    response: Response,
    if_match: IfMatchDep,
    fleet: Annotated[Fleet, Body()],
) -> CommuneInputDocument:
    """Store (replace) the registered fleet the AFIR check uses by default."""
    return _document(store_fleet(store, code, fleet, if_match=if_match), response)


@router.get(
    "/inputs/fleet",
    operation_id="getFleetInput",
    summary="The registered fleet the commune supplied",
    response_model=CommuneInputDocument,
    responses=INPUT_READ_PROBLEMS,
)
def get_fleet_input(code: CodePath, store: StoreDep, response: Response) -> CommuneInputDocument:
    """Return the stored fleet, or 404 when none is."""
    return _read_input(store, code, FLEET_KEY, response)


@router.delete(
    "/inputs/fleet",
    operation_id="deleteFleetInput",
    summary="Forget the commune's registered fleet (API key)",
    status_code=204,
    response_class=Response,
    responses=INPUT_DELETE_PROBLEMS,
    dependencies=WriteGuard[:1],
)
def delete_fleet_input(
    code: CodePath, store: WriteStoreDep, if_match: RequiredIfMatchDep
) -> Response:
    """Delete the stored fleet."""
    store.delete_commune_input(code, FLEET_KEY, if_match=if_match)
    return Response(status_code=204)
