# SPDX-License-Identifier: MIT
"""The prepared commune kept with the store gives exactly the answers of a fresh build.

On both stores: every array read back equals the one built from the sources (the demand's
columns, the street vertices and the snapping index cut from them too), and coverage
(walk by distance, drive by time), gaps, service areas and siting answer the same figures from
either. A commune saved again drops its payload; a payload kept under another key (stale), or
whose bytes are damaged (truncated, flipped, or not a payload at all), is never used: the
commune is built again from its sources and the payload written anew, as it is when the code
that builds it changed (its digest is in the key).
"""

from __future__ import annotations

import io
import json
import shutil
from typing import Any

import numpy as np
import pytest
import shapely
from pandas.testing import assert_frame_equal
from sqlalchemy import update

from mobility.assets import Layer
from mobility.coverage import prepared as prepared_module
from mobility.coverage.context import (
    CommuneContext,
    ContextCache,
    prepare_commune,
    stored_model,
)
from mobility.coverage.filters import AssetFilter
from mobility.coverage.prepared import (
    BUILDING_CODE,
    build_code_digest,
    build_key,
    code_digest,
    module_files,
    read_prepared,
)
from mobility.coverage.prepared_arrays import read_arrays
from mobility.coverage.prepared_codec import (
    EDGE_ARRAYS,
    SNAPPED_ARRAYS,
    PreparedPayloadError,
    decode_prepared,
    encode_prepared,
)
from mobility.coverage.run import (
    CoverageQuestion,
    run_coverage,
    run_gaps,
    run_service_areas,
)
from mobility.coverage.threshold import make_threshold
from mobility.network.snap_index import StreetPieces
from mobility.network.snapping import DEFAULT_MAX_SNAP_M, street_pieces
from mobility.siting.run import CandidateChoice, SitingQuestion, run_siting
from mobility.siting.suggest import SitingRequest
from mobility.store import SqlStore
from mobility.store import schema as store_schema
from tests.support.prepared import replace_population

CODE = "75110"
WALK = CoverageQuestion(make_threshold("walk", within_m=300.0), AssetFilter(Layer.CHARGING_POINTS))
DRIVE = CoverageQuestion(make_threshold("drive", within_min=2.0), AssetFilter(Layer.HUBS))


def fresh_context(store: SqlStore) -> CommuneContext:
    """The commune built from its stored files, nothing read from a payload."""
    return CommuneContext(stored_model(store, store.get_commune(CODE)))


def kept_context(store: SqlStore) -> CommuneContext:
    """The commune as a new worker gets it: from the payload kept with the store."""
    context = ContextCache().get(store, CODE)
    assert context.prepared is not None
    return context


def plain(collection: Any) -> Any:
    """An answer as JSON, when and how long it was computed left out (all else must agree)."""
    body = json.loads(json.dumps(collection.to_geojson()))
    body["method"].pop("computed_at", None)
    if isinstance(body.get("summary"), dict):
        body["summary"].pop("solve_time_s", None)
    return body


def coverage_figures(context: CommuneContext, store: SqlStore, question: CoverageQuestion) -> Any:
    result = run_coverage(context, store, question)
    return {
        "summary": result.summary(),
        "zones": [zone.to_dict() for zone in result.zones()],
        "distance_m": result.distance_m.tolist(),
        "cost": result.cost.tolist(),
    }


def test_every_array_read_back_equals_the_fresh_build(sample_store: SqlStore) -> None:
    prepare_commune(sample_store, CODE)
    fresh, kept = fresh_context(sample_store), kept_context(sample_store)
    assert_frame_equal(kept.demand.points, fresh.demand.points)  # type: ignore[union-attr]
    assert kept.demand.method == fresh.demand.method  # type: ignore[union-attr]
    for mode in ("walk", "drive"):
        assert kept.report(mode) == fresh.report(mode)
        mine, theirs = kept.engine(mode).edges, fresh.engine(mode).edges
        for name in EDGE_ARRAYS:
            np.testing.assert_array_equal(getattr(mine, name), getattr(theirs, name))
        assert mine.name.tolist() == theirs.name.tolist()
        assert mine.line_ragged is not None and theirs.line_metric is not None
        segments = theirs.segment_edges
        for got, expected in zip(
            mine.line_coordinates(segments),
            shapely.get_coordinates(theirs.line_metric[segments], return_index=True),
            strict=True,
        ):
            np.testing.assert_array_equal(got, expected)
        assert_same_pieces(street_pieces(mine), street_pieces(theirs))
        assert bool(
            shapely.equals_exact(mine.geometry_metric, theirs.line_metric, tolerance=0.0).all()
        )
        snapped, snapped_fresh = kept.snapped_demand(mode), fresh.snapped_demand(mode)
        for name in SNAPPED_ARRAYS:
            np.testing.assert_array_equal(getattr(snapped, name), getattr(snapped_fresh, name))


def assert_same_pieces(mine: StreetPieces, theirs: StreetPieces) -> None:
    """The snapping index made from the kept vertices equals the one cut from GEOS lines."""
    assert (mine.drawn is None) == (theirs.drawn is None)
    if mine.drawn is not None and theirs.drawn is not None:
        for name, array in vars(theirs.drawn).items():
            np.testing.assert_array_equal(getattr(mine.drawn, name), array)
    np.testing.assert_array_equal(mine.tree.data, theirs.tree.data)
    assert mine.half_chunk == theirs.half_chunk


def test_the_demand_columns_come_from_the_payload_as_built(sample_store: SqlStore) -> None:
    prepare_commune(sample_store, CODE)
    fresh, kept = fresh_context(sample_store), kept_context(sample_store)
    mine, theirs = kept.demand_columns, fresh.demand_columns
    for name in ("lon", "lat", "population", "zone", "zone_names", "zone_index"):
        got, expected = getattr(mine, name), getattr(theirs, name)
        assert got.dtype == expected.dtype, name
        np.testing.assert_array_equal(got, expected)
        assert not got.flags.writeable
    assert mine.poverty == theirs.poverty
    assert kept.demand_method == fresh.demand_method


def test_a_first_answer_makes_neither_the_demand_frame_nor_the_street_lines(
    sample_store: SqlStore,
) -> None:
    prepare_commune(sample_store, CODE)
    fresh, kept = fresh_context(sample_store), kept_context(sample_store)
    assert coverage_figures(kept, sample_store, WALK) == coverage_figures(fresh, sample_store, WALK)
    prepared = kept.prepared
    assert prepared is not None and prepared.demand is not None
    assert not prepared.demand.made
    lines = kept.engine("walk").edges.line_ragged
    assert lines is not None and not lines.made
    # asked for later (gaps, siting), they are made, equal to the fresh build's
    assert_frame_equal(kept.demand.points, fresh.demand.points)  # type: ignore[union-attr]
    assert prepared.demand.made


def test_the_arrays_are_read_in_place_from_an_aligned_npz(sample_store: SqlStore) -> None:
    prepare_commune(sample_store, CODE)
    kept = sample_store.get_prepared(CODE)
    assert kept is not None
    arrays = read_arrays(kept.payload)
    with np.load(io.BytesIO(kept.payload), allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(arrays)  # still a plain .npz
        for name, array in arrays.items():
            np.testing.assert_array_equal(array, archive[name])
            assert array.dtype == archive[name].dtype
            assert not array.flags.writeable and array.flags.aligned
            if array.size:
                assert np.shares_memory(array, np.frombuffer(kept.payload, dtype=np.uint8)), name


def test_the_analyses_answer_the_same_from_the_payload(sample_store: SqlStore) -> None:
    prepare_commune(sample_store, CODE)
    fresh, kept = fresh_context(sample_store), kept_context(sample_store)
    fresh.prepare(kept.prepared.build_key)  # type: ignore[union-attr]  # its bands arranged
    for question in (WALK, DRIVE):
        assert coverage_figures(kept, sample_store, question) == coverage_figures(
            fresh, sample_store, question
        )
    assert plain(run_gaps(kept, sample_store, WALK)) == plain(run_gaps(fresh, sample_store, WALK))
    for dissolve in (True, False):
        assert plain(run_service_areas(kept, sample_store, WALK, dissolve=dissolve)) == plain(
            run_service_areas(fresh, sample_store, WALK, dissolve=dissolve)
        )
    siting = SitingQuestion(
        request=SitingRequest(threshold=WALK.threshold, existing_filter=WALK.asset_filter, count=5),
        candidates=CandidateChoice(),
    )
    assert plain(run_siting(kept, sample_store, siting)) == plain(
        run_siting(fresh, sample_store, siting)
    )


def test_a_commune_saved_again_drops_its_payload_and_answers_its_new_sources(
    sample_store: SqlStore, tmp_path: Any
) -> None:
    prepare_commune(sample_store, CODE)
    before = sample_store.get_prepared(CODE)
    assert before is not None and before.intact
    old_key = before.build_key
    replace_population(sample_store, CODE, factor=2.0, work=tmp_path)
    assert sample_store.get_prepared(CODE) is None
    # a payload kept under the old key (a writer that raced, an older program) is never used
    sample_store.put_prepared(CODE, old_key, before.payload)
    new_key = build_key(sample_store.get_commune(CODE), max_snap_m=DEFAULT_MAX_SNAP_M)
    assert new_key != old_key
    assert read_prepared(sample_store, CODE, new_key) is None
    cache = ContextCache()
    rebuilt = cache.get(sample_store, CODE)
    assert rebuilt.prepared is None  # built from the sources, then kept under the new key
    kept = sample_store.get_prepared(CODE)
    assert kept is not None and kept.build_key == new_key and kept.intact
    fresh = coverage_figures(fresh_context(sample_store), sample_store, WALK)
    assert coverage_figures(rebuilt, sample_store, WALK) == fresh
    assert coverage_figures(kept_context(sample_store), sample_store, WALK) == fresh
    doubled = fresh["summary"]["population"]
    assert doubled == pytest.approx(2 * before_population(before.payload), abs=0.05)


def before_population(payload: bytes) -> float:
    demand = decode_prepared(payload).demand
    assert demand is not None
    return float(demand.points().points["population"].sum())


def _damage(store: SqlStore, payload: bytes) -> None:
    """Write bytes over the kept payload, its key and checksum left as they were."""
    table = store_schema.commune_prepared
    with store.engine.begin() as conn:
        conn.execute(update(table).where(table.c.commune == CODE).values(payload=payload))


@pytest.mark.parametrize("damage", ["truncated", "flipped"])
def test_a_damaged_payload_is_rebuilt_not_trusted(sample_store: SqlStore, damage: str) -> None:
    prepare_commune(sample_store, CODE)
    good = sample_store.get_prepared(CODE)
    assert good is not None
    payload = bytearray(good.payload)
    if damage == "truncated":
        payload = payload[: len(payload) // 2]
    else:
        payload[len(payload) // 3] ^= 0xFF
    _damage(sample_store, bytes(payload))
    damaged = sample_store.get_prepared(CODE)
    assert damaged is not None and not damaged.intact
    context = ContextCache().get(sample_store, CODE)
    assert context.prepared is None
    again = sample_store.get_prepared(CODE)
    assert again is not None and again.intact  # kept by the request, without its street bands
    assert prepare_commune(sample_store, CODE)  # the import's preparation: the same payload again
    again = sample_store.get_prepared(CODE)
    assert again is not None and again.payload == good.payload
    assert coverage_figures(context, sample_store, WALK) == coverage_figures(
        fresh_context(sample_store), sample_store, WALK
    )


def test_bytes_that_are_not_a_payload_are_rebuilt(sample_store: SqlStore) -> None:
    record = sample_store.get_commune(CODE)
    key = build_key(record, max_snap_m=DEFAULT_MAX_SNAP_M)
    truncated = encode_prepared(fresh_context(sample_store).prepare(key))[:-100]
    for garbage in (b"not a payload", truncated):
        with pytest.raises(PreparedPayloadError):
            decode_prepared(garbage)
        sample_store.put_prepared(
            CODE, key, garbage
        )  # checksum right: the bytes themselves are bad
        assert read_prepared(sample_store, CODE, key) is None
        assert ContextCache().get(sample_store, CODE).prepared is None
        kept = sample_store.get_prepared(CODE)
        assert kept is not None and kept.payload != garbage
        assert read_prepared(sample_store, CODE, key) is not None


def test_a_payload_is_not_kept_for_a_commune_deleted_meanwhile(sample_store: SqlStore) -> None:
    key = build_key(sample_store.get_commune(CODE), max_snap_m=DEFAULT_MAX_SNAP_M)
    payload = encode_prepared(fresh_context(sample_store).prepare(key))
    sample_store.delete_commune(CODE)
    assert sample_store.put_prepared(CODE, key, payload) is False
    assert sample_store.get_prepared(CODE) is None


def test_a_change_of_the_building_code_rebuilds_the_kept_payload(
    sample_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare_commune(sample_store, CODE)
    before = sample_store.get_prepared(CODE)
    assert before is not None
    monkeypatch.setattr(prepared_module, "build_code_digest", lambda: "another program")
    new_key = build_key(sample_store.get_commune(CODE), max_snap_m=DEFAULT_MAX_SNAP_M)
    assert new_key != before.build_key
    assert read_prepared(sample_store, CODE, new_key) is None
    rebuilt = ContextCache().get(sample_store, CODE)
    assert rebuilt.prepared is None  # built from the sources, then kept under the new key
    kept = sample_store.get_prepared(CODE)
    assert kept is not None and kept.build_key == new_key
    fresh = coverage_figures(fresh_context(sample_store), sample_store, WALK)
    assert coverage_figures(rebuilt, sample_store, WALK) == fresh
    assert coverage_figures(kept_context(sample_store), sample_store, WALK) == fresh


def test_the_code_digest_follows_every_building_module_and_only_them(tmp_path: Any) -> None:
    copy = tmp_path / "mobility"
    shutil.copytree(prepared_module.PACKAGE_ROOT, copy, ignore=shutil.ignore_patterns("*.pyc"))

    def digest() -> str:
        return code_digest(module_files(BUILDING_CODE, root=copy), root=copy)

    assert digest() == build_code_digest()  # the same files give the same digest
    for changed in ("network/snap_index.py", "demand/_spread.py", "coverage/prepared_codec.py"):
        path = copy / changed
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        assert digest() != build_code_digest(), changed
        path.write_bytes(original)
    (copy / "store" / "sql_views.py").write_text("# not code that builds a payload\n")
    assert digest() == build_code_digest()
    (copy / "network" / "new_stage.py").write_text("# a new module of the street graph\n")
    assert digest() != build_code_digest()
    with pytest.raises(FileNotFoundError):
        module_files(["mobility.no_such_module"], root=copy)
