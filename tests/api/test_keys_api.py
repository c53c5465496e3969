# SPDX-License-Identifier: MIT
"""Keys through the real app on both stores: scopes, communes, revocation, audit, closed reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from mobility.keys import create_key
from mobility.store import Store
from tests.conftest import API_KEY, make_settings
from tests.support import builders

ITEMS = "/collections/charging-points/items"
FLEET = "/communes/75110/inputs/fleet"
FLEET_BODY = {"bev": 2000, "phev": 1500, "as_of": "2025-01-01", "source": "SDES, RSVERO 2025"}


def _store(client: TestClient) -> Store:
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    return store


def _key(client: TestClient, *scopes: str, communes: tuple[str, ...] = ()) -> dict[str, str]:
    key, _ = create_key(_store(client), name="test", scopes=scopes, communes=communes)
    return {"X-API-Key": key}


def _count(client: TestClient) -> int:
    return int(client.get(ITEMS, params={"limit": 1}).json()["numberMatched"])


def _new_point(suffix: str) -> dict[str, object]:
    return builders.feature(
        builders.charging_point_properties(id_pdc_itinerance=f"FRV75ENEW{suffix}")
    )


def test_a_write_key_bound_to_its_commune_writes_there_and_is_audited(
    any_client: TestClient,
) -> None:
    headers = _key(any_client, "write", communes=("75110",))
    created = any_client.post(ITEMS, json=_new_point("01"), headers=headers)
    assert created.status_code == 201, created.text
    fleet = any_client.put(FLEET, json=FLEET_BODY, headers=headers)
    assert fleet.status_code == 200, fleet.text
    key_id = headers["X-API-Key"].split("_")[1]
    writes = _store(any_client).list_writes(key_id)
    assert [(w.method, w.path, w.status) for w in writes] == [
        ("PUT", FLEET, 200),
        ("POST", ITEMS, 201),
    ]
    assert all(w.at <= datetime.now(UTC) for w in writes)


def test_a_key_bound_elsewhere_is_refused_and_writes_nothing(any_client: TestClient) -> None:
    headers = _key(any_client, "write", communes=("92048",))
    before = _count(any_client)
    existing = any_client.get(ITEMS, params={"limit": 1}).json()["features"][0]
    attempts = [
        any_client.post(ITEMS, json=_new_point("02"), headers=headers),
        any_client.delete(f"{ITEMS}/{existing['id']}", headers=headers),
        any_client.patch(
            f"{ITEMS}/{existing['id']}",
            json={"properties": {"nom_station": "Renamed"}},
            headers={**headers, "Content-Type": "application/merge-patch+json"},
        ),
        any_client.put(FLEET, json=FLEET_BODY, headers=headers),
        any_client.post("/scenarios", json={"commune": "75110", "name": "x"}, headers=headers),
    ]
    for response in attempts:
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "92048" in response.json()["detail"] and "75110" in response.json()["detail"]
    assert _count(any_client) == before
    again = any_client.get(f"{ITEMS}/{existing['id']}").json()
    assert again["properties"]["nom_station"] == existing["properties"]["nom_station"]
    assert any_client.get(FLEET).status_code == 404
    assert any_client.get("/scenarios").json()["scenarios"] == []
    key_id = headers["X-API-Key"].split("_")[1]
    assert {w.status for w in _store(any_client).list_writes(key_id)} == {403}


def test_scopes_revocation_and_the_legacy_key(any_client: TestClient) -> None:
    reader = _key(any_client, "read")
    refused = any_client.post(ITEMS, json=_new_point("03"), headers=reader)
    assert refused.status_code == 403 and "write scope" in refused.json()["detail"]
    writer = _key(any_client, "write")
    key_id = writer["X-API-Key"].split("_")[1]
    assert any_client.post(ITEMS, json=_new_point("04"), headers=writer).status_code == 201
    _store(any_client).revoke_api_key(key_id)
    revoked = any_client.post(ITEMS, json=_new_point("05"), headers=writer)
    assert revoked.status_code == 403 and "revoked" in revoked.json()["detail"]
    legacy = any_client.post(ITEMS, json=_new_point("06"), headers={"X-API-Key": API_KEY})
    assert legacy.status_code == 201
    latest = _store(any_client).list_writes(limit=1)[0]
    assert latest.key_id.startswith("env-") and API_KEY not in latest.key_id


@pytest.fixture
def closed_client(sample_url: str) -> Iterator[TestClient]:
    settings = make_settings(sample_url, read_requires_key=True)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_closed_reads_need_a_read_key(closed_client: TestClient) -> None:
    assert closed_client.get(ITEMS).status_code == 401
    assert closed_client.get("/collections").status_code == 401
    wrong = closed_client.get(ITEMS, headers={"X-API-Key": "cmp_000000000000_nope"})
    assert wrong.status_code == 403
    assert closed_client.get(ITEMS, headers=_key(closed_client, "read")).status_code == 200
    assert closed_client.get("/api").status_code == 200
    assert closed_client.get("/docs").status_code == 200


def test_reads_are_open_by_default(client: TestClient) -> None:
    assert client.get(ITEMS).status_code == 200
