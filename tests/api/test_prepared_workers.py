# SPDX-License-Identifier: MIT
"""Two real worker processes over one store: a payload kept for old sources is never used.

The first worker to need the commune reads its prepared payload, or builds it and keeps it; the
other reads it. When the commune is saved again with other sources (its population doubled),
both workers answer from the new sources, though a payload of the old sources was put back in
the store meanwhile (as a writer that raced, or an older program, would leave it). Every answer
equals the one computed here from the stored files. On both stores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from mobility.assets import Layer
from mobility.coverage.context import CommuneContext, stored_model
from mobility.coverage.filters import AssetFilter
from mobility.coverage.prepared import build_key
from mobility.coverage.run import CoverageQuestion, run_coverage
from mobility.coverage.threshold import make_threshold
from mobility.network.snapping import DEFAULT_MAX_SNAP_M
from mobility.store import open_store
from tests.support.prepared import replace_population
from tests.support.server import serve

CODE = "75110"
FIGURES = ("population", "population_covered", "share", "demand_points", "distance")


def _answer(base: str) -> dict[str, Any]:
    response = httpx.get(
        f"{base}/communes/{CODE}/coverage",
        params={"layer": "charging-points", "mode": "walk", "within_m": 300},
        timeout=300,
    )
    assert response.status_code == 200, response.text
    summary = response.json()["summary"]
    return {name: summary[name] for name in FIGURES}


def _fresh(url: str) -> dict[str, Any]:
    """The same answer computed here from the stored files, no payload read."""
    store = open_store(url)
    try:
        context = CommuneContext(stored_model(store, store.get_commune(CODE)))
        question = CoverageQuestion(
            make_threshold("walk", within_m=300.0), AssetFilter(Layer.CHARGING_POINTS)
        )
        summary = run_coverage(context, store, question).summary()
    finally:
        store.close()
    return {name: summary[name] for name in FIGURES}


def test_both_workers_answer_the_new_sources_never_the_kept_old_ones(
    sample_store_url: str, tmp_path: Path
) -> None:
    before = _fresh(sample_store_url)
    with serve(sample_store_url) as first, serve(sample_store_url) as second:
        assert _answer(first) == before
        assert _answer(second) == before
        store = open_store(sample_store_url)
        try:
            old = store.get_prepared(CODE)
            assert old is not None and old.intact
            replace_population(store, CODE, factor=2.0, work=tmp_path)
            store.put_prepared(CODE, old.build_key, old.payload)
            new_key = build_key(store.get_commune(CODE), max_snap_m=DEFAULT_MAX_SNAP_M)
        finally:
            store.close()
        after = _fresh(sample_store_url)
        assert after["population"] == pytest.approx(2 * before["population"], abs=0.1)
        assert _answer(second) == after
        assert _answer(first) == after
    store = open_store(sample_store_url)
    try:
        kept = store.get_prepared(CODE)
    finally:
        store.close()
    assert kept is not None and kept.intact and kept.build_key == new_key != old.build_key
