# SPDX-License-Identifier: MIT
"""``mobility keys create | list | revoke``: the key printed once, then usable through the API."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.conftest import make_settings
from tests.support import builders
from tests.support.communes import run_cli
from tests.support.ocpi import emsp_credentials, token_header

ITEMS = "/collections/charging-points/items"


def test_create_list_revoke(sample_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run_cli(
            sample_url,
            "--json",
            "keys",
            "create",
            "--scope",
            "write",
            "--commune",
            "75110",
            "--expires",
            "2099-06-30",
            "--name",
            "Paris 10e planners",
        )
        == 0
    )
    created = json.loads(capsys.readouterr().out)
    key = created["key"]
    assert key.startswith(f"cmp_{created['id']}_")
    assert created["communes"] == ["75110"] and created["scopes"] == ["write"]
    assert created["expires_at"].startswith("2099-07-01T00:00:00")

    assert run_cli(sample_url, "keys", "list") == 0
    listing = capsys.readouterr().out
    assert created["id"] in listing and "Paris 10e planners" in listing
    assert key.split("_", 2)[2] not in listing

    body = builders.feature(builders.charging_point_properties(id_pdc_itinerance="FRV75ECLI01"))
    with TestClient(create_app(make_settings(sample_url, api_keys=[]))) as client:
        assert client.post(ITEMS, json=body, headers={"X-API-Key": key}).status_code == 201
        assert run_cli(sample_url, "keys", "revoke", created["id"]) == 0
        assert "revoked" in capsys.readouterr().out
        again = client.delete(f"{ITEMS}/FRV75ECLI01", headers={"X-API-Key": key})
        assert again.status_code == 403
    assert run_cli(sample_url, "--json", "keys", "list") == 0
    assert json.loads(capsys.readouterr().out)[0]["state"] == "revoked"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (["--scope", "write", "--expires", "30/06/2027"], "expires"),
        (["--scope", "write", "--expires", "2001-01-01"], "expires"),
        (["--scope", "write", "--commune", "920"], "commune"),
    ],
)
def test_bad_options_are_explained(
    sample_url: str, capsys: pytest.CaptureFixture[str], options: list[str], field: str
) -> None:
    assert run_cli(sample_url, "keys", "create", *options) == 1
    assert f"{field}:" in capsys.readouterr().err
    assert run_cli(sample_url, "keys", "list") == 0
    assert capsys.readouterr().out.strip() == "no API key"


def test_revoking_an_unknown_key(sample_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(sample_url, "keys", "revoke", "ffffffffffff") == 1
    assert "no API key has the id ffffffffffff" in capsys.readouterr().err


def test_ocpi_token_then_registration(sample_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(sample_url, "--json", "ocpi", "token", "--name", "Example eMSP") == 0
    made = json.loads(capsys.readouterr().out)
    assert run_cli(sample_url, "ocpi", "list") == 0
    listing = capsys.readouterr().out
    assert "awaiting registration" in listing and made["token_a"] not in listing
    with TestClient(create_app(make_settings(sample_url))) as client:
        headers = token_header(made["token_a"])
        answer = client.post("/ocpi/2.2.1/credentials", json=emsp_credentials(), headers=headers)
        assert answer.status_code == 200
    assert run_cli(sample_url, "--json", "ocpi", "list") == 0
    [party] = json.loads(capsys.readouterr().out)
    assert party["id"] == made["id"] and party["registered_at"] is not None
    assert party["roles"] == ["FR*EXA"]
