# SPDX-License-Identifier: MIT
"""Two real worker processes over one store: a write on one is in the other's next answer.

Each worker keeps the layers it read per commune revision; the revision, read from the store on
every request, is what tells it another worker wrote. The write is to a neighbour's charger
standing in the 10e's margin (in the 9e, not loaded): the store bumps the 10e's revision too.
On both stores.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.test_margin_writes import KEY, NINTH, _with_margin
from tests.conftest import API_KEY
from tests.support import builders
from tests.support.server import serve

ITEMS = "/collections/charging-points/items"


def _assets(base: str) -> dict[str, Any]:
    """The 10e's coverage as the worker answers it: its assets counted, and those around."""
    response = httpx.get(
        f"{base}/communes/75110/coverage",
        params={"layer": "charging-points", "mode": "walk", "within_m": 300},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    return {
        "count": body["method"]["assets"]["count"],
        "around": body["method"]["surroundings"]["assets_in_surroundings"],
    }


def test_a_write_on_one_worker_is_in_the_others_next_answer(sample_store_url: str) -> None:
    _with_margin(sample_store_url)
    with (
        serve(sample_store_url, MOBILITY_API_KEYS=API_KEY) as first,
        serve(sample_store_url, MOBILITY_API_KEYS=API_KEY) as second,
    ):
        assert _assets(first) == {"count": 90, "around": 1}
        assert _assets(first) == {"count": 90, "around": 1}  # read once, kept
        gone = httpx.delete(f"{second}{ITEMS}/FRV75EMARGE1", headers=KEY, timeout=60)
        assert gone.status_code == 204, gone.text
        assert _assets(first) == {"count": 89, "around": 0}
        properties = builders.charging_point_properties(id_pdc_itinerance="FRV75EMARGE2")
        body = builders.feature(properties, NINTH[0], NINTH[1] + 0.0005, feature_id="FRV75EMARGE2")
        made = httpx.post(f"{second}{ITEMS}", json=body, headers=KEY, timeout=60)
        assert made.status_code == 201, made.text
        assert _assets(first) == {"count": 90, "around": 1}
        assert _assets(second) == {"count": 90, "around": 1}
