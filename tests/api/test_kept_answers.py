# SPDX-License-Identifier: MIT
"""Analyses answered from the kept answer only while nothing they read has changed.

A repeated analysis is served as it was computed (same body, an ``Age`` header) without running
again; any write to what analyses read (an asset, through this app or another process on the
same database; a scenario; a commune input) makes the next one computed afresh, equal to what an
app that keeps nothing answers. The same question asked by many at once is computed once. Errors
are never kept, nor anything when reads need a key.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.routers import analysis, siting
from mobility.coverage.run import run_coverage
from mobility.errors import StoreUnavailableError
from mobility.siting.run import run_siting
from mobility.store import open_store
from tests.conftest import API_KEY, make_settings
from tests.support import builders

KEY = {"X-API-Key": API_KEY}
COVERAGE = "/communes/75110/coverage?layer=charging-points&within_m=300"
SITING = "/communes/75110/siting"
AFIR = "/communes/75110/afir"
FLEET = "/communes/75110/inputs/fleet"


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the analyses the routes actually run."""
    counted: Counter[str] = Counter()

    def counting(name: str, run: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            counted[name] += 1
            return run(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(analysis, "run_coverage", counting("coverage", run_coverage))
    monkeypatch.setattr(siting, "run_siting", counting("siting", run_siting))
    return counted


def _without_moment(answer: Any) -> dict[str, Any]:
    body: dict[str, Any] = answer.json()
    body.get("method", {}).pop("computed_at", None)
    return body


def _fresh(url: str, method: str, path: str, **sent: Any) -> dict[str, Any]:
    """The answer of an app that keeps nothing."""
    with TestClient(create_app(make_settings(url, kept_answers_mb=0))) as fresh:
        answer = fresh.request(method, path, **sent)
        assert answer.status_code == 200 and "age" not in answer.headers
        return _without_moment(answer)


def test_a_repeated_coverage_is_the_kept_answer_until_a_write(
    any_client: TestClient, sample_store_url: str, runs: Counter[str]
) -> None:
    first = any_client.get(COVERAGE)
    assert first.status_code == 200 and "age" not in first.headers
    again = any_client.get(COVERAGE)
    assert again.status_code == 200 and again.headers["age"] == "0"
    assert again.content == first.content
    assert runs["coverage"] == 1
    assert _without_moment(again) == _fresh(sample_store_url, "GET", COVERAGE)
    runs.clear()  # the fresh app ran it too

    other = open_store(sample_store_url)  # another worker, sharing only the database
    try:
        other.add_assets([builders.charging_point("FRV75EKEPT01", 2.3655, 48.8815)])
    finally:
        other.close()
    after = any_client.get(COVERAGE)
    assert "age" not in after.headers and runs["coverage"] == 1
    counts = [r.json()["method"]["assets"]["count"] for r in (first, after)]
    assert counts[1] == counts[0] + 1
    assert _without_moment(after) == _fresh(sample_store_url, "GET", COVERAGE)


def test_siting_answers_are_kept_per_body(client: TestClient, runs: Counter[str]) -> None:
    five = {"layer": "charging-points", "within_m": 300, "count": 5}
    three = {**five, "count": 3}
    answers = [client.post(SITING, json=body) for body in (five, three, five, three)]
    assert [a.status_code for a in answers] == [200] * 4
    assert ["age" in a.headers for a in answers] == [False, False, True, True]
    assert answers[2].content == answers[0].content
    assert answers[3].content == answers[1].content
    assert answers[0].content != answers[1].content
    assert runs["siting"] == 2


def test_a_scenario_or_an_input_changed_is_in_the_next_answer(
    client: TestClient, runs: Counter[str]
) -> None:
    made = client.post("/scenarios", json={"commune": "75110", "name": "Plan"}, headers=KEY)
    assert made.status_code == 201, made.text
    scenario = made.json()
    path = f"{COVERAGE}&scenario={scenario['id']}"
    assert client.get(path).status_code == 200
    assert "age" in client.get(path).headers
    renamed = client.patch(
        f"/scenarios/{scenario['id']}",
        json={"name": "Plan B"},
        headers={**KEY, "If-Match": made.headers["ETag"]},
    )
    assert renamed.status_code == 200, renamed.text
    assert "age" not in client.get(path).headers
    assert runs["coverage"] == 2

    before = client.get(AFIR)
    assert before.status_code == 200 and "age" in client.get(AFIR).headers
    fleet = {"bev": 2000, "phev": 1500, "as_of": "2025-01-01", "source": "SDES"}
    assert client.put(FLEET, json=fleet, headers=KEY).status_code == 200
    after = client.get(AFIR)
    assert "age" not in after.headers
    assert after.json() != before.json()


def test_errors_are_never_kept(client: TestClient) -> None:
    bad = "/communes/75110/coverage?layer=charging-points&within_m=-3"
    answers = [client.get(bad) for _ in range(2)]
    assert [a.status_code for a in answers] == [422, 422]
    assert not any("age" in a.headers for a in answers)


def test_nothing_is_kept_when_off_or_when_reads_need_a_key(sample_url: str) -> None:
    with TestClient(create_app(make_settings(sample_url, kept_answers_mb=0))) as off:
        answers = [off.get(COVERAGE) for _ in range(2)]
        assert [a.status_code for a in answers] == [200, 200]
        assert not any("age" in a.headers for a in answers)
    closed = make_settings(sample_url, read_requires_key=True)
    with TestClient(create_app(closed)) as client:
        assert client.get(COVERAGE, headers=KEY).status_code == 200
        assert client.get(COVERAGE).status_code == 401  # the key is checked every time
        again = client.get(COVERAGE, headers=KEY)
        assert again.status_code == 200 and "age" not in again.headers


@pytest.fixture
def small_budget(sample_url: str) -> Iterator[TestClient]:
    """An app that keeps four coverage answers at most (each under a quarter of its budget)."""
    with TestClient(create_app(make_settings(sample_url))) as probe:
        size = len(probe.get(COVERAGE).content)
    settings = make_settings(sample_url, kept_answers_mb=size * 4.5 / 1_000_000)
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_least_recently_served_answer_goes_first(
    small_budget: TestClient, runs: Counter[str]
) -> None:
    reaches = [COVERAGE.replace("300", str(metres)) for metres in (300, 280, 260, 240, 220)]
    for path in reaches:
        assert small_budget.get(path).status_code == 200
    assert "age" in small_budget.get(reaches[-1]).headers
    assert "age" not in small_budget.get(reaches[0]).headers  # pushed out by the fifth
    assert runs["coverage"] == len(reaches) + 1


def test_without_the_version_the_analysis_is_computed_not_refused(
    client: TestClient, runs: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable() -> int:
        raise StoreUnavailableError("the database refused the operation")

    monkeypatch.setattr(client.app.state.store, "data_version", unavailable)  # type: ignore[attr-defined]
    answers = [client.get(COVERAGE) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert not any("age" in a.headers for a in answers)
    assert runs["coverage"] == 2
    page = client.get("/collections/charging-points/items")
    assert page.status_code == 503
    assert page.headers["content-type"] == "application/problem+json"


def test_the_same_question_asked_at_once_is_computed_once(
    client: TestClient, runs: Counter[str]
) -> None:
    body = {"layer": "charging-points", "within_m": 250, "count": 4}

    async def ask_together() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await asyncio.gather(*(http.post(SITING, json=body) for _ in range(6)))

    answers = asyncio.run(ask_together())
    assert [a.status_code for a in answers] == [200] * 6
    assert runs["siting"] == 1
    assert len({a.content for a in answers}) == 1
    assert sum("age" in a.headers for a in answers) == 5
