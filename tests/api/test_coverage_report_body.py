# SPDX-License-Identifier: MIT
"""The coverage report is encoded straight from its values: it must still be its model's JSON.

The route skips validating the report into :class:`CoverageReport` (a thousand zone rows on a
big city cost more than the search): what it sends must parse into the model and give back
exactly the same document, with no field missing, added or changed by the model.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.schemas_analysis import CoverageReport
from mobility.assets import Layer
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.run import CoverageQuestion, run_coverage
from mobility.coverage.threshold import make_threshold
from mobility.store import SqlStore

QUESTIONS = (
    {"layer": "charging-points", "mode": "walk", "within_m": 300},
    {"layer": "hubs", "mode": "walk", "within_min": 5},
    {"layer": "parking", "mode": "drive", "within_m": 800},
)


def test_the_report_sent_is_its_model_json(client: TestClient) -> None:
    for question in QUESTIONS:
        response = client.get("/communes/75110/coverage", params=question)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        sent = response.json()
        assert CoverageReport.model_validate(sent).model_dump(mode="json") == sent
        assert len(sent["zones"]) > 1


@pytest.mark.parametrize("within_m", [50.0, 300.0, 2000.0])
def test_zone_rows_are_the_zones_as_dicts(
    paris_context: CommuneContext, paris_store: SqlStore, within_m: float
) -> None:
    question = CoverageQuestion(
        make_threshold("walk", within_m=within_m), AssetFilter(Layer.CHARGING_POINTS)
    )
    result = run_coverage(paris_context, paris_store, question)
    rows = result.zone_rows()
    assert rows == [zone.to_dict() for zone in result.zones()]
    assert any(0 < (row["share"] or 0) < 1 for row in rows) or within_m != 300.0
