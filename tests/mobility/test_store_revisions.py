# SPDX-License-Identifier: MIT
"""Revisions and conditional writes in the store, on SQLite and PostGIS alike.

Each record carries a revision that every write advances; a write conditioned on revisions the
record is no longer at changes nothing. Concurrent merge patches of one feature, from threads
with their own connections, all keep their change (the compare-and-swap retries the merge).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from mobility.assets import Layer
from mobility.errors import NotFoundError, PreconditionFailedError, PreconditionRequiredError
from mobility.feature_edits import patch_feature
from mobility.store import Precondition, SqlStore, open_store
from mobility.store.schema import SCHEMA_VERSION
from tests.support import builders

CONCURRENT_FIELDS = {
    "name": "Parc Magenta",
    "capacity": 120,
    "ev_ready_spaces": 12,
    "pmr_spaces": 4,
    "access": "public",
    "fee": True,
    "covered": True,
    "operator": "Ville de Paris",
}
"""Eight fields of a car park, each changed by its own concurrent patch."""


def _at(*revisions: int) -> Precondition:
    return Precondition(frozenset(revisions))


def _with_parking(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    store.add_assets([builders.parking(kind="car", capacity=100)])


def test_every_write_advances_the_revision_and_a_stale_one_changes_nothing(
    store: SqlStore,
) -> None:
    _with_parking(store)
    first = store.get_asset(Layer.PARKING, "p-1")
    assert first.revision > 0
    second = store.replace_asset(builders.parking(capacity=90), if_match=_at(first.revision))
    assert second.revision == first.revision + 1
    assert store.get_asset(Layer.PARKING, "p-1") == second
    with pytest.raises(PreconditionFailedError, match="changed since it was read"):
        store.replace_asset(builders.parking(capacity=10), if_match=_at(first.revision))
    with pytest.raises(PreconditionFailedError):
        store.delete_asset(Layer.PARKING, "p-1", if_match=_at(first.revision))
    assert store.get_asset(Layer.PARKING, "p-1") == second
    star = store.replace_asset(builders.parking(capacity=80), if_match=Precondition())
    assert star.revision == second.revision + 1
    store.delete_asset(Layer.PARKING, "p-1", if_match=_at(1, star.revision))
    with pytest.raises(NotFoundError):
        store.get_asset(Layer.PARKING, "p-1")


def test_a_feature_created_again_never_reuses_a_revision_of_its_previous_life(
    store: SqlStore,
) -> None:
    _with_parking(store)
    old = store.replace_asset(builders.parking(capacity=1))
    store.delete_asset(Layer.PARKING, "p-1")
    store.add_assets([builders.parking(capacity=2)])
    new = store.get_asset(Layer.PARKING, "p-1")
    assert new.revision > old.revision
    with pytest.raises(PreconditionFailedError):
        store.replace_asset(builders.parking(capacity=3), if_match=_at(old.revision))


def test_inputs_are_created_freely_but_replaced_only_under_a_matching_revision(
    store: SqlStore,
) -> None:
    store.save_commune(builders.commune_record(), [])
    with pytest.raises(PreconditionFailedError, match="not stored"):
        store.put_commune_input("75110", "fleet", {"bev": 1}, if_match=Precondition())
    created = store.put_commune_input("75110", "fleet", {"bev": 100}, create_only=True)
    with pytest.raises(PreconditionRequiredError, match="If-Match"):
        store.put_commune_input("75110", "fleet", {"bev": 5}, create_only=True)
    replaced = store.put_commune_input(
        "75110", "fleet", {"bev": 120}, if_match=_at(created.revision)
    )
    assert replaced.revision == created.revision + 1
    with pytest.raises(PreconditionFailedError):
        store.put_commune_input("75110", "fleet", {"bev": 7}, if_match=_at(created.revision))
    with pytest.raises(PreconditionFailedError):
        store.delete_commune_input("75110", "fleet", if_match=_at(created.revision))
    stored = store.get_commune_input("75110", "fleet")
    assert stored is not None and stored.value == {"bev": 120}
    assert stored.revision == replaced.revision
    store.delete_commune_input("75110", "fleet", if_match=_at(replaced.revision))
    assert store.get_commune_input("75110", "fleet") is None


def test_scenario_writes_check_the_revision(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    scenario = store.create_scenario("75110", "Plan", [])
    renamed = store.update_scenario(scenario.id, name="B", if_match=_at(scenario.revision))
    assert renamed.revision == scenario.revision + 1
    with pytest.raises(PreconditionFailedError):
        store.update_scenario(scenario.id, name="C", if_match=_at(scenario.revision))
    with pytest.raises(PreconditionFailedError):
        store.delete_scenario(scenario.id, if_match=_at(scenario.revision))
    assert store.get_scenario(scenario.id).name == "B"
    promoted = store.promote_scenario(scenario.id)
    assert promoted.revision == renamed.revision + 1  # its document changed: a new ETag
    store.delete_scenario(scenario.id, if_match=_at(promoted.revision))


def test_concurrent_patches_of_one_feature_each_keep_their_change(store: SqlStore) -> None:
    _with_parking(store)
    for trial in range(3):
        fields: dict[str, object] = dict(CONCURRENT_FIELDS)
        fields["capacity"] = 120 + trial

        def patch(name: str, fields: dict[str, object] = fields) -> None:
            body = {"properties": {name: fields[name]}}
            patch_feature(store, Layer.PARKING, "p-1", body)

        with ThreadPoolExecutor(max_workers=len(fields)) as pool:
            list(pool.map(patch, fields))
        stored = store.get_asset(Layer.PARKING, "p-1").properties()
        assert {name: stored[name] for name in fields} == fields
        store.replace_asset(builders.parking(kind="car", capacity=100))


def test_a_version_3_database_is_upgraded_keeping_its_rows(store: SqlStore) -> None:
    """Version 4 added the revision columns: a version 3 database gets them, rows kept."""
    _with_parking(store)
    store.put_commune_input("75110", "fleet", {"bev": 3})
    url = store.engine.url.render_as_string(hide_password=False)
    with store.engine.begin() as conn:
        conn.execute(text("ALTER TABLE assets DROP COLUMN revision"))
        conn.execute(text("ALTER TABLE commune_inputs DROP COLUMN revision"))
        conn.execute(text("UPDATE store_meta SET value = '3' WHERE key = 'schema_version'"))
    store.close()
    upgraded = open_store(url)
    try:
        with upgraded.engine.begin() as conn:
            version = conn.execute(
                text("SELECT value FROM store_meta WHERE key = 'schema_version'")
            ).scalar()
        assert version == str(SCHEMA_VERSION)
        kept = upgraded.get_asset(Layer.PARKING, "p-1")
        assert kept.revision == 0 and kept.properties()["capacity"] == 100
        fleet = upgraded.get_commune_input("75110", "fleet")
        assert fleet is not None and fleet.value == {"bev": 3} and fleet.revision == 0
        changed = upgraded.replace_asset(builders.parking(capacity=5), if_match=_at(0))
        assert changed.revision == 1
    finally:
        upgraded.close()


def test_inputs_created_by_concurrent_requests_are_created_once(store: SqlStore) -> None:
    """Eight first writes at once: one creates, the others are told to name a revision."""
    store.save_commune(builders.commune_record(), [])
    start = threading.Barrier(8)

    def create(bev: int) -> str:
        start.wait()
        try:
            store.put_commune_input("75110", "fleet", {"bev": bev}, create_only=True)
        except PreconditionRequiredError:
            return "refused"
        return "created"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = sorted(pool.map(create, range(8)))
    assert outcomes == ["created"] + ["refused"] * 7
    stored = store.get_commune_input("75110", "fleet")
    assert stored is not None and stored.value["bev"] in range(8)
