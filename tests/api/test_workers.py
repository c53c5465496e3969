# SPDX-License-Identifier: MIT
"""Real uvicorn worker processes over one store, as in production: nothing lost, nothing stale.

Eight clients patch eight different fields of one car park at the same instant, ten times over,
on two workers; every change must be kept. A write made through one server process is seen by
the next analysis another process answers (a process caches street contexts, never assets), and
in the next page every other worker serves (each keeps pages only while the data is unchanged).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.conftest import API_KEY
from tests.support import builders
from tests.support.server import serve

KEY = {"X-API-Key": API_KEY}
TRIALS = 10
PARK = "park-workers"


def _trial_values(trial: int) -> dict[str, Any]:
    """Return eight field values that all differ from the previous trial's."""
    return {
        "name": f"Parc Magenta {trial}",
        "capacity": 200 + trial,
        "ev_ready_spaces": 20 + trial,
        "pmr_spaces": 2 + trial,
        "access": ("public", "customers")[trial % 2],
        "fee": trial % 2 == 0,
        "covered": trial % 2 == 1,
        "operator": f"Régie {trial}",
    }


def _patch_all_at_once(url: str, values: dict[str, Any]) -> list[httpx.Response]:
    """Send one PATCH per field from its own thread and connection, released together."""
    start = threading.Barrier(len(values))

    def patch(field: str) -> httpx.Response:
        with httpx.Client(timeout=60) as client:
            start.wait()
            return client.patch(url, json={"properties": {field: values[field]}}, headers=KEY)

    with ThreadPoolExecutor(max_workers=len(values)) as pool:
        return list(pool.map(patch, values))


def test_concurrent_patches_on_two_workers_keep_every_change(sample_store_url: str) -> None:
    with serve(sample_store_url, workers=2, MOBILITY_API_KEYS=API_KEY) as base:
        body = builders.feature({"kind": "car", "capacity": 100}, feature_id=PARK)
        created = httpx.post(
            f"{base}/collections/parking/items", json=body, headers=KEY, timeout=60
        )
        assert created.status_code == 201, created.text
        url = f"{base}/collections/parking/items/{PARK}"
        lost: list[tuple[int, str]] = []
        for trial in range(TRIALS):
            values = _trial_values(trial)
            answers = _patch_all_at_once(url, values)
            assert [answer.status_code for answer in answers] == [200] * len(values)
            stored = httpx.get(url, timeout=60).json()["properties"]
            lost += [(trial, field) for field in values if stored[field] != values[field]]
        assert lost == []


def test_a_write_on_one_worker_is_seen_by_the_next_analysis_on_another(
    sample_store_url: str,
) -> None:
    coverage = "/communes/75110/coverage?layer=parking&within_m=150&kind=bicycle"
    with (
        serve(sample_store_url, MOBILITY_API_KEYS=API_KEY) as writer,
        serve(sample_store_url) as reader,
    ):
        before = httpx.get(reader + coverage, timeout=120).json()
        park = builders.feature(
            {"kind": "bicycle", "capacity": 20}, lon=2.3646, lat=48.8700, feature_id="bike-w"
        )
        created = httpx.post(
            f"{writer}/collections/parking/items", json=park, headers=KEY, timeout=60
        )
        assert created.status_code == 201, created.text
        after = httpx.get(reader + coverage, timeout=120).json()
        assert after["method"]["assets"]["count"] == before["method"]["assets"]["count"] + 1


def test_a_write_on_one_worker_is_in_the_next_page_every_worker_serves(
    sample_store_url: str,
) -> None:
    """Each reader worker keeps the pages it served; the write is made by another process."""
    page = "/collections/parking/items?commune=75110&kind=bicycle&limit=1000"
    park = builders.feature(
        {"kind": "bicycle", "capacity": 12}, lon=2.3600, lat=48.8720, feature_id="bike-page"
    )
    with (
        serve(sample_store_url, MOBILITY_API_KEYS=API_KEY) as writer,
        serve(sample_store_url, workers=2) as readers,
        httpx.Client(timeout=60) as client,
    ):

        def served() -> list[dict[str, Any]]:
            # a new connection each time: the kernel hands them to either worker
            close = {"Connection": "close"}
            return [client.get(readers + page, headers=close).json() for _ in range(8)]

        counts = {answer["numberMatched"] for answer in served()}
        assert len(counts) == 1
        created = client.post(f"{writer}/collections/parking/items", json=park, headers=KEY)
        assert created.status_code == 201, created.text
        after = served()
        assert {answer["numberMatched"] for answer in after} == {counts.pop() + 1}
        assert all("bike-page" in [f["id"] for f in answer["features"]] for answer in after)
