# SPDX-License-Identifier: MIT
"""Rate limits and the analysis time limit, through the real app and real uvicorn workers.

The budgets: reads, analyses and writes of a client address, the requests of a key, the wrong
keys of a client; each refused with 429, Retry-After and a problem naming the limit.
"""

from __future__ import annotations

import http.client
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.rate_counter import batch_size
from api.settings import Settings
from mobility.keys import create_key
from mobility.store import SqlStore, Store
from tests.conftest import API_KEY, make_settings
from tests.support import builders
from tests.support.ocpi import token_header
from tests.support.server import serve
from tests.support.stores import copy_sqlite

SITING = "/communes/75110/siting"
COVERAGE = "/communes/75110/coverage?layer=charging-points&within_m=300"
ITEMS = "/collections/charging-points/items"
DAY = 86_400
READS = 192
"""A read budget counted in batches of 3: the workers may let a few more through (a batch per
request in flight at most), never 192 more."""
CONCURRENCY = 6
KEY = {"X-API-Key": API_KEY}


def _counted_today(store: Store, bucket: str) -> int:
    return store.hits(bucket, DAY, time.time())


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
        rate_limit_reads=40,
        rate_limit_analyses=2,
        rate_limit_writes=5,
        rate_limit_per_key=3,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_defaults_are_on_for_every_audience() -> None:
    settings = Settings()
    assert settings.rate_limit_window_s == 60
    assert settings.rate_limit_reads == 1_200
    assert settings.rate_limit_analyses == 60
    assert settings.rate_limit_writes == 120
    assert settings.rate_limit_per_key == 1_200
    assert (settings.failed_key_limit, settings.failed_key_window_s) == (30, 600)
    assert settings.trusted_proxies == []


def test_analyses_have_their_own_tighter_budget(limited: TestClient) -> None:
    answers = [limited.post(SITING, json={"layer": "nothing"}) for _ in range(3)]
    answers.append(limited.get(COVERAGE))
    assert [a.status_code for a in answers] == [422, 422, 429, 429]
    refused = answers[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= DAY
    problem = refused.json()
    assert problem["status"] == 429 and problem["title"] == "Too many requests"
    assert "too many analyses" in problem["detail"]
    assert "MOBILITY_RATE_LIMIT_ANALYSES" in problem["detail"]
    assert limited.get("/collections").status_code == 200  # reads are counted apart


def test_reads_and_writes_have_their_own_budgets(limited: TestClient) -> None:
    reads = [limited.get("/conformance").status_code for _ in range(42)]
    assert reads == [200] * 40 + [429] * 2
    deleted = [limited.delete(f"{ITEMS}/none").status_code for _ in range(6)]
    assert deleted == [401] * 5 + [429]
    refused = limited.delete(f"{ITEMS}/none")
    assert "too many writes" in refused.json()["detail"]
    assert "MOBILITY_RATE_LIMIT_WRITES" in refused.json()["detail"]


def test_a_key_has_its_own_budget_from_any_address(limited: TestClient) -> None:
    store: Store = limited.app.state.store  # type: ignore[attr-defined]
    key, record = create_key(store, name="busy", scopes=["write"])
    answers = []
    for index in range(5):
        body = builders.feature(
            builders.charging_point_properties(id_pdc_itinerance=f"FRV75ERATE{index}")
        )
        answers.append(limited.post(ITEMS, json=body, headers={"X-API-Key": key}))
    assert [a.status_code for a in answers] == [201, 201, 201, 429, 429]
    assert f"the key {record.id} is over 3 per" in answers[-1].json()["detail"]
    assert int(answers[-1].headers["retry-after"]) >= 1
    assert limited.get(f"{ITEMS}/FRV75ERATE3").status_code == 404  # nothing written


def test_the_budgets_are_off_at_zero(sample_url: str) -> None:
    settings = make_settings(sample_url, rate_limit_reads=0, rate_limit_window_s=DAY)
    with TestClient(create_app(settings)) as client:
        assert {client.get("/conformance").status_code for _ in range(300)} == {200}
        store: Store = client.app.state.store  # type: ignore[attr-defined]
        assert _counted_today(store, "reads:testclient") == 0  # not even counted


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


def test_the_budgets_hold_across_two_uvicorn_workers(sample_store_url: str, tmp_path: Path) -> None:
    """Two worker processes share the counts: exact for analyses, within a batch for reads."""
    environment = {
        "MOBILITY_RATE_LIMIT_WINDOW_S": str(DAY),
        "MOBILITY_RATE_LIMIT_ANALYSES": "10",
        "MOBILITY_RATE_LIMIT_READS": str(READS),
    }
    with serve(sample_store_url, workers=2, **environment) as base:
        start = time.time()

        def ask(request: tuple[str, str]) -> int:
            # a new connection each time (a light one), so both workers take requests
            method, path = request
            connection = http.client.HTTPConnection(host, port, timeout=60)
            try:
                body = b'{"layer": "nothing"}' if method == "POST" else None
                headers = {"Content-Type": "application/json"} if body else {}
                connection.request(method, path, body=body, headers=headers)
                return connection.getresponse().status
            finally:
                connection.close()

        host, port = urlsplit(base).hostname or "", urlsplit(base).port or 80
        requests = [("POST", SITING)] * 30 + [("GET", "/conformance")] * (READS + 40)
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            statuses = list(pool.map(ask, requests))
        end = time.time()
    analyses, reads = Counter(statuses[:30]), Counter(statuses[30:])
    slack = CONCURRENCY * (batch_size(READS) - 1)
    if _same_window(start, end, DAY):
        assert analyses == {422: 10, 429: 20}
        assert set(reads) == {200, 429}
        # the start-up probe (one GET /conformance until the server answers) spent one read
        assert READS - 1 <= reads[200] <= READS + slack
    else:  # the run straddled midnight UTC: two windows
        assert analyses[422] <= 20 and reads[200] <= 2 * (READS + slack)


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
