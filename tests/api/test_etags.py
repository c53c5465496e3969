# SPDX-License-Identifier: MIT
"""Optimistic locking over HTTP (OGC API – Features Part 4): ETag, If-Match, 412 and 428.

Every refused write is checked to have changed nothing: the record reads back with the same
body and the same ETag.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from api.errors import ApiProblem
from api.preconditions import IF_MATCH_PATTERN, parse_if_match
from tests.conftest import API_KEY
from tests.support import builders

KEY = {"X-API-Key": API_KEY}
PARKING = "/collections/parking/items"
FLEET = "/communes/75110/inputs/fleet"


def _headers(etag: str | None = None, **extra: str) -> dict[str, str]:
    headers = {**KEY, **extra}
    if etag is not None:
        headers["If-Match"] = etag
    return headers


def _assert_problem(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


def _create_parking(client: TestClient, feature_id: str = "park-etag") -> str:
    body = builders.feature({"kind": "car", "capacity": 50}, feature_id=feature_id)
    created = client.post(PARKING, json=body, headers=KEY)
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == client.get(f"{PARKING}/{feature_id}").headers["ETag"]
    return f"{PARKING}/{feature_id}"


def test_the_conformance_class_is_declared(client: TestClient) -> None:
    classes = client.get("/conformance").json()["conformsTo"]
    assert (
        "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags" in classes
    )


def test_item_writes_check_if_match_and_answer_the_new_etag(any_client: TestClient) -> None:
    path = _create_parking(any_client)
    read = any_client.get(path)
    etag = read.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and etag[1:-1].isdigit()

    feature = read.json()
    feature["properties"]["capacity"] = 60
    stale = '"1"'
    for refused in (
        any_client.put(path, json=feature, headers=_headers(stale)),
        any_client.patch(path, json={"properties": {"capacity": 70}}, headers=_headers(stale)),
        any_client.patch(
            path, json={"properties": {"capacity": 70}}, headers=_headers(f"W/{etag}")
        ),
        any_client.delete(path, headers=_headers(stale)),
    ):
        _assert_problem(refused, 412)
    unchanged = any_client.get(path)
    assert unchanged.json() == read.json() and unchanged.headers["ETag"] == etag

    replaced = any_client.put(path, json=feature, headers=_headers(f'"7", {etag}'))
    assert replaced.status_code == 200, replaced.text
    assert replaced.headers["ETag"] != etag
    assert replaced.headers["ETag"] == any_client.get(path).headers["ETag"]
    _assert_problem(any_client.delete(path, headers=_headers(etag)), 412)

    patched = any_client.patch(
        path, json={"properties": {"covered": True}}, headers=_headers(replaced.headers["ETag"])
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["properties"]["capacity"] == 60
    assert patched.json()["properties"]["covered"] is True
    starred = any_client.patch(path, json={"properties": {"fee": True}}, headers=_headers("*"))
    assert starred.status_code == 200 and starred.headers["ETag"] != patched.headers["ETag"]
    unconditional = any_client.patch(path, json={"properties": {"fee": False}}, headers=KEY)
    assert unconditional.status_code == 200  # items accept writes without If-Match
    assert (
        any_client.delete(path, headers=_headers(unconditional.headers["ETag"])).status_code == 204
    )
    _assert_problem(any_client.delete(path, headers=_headers("*")), 404)


def test_a_feature_created_again_refuses_the_etag_of_its_previous_life(
    client: TestClient,
) -> None:
    path = _create_parking(client)
    old = client.get(path).headers["ETag"]
    assert client.delete(path, headers=KEY).status_code == 204
    _create_parking(client)
    refused = client.patch(path, json={"properties": {"capacity": 1}}, headers=_headers(old))
    _assert_problem(refused, 412)
    assert client.get(path).json()["properties"]["capacity"] == 50


@pytest.mark.parametrize("value", ["12", '"12', "W/12", '"a"b"'])
def test_a_malformed_if_match_is_a_400_naming_the_header(client: TestClient, value: str) -> None:
    path = _create_parking(client)
    response = client.patch(path, json={"properties": {"capacity": 1}}, headers=_headers(value))
    _assert_problem(response, 400)
    assert response.json()["errors"][0]["field"] == "If-Match"
    assert client.get(path).json()["properties"]["capacity"] == 50


def test_scenario_writes_need_if_match(any_client: TestClient) -> None:
    created = any_client.post("/scenarios", json={"commune": "75110", "name": "A"}, headers=KEY)
    path = f"/scenarios/{created.json()['id']}"
    etag = created.headers["ETag"]
    read = any_client.get(path)
    assert read.headers["ETag"] == etag
    body = {"commune": "75110", "name": "B"}
    for refused in (
        any_client.patch(path, json={"name": "B"}, headers=KEY),
        any_client.put(path, json=body, headers=KEY),
        any_client.delete(path, headers=KEY),
    ):
        _assert_problem(refused, 428)
        assert refused.json()["errors"] == [{"field": "If-Match", "message": "required"}]
    renamed = any_client.patch(path, json={"name": "B"}, headers=_headers(etag))
    assert renamed.status_code == 200 and renamed.json()["name"] == "B"
    for refused in (
        any_client.patch(path, json={"name": "C"}, headers=_headers(etag)),
        any_client.put(path, json={**body, "name": "C"}, headers=_headers(etag)),
        any_client.delete(path, headers=_headers(etag)),
    ):
        _assert_problem(refused, 412)
    assert any_client.get(path).json()["name"] == "B"
    assert any_client.get(path).headers["ETag"] == renamed.headers["ETag"]
    replaced = any_client.put(path, json=body | {"name": "D"}, headers=_headers("*"))
    assert replaced.status_code == 200 and replaced.headers["ETag"] != renamed.headers["ETag"]
    assert any_client.delete(path, headers=_headers(replaced.headers["ETag"])).status_code == 204


def test_inputs_are_created_without_if_match_and_replaced_only_with_it(
    any_client: TestClient,
) -> None:
    fleet = {"bev": 2000, "phev": 1500, "as_of": "2025-01-01", "source": "SDES"}
    _assert_problem(any_client.put(FLEET, json=fleet, headers=_headers("*")), 412)
    created = any_client.put(FLEET, json=fleet, headers=KEY)
    assert created.status_code == 200, created.text
    etag = created.headers["ETag"]
    assert any_client.get(FLEET).headers["ETag"] == etag
    other = {**fleet, "bev": 1}
    _assert_problem(any_client.put(FLEET, json=other, headers=KEY), 428)
    _assert_problem(any_client.delete(FLEET, headers=KEY), 428)
    _assert_problem(any_client.put(FLEET, json=other, headers=_headers('"3"')), 412)
    assert any_client.get(FLEET).json()["value"] == fleet
    replaced = any_client.put(FLEET, json=other, headers=_headers(etag))
    assert replaced.status_code == 200 and replaced.json()["value"] == other
    _assert_problem(any_client.delete(FLEET, headers=_headers(etag)), 412)
    assert any_client.delete(FLEET, headers=_headers(replaced.headers["ETag"])).status_code == 204


def test_an_if_match_list_is_read_tag_by_tag_with_commas_inside_tags(client: TestClient) -> None:
    """An opaque tag may hold a comma: the list is not split on commas (RFC 9110 etagc)."""
    path = _create_parking(client)
    etag = client.get(path).headers["ETag"]
    _assert_problem(client.delete(path, headers=_headers('W/"zoQ,F,"   ')), 412)
    _assert_problem(client.delete(path, headers=_headers('"0w}a,x>"')), 412)
    assert client.delete(path, headers=_headers(f'"a,b" , W/"1,", {etag}')).status_code == 204


@settings(derandomize=True, max_examples=300, database=None)
@given(st.from_regex(IF_MATCH_PATTERN, fullmatch=True))
def test_every_if_match_the_document_allows_is_read(value: str) -> None:
    """What the document's pattern allows, the parser reads: no 400 for a documented value."""
    parse_if_match(value)


@settings(derandomize=True, max_examples=300, database=None)
@given(st.text(alphabet=st.sampled_from(' ,*"W/0123456789ab\\'), max_size=30))
def test_the_parser_refuses_exactly_what_the_pattern_refuses(value: str) -> None:
    documented = re.fullmatch(IF_MATCH_PATTERN, value) is not None
    try:
        parse_if_match(value)
    except ApiProblem as refused:
        assert refused.status == 400 and not documented
    else:
        assert documented
