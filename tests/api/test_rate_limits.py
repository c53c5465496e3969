# SPDX-License-Identifier: MIT
"""Rate limits and the analysis time limit, through the real app and real uvicorn workers."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from mobility.keys import create_key
from mobility.store import SqlStore, Store
from tests.conftest import make_settings
from tests.support import builders
from tests.support.ocpi import token_header
from tests.support.server import serve
from tests.support.stores import copy_sqlite

SITING = "/communes/75110/siting"
ITEMS = "/collections/charging-points/items"
DAY = 86_400


def _same_window(start: float, end: float, window_s: int) -> bool:
    return int(start // window_s) == int(end // window_s)


def test_the_shared_counter_loses_no_hit(store: SqlStore) -> None:
    """Eight threads (eight connections) count 200 hits: the count is exactly 200."""
    now = 1_000_000.0
    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(lambda _: store.count_hit("b", 60, now), range(200)))
    assert sorted(counts) == list(range(1, 201))
    assert store.hits("b", 60, now) == 200
    assert store.hits("b", 60, now + 60) == 0 and store.hits("other", 60, now) == 0
    assert store.count_hit("b", 60, now + 60) == 1  # a new window starts from one
    assert store.count_hit("b", 60, now + 180) == 1
    assert store.hits("b", 60, now) == 0  # pruned: older than the previous window


@pytest.fixture
def limited(sample_url: str) -> Iterator[TestClient]:
    settings = make_settings(
        sample_url,
        rate_limit_window_s=DAY,
        rate_limit_per_client=40,
        rate_limit_per_key=3,
        rate_limit_costly=2,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_costly_analyses_have_a_stricter_budget(limited: TestClient) -> None:
    answers = [limited.post(SITING, json={"layer": "nothing"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [422, 422, 429, 429]
    refused = answers[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= DAY
    assert "siting and service-area" in refused.json()["detail"]
    assert limited.get("/collections").status_code == 200  # other requests still pass


def test_per_client_and_per_key_budgets(limited: TestClient) -> None:
    store: Store = limited.app.state.store  # type: ignore[attr-defined]
    key, _ = create_key(store, name="busy", scopes=["write"])
    statuses = []
    for index in range(5):
        body = builders.feature(
            builders.charging_point_properties(id_pdc_itinerance=f"FRV75ERATE{index}")
        )
        statuses.append(limited.post(ITEMS, json=body, headers={"X-API-Key": key}).status_code)
    assert statuses == [201, 201, 201, 429, 429]
    answers = [limited.get("/conformance").status_code for _ in range(40)]
    assert answers.count(429) == 5 and answers[-1] == 429  # 5 writes + 35 reads reach 40
    last = limited.get("/conformance")
    assert last.status_code == 429 and int(last.headers["retry-after"]) >= 1


def test_300_wrong_keys_in_a_row_hit_429(any_client: TestClient) -> None:
    store: Store = any_client.app.state.store  # type: ignore[attr-defined]
    good, _ = create_key(store, name="good", scopes=["write"])
    body = builders.feature(builders.charging_point_properties(id_pdc_itinerance="FRV75EGUESS"))
    statuses = Counter(
        any_client.post(ITEMS, json=body, headers={"X-API-Key": f"cmp_{n:012x}_guess"}).status_code
        for n in range(300)
    )
    assert statuses == {403: 30, 429: 270}
    locked = any_client.post(ITEMS, json=body, headers={"X-API-Key": good})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
    assert any_client.get(f"{ITEMS}/FRV75EGUESS").status_code == 404


def test_wrong_ocpi_tokens_count_too(client: TestClient) -> None:
    statuses = [
        client.get("/ocpi/versions", headers=token_header(f"guess-{n}")).status_code
        for n in range(35)
    ]
    assert statuses == [401] * 30 + [429] * 5
    refused = client.get("/ocpi/versions", headers=token_header("guess-x"))
    assert refused.json()["status_code"] == 2000 and "retry-after" in refused.headers


def test_the_budget_holds_across_two_uvicorn_workers(sample_template: Path, tmp_path: Path) -> None:
    url = copy_sqlite(sample_template, tmp_path / "workers.sqlite")
    environment = {
        "WEB_CONCURRENCY": "2",
        "MOBILITY_RATE_LIMIT_WINDOW_S": str(DAY),
        "MOBILITY_RATE_LIMIT_COSTLY": "10",
    }
    with serve(url, **environment) as base:
        start = time.time()

        def ask(_: int) -> int:
            # a new connection each time, so both workers take requests
            with httpx.Client(base_url=base, timeout=30) as http:
                return http.post(SITING, json={"layer": "nothing"}).status_code

        with ThreadPoolExecutor(6) as pool:
            statuses = Counter(pool.map(ask, range(30)))
        end = time.time()
    assert set(statuses) == {422, 429}
    if _same_window(start, end, DAY):
        assert statuses == {422: 10, 429: 20}
    else:  # the run straddled midnight UTC: two windows of 10
        assert statuses[422] <= 20


def test_a_slow_analysis_answers_503_and_the_worker_goes_on(
    sample_template: Path, tmp_path: Path
) -> None:
    url = copy_sqlite(sample_template, tmp_path / "slow.sqlite")
    with serve(url, MOBILITY_ANALYSIS_TIME_LIMIT_S="0.05") as base:
        with httpx.Client(base_url=base, timeout=60) as http:
            body = {"layer": "charging-points", "within_m": 300, "count": 5, "method": "exact"}
            slow = http.post(SITING, json=body)
            assert slow.status_code == 503, slow.text
            assert slow.headers["content-type"] == "application/problem+json"
            assert "MOBILITY_ANALYSIS_TIME_LIMIT_S" in slow.json()["detail"]
            assert http.get("/collections").status_code == 200
            assert http.get(f"{ITEMS}?limit=1").status_code == 200
