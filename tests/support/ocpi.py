# SPDX-License-Identifier: MIT
"""An OCPI party registered through the real credentials handshake, for the OCPI tests."""

from __future__ import annotations

import base64
from typing import Any

from fastapi.testclient import TestClient

from mobility.keys.ocpi import create_party
from mobility.store import Store

CREDENTIALS = "/ocpi/2.2.1/credentials"


def token_header(token: str) -> dict[str, str]:
    """Return the ``Authorization`` header OCPI 2.2.1 asks for: the token, base64-encoded."""
    return {"Authorization": "Token " + base64.b64encode(token.encode()).decode()}


def emsp_credentials(**overrides: Any) -> dict[str, Any]:
    """Return an eMSP's Credentials object (token B, versions URL, one role), fields replaced."""
    return {
        "token": "emsp-token-b-0001",
        "url": "https://emsp.example.org/ocpi/versions",
        "roles": [
            {
                "role": "EMSP",
                "business_details": {"name": "Example eMSP"},
                "party_id": "EXA",
                "country_code": "FR",
            }
        ],
        **overrides,
    }


def token_a(client: TestClient, name: str = "Example eMSP") -> str:
    """Return a fresh token A, made as ``mobility ocpi token`` makes it, in the app's store."""
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    token, _ = create_party(store, name)
    return token


def register(client: TestClient) -> dict[str, str]:
    """Register a party (token A, POST credentials) and return its token C header."""
    answer = client.post(
        CREDENTIALS, json=emsp_credentials(), headers=token_header(token_a(client))
    )
    assert answer.status_code == 200, answer.text
    return token_header(answer.json()["data"]["token"])
