# SPDX-License-Identifier: MIT
"""Answers encoded by pydantic or orjson carry what the standard encoding carried.

The coverage report is encoded once from its validated model; GeoJSON answers by orjson. Their
bodies parse to the values the standard encoder gives for the same answer; a value orjson does
not know is encoded by the standard encoder; a non-finite number becomes null.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from api.responses import GeoJSONResponse
from api.schemas_analysis import CoverageReport
from mobility.assets import Layer
from mobility.coverage.context import ContextCache
from mobility.coverage.filters import AssetFilter
from mobility.coverage.report import coverage_report
from mobility.coverage.run import CoverageQuestion, run_coverage
from mobility.coverage.threshold import make_threshold
from mobility.store import open_store

QUERY = {"layer": "charging-points", "mode": "walk", "within_m": 300}


def _without_time(body: Any) -> Any:
    body["method"].pop("computed_at")
    return body


def test_the_coverage_report_is_its_model_encoded_once(client: TestClient, sample_url: str) -> None:
    response = client.get("/communes/75110/coverage", params=QUERY)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    store = open_store(sample_url)
    try:
        result = run_coverage(
            ContextCache().get(store, "75110"),
            store,
            CoverageQuestion(
                make_threshold("walk", within_m=300.0), AssetFilter(Layer.CHARGING_POINTS)
            ),
        )
    finally:
        store.close()
    model = CoverageReport.model_validate(coverage_report(result))
    expected = json.loads(json.dumps(model.model_dump(mode="json", by_alias=True)))
    assert _without_time(response.json()) == _without_time(expected)
    assert len(expected["zones"]) > 5


def test_geojson_answers_encode_as_the_standard_encoder(client: TestClient) -> None:
    for path, params in (
        ("/communes/75110/gaps", QUERY),
        ("/communes/75110/service-areas", {**QUERY, "dissolve": "false"}),
        ("/communes/75110/coverage", {**QUERY, "f": "geojson"}),
    ):
        response = client.get(path, params=params)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/geo+json"
        body = response.json()
        assert len(body["features"]) > 3
        assert json.loads(JSONResponse(body).body) == body  # the standard encoder's text


class Exact(float):
    """A float subclass: orjson does not encode it, the standard encoder does."""


def test_what_orjson_does_not_know_falls_back_and_non_finite_becomes_null() -> None:
    import numpy as np

    assert json.loads(GeoJSONResponse({"a": Exact(1.5)}).body) == {"a": 1.5}
    body = GeoJSONResponse({"n": np.float64(2.5), "k": {1: "x"}, "inf": float("inf")}).body
    assert json.loads(body) == {"n": 2.5, "k": {"1": "x"}, "inf": None}
