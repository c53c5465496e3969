# SPDX-License-Identifier: MIT
"""The client a rate limit counts: the peer, unless a configured proxy forwards for someone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.client_address import client_address, trusted_networks
from api.main import create_app
from api.settings import Settings
from tests.conftest import make_settings

PROXIES = trusted_networks(["10.0.0.0/8", "fd00::1"])


def _scope(peer: str, *forwarded: str) -> dict[str, object]:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return {"type": "http", "client": (peer, 40000), "headers": headers}


@pytest.mark.parametrize(
    ("peer", "forwarded", "proxies", "client"),
    [
        ("203.0.113.9", ["198.51.100.1"], PROXIES, "203.0.113.9"),  # not a proxy: header ignored
        ("203.0.113.9", ["198.51.100.1"], (), "203.0.113.9"),  # no proxy configured
        ("10.1.2.3", ["198.51.100.1"], PROXIES, "198.51.100.1"),
        ("10.1.2.3", ["1.1.1.1, 198.51.100.1"], PROXIES, "198.51.100.1"),  # left part: client's
        ("10.1.2.3", ["198.51.100.1, 10.9.9.9"], PROXIES, "198.51.100.1"),  # two proxies
        ("10.1.2.3", ["1.1.1.1", "198.51.100.1"], PROXIES, "198.51.100.1"),  # two headers
        ("10.1.2.3", ["10.4.4.4"], PROXIES, "10.4.4.4"),  # a client inside the proxies' network
        ("10.1.2.3", [], PROXIES, "10.1.2.3"),
        ("fd00::1", ["2001:db8::7"], PROXIES, "2001:db8::7"),
        ("testclient", ["198.51.100.1"], PROXIES, "testclient"),  # not an address: not trusted
    ],
)
def test_client_address(
    peer: str, forwarded: list[str], proxies: tuple[object, ...], client: str
) -> None:
    assert client_address(_scope(peer, *forwarded), proxies) == client  # type: ignore[arg-type]


def test_a_proxy_that_is_not_an_address_is_refused() -> None:
    with pytest.raises(ValidationError, match="does not appear to be an IPv4 or IPv6"):
        Settings(trusted_proxies="10.0.0.0/8,proxy.example")  # type: ignore[arg-type]
    assert Settings(trusted_proxies=" 10.0.0.1 , ::1 ").trusted_proxies == ["10.0.0.1", "::1"]  # type: ignore[arg-type]


@pytest.fixture
def behind_proxy(sample_url: str) -> Iterator[TestClient]:
    settings = make_settings(sample_url, rate_limit_reads=3, trusted_proxies=["10.0.0.2"])
    app = create_app(settings)
    with TestClient(app, client=("10.0.0.2", 40000)) as client:
        yield client


def test_each_forwarded_client_has_its_own_budget(behind_proxy: TestClient) -> None:
    def statuses(forwarded_for: str) -> list[int]:
        headers = {"X-Forwarded-For": forwarded_for}
        return [behind_proxy.get("/conformance", headers=headers).status_code for _ in range(4)]

    assert statuses("198.51.100.1") == [200, 200, 200, 429]
    assert statuses("198.51.100.2") == [200, 200, 200, 429]


def test_a_client_cannot_pick_a_new_address_by_header(sample_url: str) -> None:
    settings = make_settings(sample_url, rate_limit_reads=3, trusted_proxies=["10.0.0.2"])
    with TestClient(create_app(settings), client=("203.0.113.9", 40000)) as client:
        answers = [
            client.get("/conformance", headers={"X-Forwarded-For": f"198.51.100.{n}"})
            for n in range(4)
        ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
