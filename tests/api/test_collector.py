# SPDX-License-Identifier: MIT
"""The served app settles the garbage collector after start-up; an app built by a test does not."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.collector import YOUNGEST_THRESHOLD
from api.main import create_app
from tests.conftest import make_settings


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """Give the test process back the collector it had (nothing frozen, the same thresholds)."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_the_served_app_sets_what_lives_aside(sample_url: str, collector_restored: None) -> None:
    gc.unfreeze()
    with TestClient(create_app(make_settings(sample_url), served=True)) as client:
        assert client.get("/conformance").status_code == 200
        assert gc.get_freeze_count() > 10_000  # modules, functions, routes, models
        assert gc.get_threshold()[0] == YOUNGEST_THRESHOLD


def test_an_app_built_by_a_test_leaves_the_collector_alone(
    sample_url: str, collector_restored: None
) -> None:
    gc.unfreeze()
    before = gc.get_threshold()
    with TestClient(create_app(make_settings(sample_url))) as client:
        assert client.get("/conformance").status_code == 200
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == before
