# SPDX-License-Identifier: MIT
"""The gaps kept with a commune are exactly those found afresh, before and after every write.

The gaps (and which gap each home lies in, for siting) are kept under a digest of what they are
computed from: the same question asked again is answered from the kept ones, and a write that
moves who is covered (a charger added in the largest gap, then removed) gives the gaps of the
new coverage, never the kept ones. Siting, which reads the same gaps, answers as a context
built afresh does. On both stores.
"""

from __future__ import annotations

import json
from typing import Any

import shapely

from mobility.assets import Layer
from mobility.coverage.context import CommuneContext, ContextCache, stored_model
from mobility.coverage.filters import AssetFilter
from mobility.coverage.gaps import demand_spacing_m, find_gaps, gap_membership, kept_gaps
from mobility.coverage.run import CoverageQuestion, run_coverage, run_gaps
from mobility.coverage.threshold import make_threshold
from mobility.geo import to_wire
from mobility.siting.run import CandidateChoice, SitingQuestion, run_siting
from mobility.siting.suggest import SitingRequest
from mobility.store import SqlStore
from tests.support.builders import charging_point

CODE = "75110"
WALK = CoverageQuestion(make_threshold("walk", within_m=200.0), AssetFilter(Layer.CHARGING_POINTS))
SITING = SitingQuestion(
    request=SitingRequest(threshold=WALK.threshold, existing_filter=WALK.asset_filter, count=3),
    candidates=CandidateChoice(),
)


def fresh_gaps(context: CommuneContext, store: SqlStore) -> list[dict[str, Any]]:
    """The gaps found now from a coverage computed now, nothing kept."""
    result = run_coverage(context, store, WALK, bounded=False)
    gaps = find_gaps(result, context.record.boundary, spacing_m=demand_spacing_m(result))
    return json.loads(json.dumps([gap.to_feature() for gap in gaps]))


def answered_gaps(context: CommuneContext, store: SqlStore) -> list[dict[str, Any]]:
    return json.loads(json.dumps(run_gaps(context, store, WALK).to_geojson()["features"]))


def siting_answer(context: CommuneContext, store: SqlStore) -> Any:
    body = json.loads(json.dumps(run_siting(context, store, SITING).to_geojson()))
    body["method"].pop("computed_at")
    body["summary"].pop("solve_time_s")
    return body


def test_kept_gaps_equal_fresh_ones_across_writes(sample_store: SqlStore) -> None:
    cache = ContextCache()  # as the app keeps it: each request gets the commune from it
    context = cache.get(sample_store, CODE)
    first = answered_gaps(context, sample_store)
    assert first == fresh_gaps(context, sample_store)
    assert len(first) >= 3
    result = run_coverage(context, sample_store, WALK, bounded=False)
    spacing = demand_spacing_m(result)
    kept = kept_gaps(context, result, spacing_m=spacing)
    assert kept_gaps(context, result, spacing_m=spacing) is kept  # asked again: kept
    assert answered_gaps(context, sample_store) == first
    # a charger in the middle of the largest gap: that gap closes or shrinks
    largest = to_wire(kept.gaps[0].geometry_metric)
    middle = shapely.get_coordinates(largest.representative_point())[0]
    sample_store.add_assets([charging_point("FRV75EGAP0001", float(middle[0]), float(middle[1]))])
    assert cache.get(sample_store, CODE) is context  # the same streets and homes: the same context
    after = answered_gaps(context, sample_store)
    assert after != first
    assert after == fresh_gaps(context, sample_store)
    assert siting_answer(context, sample_store) == siting_answer(
        CommuneContext(stored_model(sample_store, sample_store.get_commune(CODE))), sample_store
    )
    sample_store.delete_asset(Layer.CHARGING_POINTS, "FRV75EGAP0001")
    assert cache.get(sample_store, CODE) is context
    assert answered_gaps(context, sample_store) == first == fresh_gaps(context, sample_store)


def test_kept_membership_equals_the_membership_found_afresh(sample_store: SqlStore) -> None:
    context = ContextCache().get(sample_store, CODE)
    result = run_coverage(context, sample_store, WALK, bounded=False)
    kept = kept_gaps(context, result)
    fresh = gap_membership(result, find_gaps(result, context.record.boundary))
    assert (kept.membership(result) == fresh).all()
    assert kept.membership(result) is kept.membership(result)
    assert siting_answer(context, sample_store) == siting_answer(
        CommuneContext(stored_model(sample_store, sample_store.get_commune(CODE))), sample_store
    )
