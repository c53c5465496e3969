# SPDX-License-Identifier: MIT
"""OCPI 2.2.1 as a client meets it, on both stores: versions, token A → B/C, 401s, envelopes."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.ocpi import CREDENTIALS, emsp_credentials, token_a, token_header

LOCATIONS = "/ocpi/2.2.1/locations"


def _is_envelope(body: dict[str, Any], status_code: int) -> None:
    assert body["status_code"] == status_code
    assert isinstance(body["status_message"], str) and body["timestamp"].endswith("Z")


def test_the_whole_handshake(any_client: TestClient) -> None:
    token = token_a(any_client)
    a = token_header(token)
    versions = any_client.get("/ocpi/versions", headers=a)
    assert versions.status_code == 200
    _is_envelope(versions.json(), 1000)
    [version] = versions.json()["data"]
    assert version["version"] == "2.2.1" and version["url"].endswith("/ocpi/2.2.1")
    details = any_client.get("/ocpi/2.2.1", headers=a).json()["data"]
    endpoints = {(e["identifier"], e["role"]): e["url"] for e in details["endpoints"]}
    assert endpoints[("locations", "SENDER")].endswith(LOCATIONS)
    assert endpoints[("credentials", "RECEIVER")].endswith(CREDENTIALS)

    assert any_client.get(LOCATIONS, headers=a).status_code == 401  # token A: registration only
    assert any_client.put(CREDENTIALS, json=emsp_credentials(), headers=a).status_code == 405

    registered = any_client.post(CREDENTIALS, json=emsp_credentials(), headers=a)
    assert registered.status_code == 200, registered.text
    ours = registered.json()["data"]
    token_c = ours["token"]
    assert token_c != token and len(token_c) >= 40
    assert ours["url"].endswith("/ocpi/versions")
    assert ours["roles"] == [
        {
            "role": "CPO",
            "business_details": {"name": "Clean Mobility Planner"},
            "party_id": "CMP",
            "country_code": "FR",
        }
    ]
    c = token_header(token_c)
    assert any_client.get("/ocpi/versions", headers=a).status_code == 401  # token A is spent
    assert any_client.get(LOCATIONS, headers=c).status_code == 200
    assert any_client.get(CREDENTIALS, headers=c).json()["data"]["token"] == token_c
    assert any_client.post(CREDENTIALS, json=emsp_credentials(), headers=c).status_code == 405

    new_b = {"token": "emsp-token-b-0002"}
    renewed = any_client.put(CREDENTIALS, json=emsp_credentials(**new_b), headers=c)
    assert renewed.status_code == 200
    new_c = token_header(renewed.json()["data"]["token"])
    assert any_client.get(LOCATIONS, headers=c).status_code == 401
    assert any_client.get(LOCATIONS, headers=new_c).status_code == 200
    store = any_client.app.state.store  # type: ignore[attr-defined]
    [party] = store.list_ocpi_parties()
    assert party.their_token == new_b["token"] and party.their_url.endswith("/ocpi/versions")
    assert token_c not in repr(party) and token not in repr(party)

    gone = any_client.delete(CREDENTIALS, headers=new_c)
    assert gone.status_code == 200 and gone.json()["data"] is None
    assert any_client.get(LOCATIONS, headers=new_c).status_code == 401


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Token " + base64.b64encode(b"not-a-token-we-gave").decode(),
        "Bearer abc",
        "Token",
        "Token !!!not base64!!! extra",
    ],
)
def test_every_module_refuses_a_missing_or_wrong_token(
    client: TestClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    for method, path in [
        ("GET", "/ocpi/versions"),
        ("GET", "/ocpi/2.2.1"),
        ("GET", LOCATIONS),
        ("GET", f"{LOCATIONS}/FRV75PPX1013"),
        ("GET", CREDENTIALS),
        ("POST", CREDENTIALS),
        ("DELETE", CREDENTIALS),
    ]:
        answer = client.request(method, path, headers=headers, json=emsp_credentials())
        assert answer.status_code == 401, (method, path)
        assert answer.headers["content-type"] == "application/json"
        _is_envelope(answer.json(), 2000)
        assert "data" not in answer.json()


def test_a_raw_token_is_accepted_as_ocpi_2_1_1_clients_send_it(client: TestClient) -> None:
    token = token_a(client)
    assert (
        client.get("/ocpi/versions", headers={"Authorization": f"Token {token}"}).status_code == 200
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"token": ""}, "token"),
        ({"token": "x" * 65}, "token"),
        ({"url": "ftp://emsp.example.org"}, "url"),
        ({"roles": []}, "roles"),
        ({"roles": [{"role": "KING", "party_id": "EXA", "country_code": "FR",
                     "business_details": {"name": "x"}}]}, "roles.0.role"),
        ({"roles": [{"role": "EMSP", "party_id": "EXAMPLE", "country_code": "FR",
                     "business_details": {"name": "x"}}]}, "roles.0.party_id"),
    ],
)  # fmt: skip
def test_bad_credentials_are_refused_in_the_envelope(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    headers = token_header(token_a(client))
    answer = client.post(CREDENTIALS, json=emsp_credentials(**change), headers=headers)
    assert answer.status_code == 422
    _is_envelope(answer.json(), 2001)
    assert field in answer.json()["status_message"]
    assert client.get("/ocpi/versions", headers=headers).status_code == 200  # token A still good
    store = client.app.state.store  # type: ignore[attr-defined]
    assert [party.registered_at for party in store.list_ocpi_parties()] == [None]


def test_errors_of_the_locations_module_are_envelopes(client: TestClient) -> None:
    answer = client.post(
        CREDENTIALS, json=emsp_credentials(), headers=token_header(token_a(client))
    )
    c = token_header(answer.json()["data"]["token"])
    bad = client.get(LOCATIONS, params={"date_to": "0.5x"}, headers=c)
    assert bad.status_code == 422
    _is_envelope(bad.json(), 2001)
    long_id = client.get(f"{LOCATIONS}/{'A' * 40}", headers=c)
    assert long_id.status_code == 422
    _is_envelope(long_id.json(), 2001)
