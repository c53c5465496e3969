# SPDX-License-Identifier: MIT
"""OCPI 2.2.1 versions, version details and the credentials module (registration).

A party given token A reads ``/ocpi/versions`` and ``/ocpi/2.2.1``, then POSTs its credentials
and receives token C; PUT renews them (a new token C), DELETE ends the registration. POST by a
registered party, or PUT/DELETE by one not registered, is 405 as OCPI says.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse

from api.deps import SettingsDep, StoreDep
from api.errors import ApiProblem
from api.ocpi_auth import OcpiCall, OcpiCallDep
from api.ocpi_envelope import (
    DETAILS_PATH,
    VERSIONS_PATH,
    Envelope,
    envelope,
    our_credentials,
    version_details,
    versions,
)
from mobility.keys.ocpi import register, unregister

router = APIRouter(tags=["OCPI 2.2.1"])
ANSWERS: dict[int | str, dict[str, Any]] = {
    401: {"model": Envelope, "description": "No token, or one this server did not give."},
    405: {"model": Envelope, "description": "POST when registered, PUT/DELETE when not."},
    422: {"model": Envelope, "description": "A Credentials object refused: status_code 2001."},
    429: {"model": Envelope, "description": "Too many wrong tokens from this client."},
}
CREDENTIALS = f"{DETAILS_PATH}/credentials"
CredentialsBody = Annotated[Any, Body(description="OCPI Credentials: token B, url, roles.")]


def _registered(call: OcpiCall, registered: bool) -> None:
    if (call.caller.kind == "C") != registered:
        state = "registered: use PUT" if call.caller.kind == "C" else "not registered: use POST"
        raise ApiProblem(405, f"this party is {state}")


def _exchange(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    call: OcpiCall,
    body: Any,
    *,
    registered: bool,
) -> JSONResponse:
    """Store the party's credentials and answer with a new token C.

    Registering (POST, token A) and renewing (PUT, token C) are the same exchange; only the
    state the party must be in differs.
    """
    _registered(call, registered)
    token_c, _ = register(store, call.caller, body)
    return envelope(our_credentials(request, settings, token_c))


@router.get(
    VERSIONS_PATH, operation_id="getOcpiVersions", response_model=Envelope, responses=ANSWERS
)
def get_versions(request: Request, settings: SettingsDep, call: OcpiCallDep) -> JSONResponse:
    """List the OCPI versions served (token A or C)."""
    return envelope(versions(request, settings))


@router.get(DETAILS_PATH, operation_id="getOcpiVersion", response_model=Envelope, responses=ANSWERS)
def get_version(request: Request, settings: SettingsDep, call: OcpiCallDep) -> JSONResponse:
    """List the endpoints of OCPI 2.2.1 (token A or C)."""
    return envelope(version_details(request, settings))


@router.get(
    CREDENTIALS, operation_id="getOcpiCredentials", response_model=Envelope, responses=ANSWERS
)
def get_credentials(request: Request, settings: SettingsDep, call: OcpiCallDep) -> JSONResponse:
    """Return this server's credentials for the calling party (token C)."""
    _registered(call, True)
    return envelope(our_credentials(request, settings, call.token))


@router.post(
    CREDENTIALS, operation_id="postOcpiCredentials", response_model=Envelope, responses=ANSWERS
)
def post_credentials(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    call: OcpiCallDep,
    body: CredentialsBody,
) -> JSONResponse:
    """Register with token A: store the party's credentials, answer with token C."""
    return _exchange(request, settings, store, call, body, registered=False)


@router.put(
    CREDENTIALS, operation_id="putOcpiCredentials", response_model=Envelope, responses=ANSWERS
)
def put_credentials(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    call: OcpiCallDep,
    body: CredentialsBody,
) -> JSONResponse:
    """Renew a registration (token C): new credentials in, a new token C out."""
    return _exchange(request, settings, store, call, body, registered=True)


@router.delete(
    CREDENTIALS, operation_id="deleteOcpiCredentials", response_model=Envelope, responses=ANSWERS
)
def delete_credentials(store: StoreDep, call: OcpiCallDep) -> JSONResponse:
    """End a registration (token C): the token stops working."""
    _registered(call, True)
    unregister(store, call.caller)
    return envelope(None)
