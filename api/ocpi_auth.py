# SPDX-License-Identifier: MIT
"""Who calls the OCPI endpoints: ``Authorization: Token <base64 token>``, token A or token C.

Token A (given by ``mobility ocpi token``) opens the versions and the credentials registration
only; token C (given at registration) opens every OCPI module. Anything else is HTTP 401 in the
OCPI envelope (status_code 2000), as OCPI 2.2.1 asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from api.auth import count_failed_attempt, refuse_locked_out_client
from api.deps import SettingsDep, StoreDep
from api.errors import ApiProblem
from mobility.keys.ocpi import Caller, identify_caller, token_from_header

AuthorizationHeader = Annotated[
    str | None,
    Header(
        alias="Authorization",
        description="`Token <base64 of the token>`: token A to register, token C afterwards.",
    ),
]


@dataclass(frozen=True)
class OcpiCall:
    """The caller and the token it presented (GET credentials answers with it)."""

    caller: Caller
    token: str


def ocpi_call(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    authorization: AuthorizationHeader = None,
) -> OcpiCall:
    """Return the OCPI caller; 401 in the OCPI envelope without a token this server gave.

    Wrong tokens count with wrong API keys: past the limit, the client gets 429.
    """
    refuse_locked_out_client(request, settings, store)
    token = token_from_header(authorization)
    caller = identify_caller(store, token)
    if caller is None or token is None:
        if authorization:
            count_failed_attempt(request, settings, store)
        detail = "Invalid or missing token: send Authorization: Token <base64 token>"
        raise ApiProblem(401, detail, headers={"WWW-Authenticate": "Token"})
    return OcpiCall(caller, token)


OcpiCallDep = Annotated[OcpiCall, Depends(ocpi_call)]


def registered_call(call: OcpiCallDep) -> OcpiCall:
    """Return a call made with token C; token A opens only versions and credentials (401)."""
    if call.caller.kind != "C":
        raise ApiProblem(401, "this module needs the token C given at registration, not token A")
    return call


RegisteredDep = Annotated[OcpiCall, Depends(registered_call)]
