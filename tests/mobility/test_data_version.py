# SPDX-License-Identifier: MIT
"""The data version: raised by every committed change of what pages and analyses read, only.

Pages and answers kept by a worker are only as fresh as this number, so each way of changing the
assets, their places, the communes, their files and inputs, and the scenarios is tried, through
the store and by plain SQL that bypasses it, on SQLite and PostGIS. On PostGIS the raise is
deferred to the commit: two writers that lock the same commune in opposite orders must not
deadlock through it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from mobility.assets import Layer
from mobility.store import AssetQuery, Precondition, SqlStore, open_store
from mobility.store.migration import stored_version
from mobility.store.schema import SCHEMA_VERSION
from tests.support import builders
from tests.support.stores import fresh_store


def _with_assets(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    store.add_assets([builders.parking(), builders.charging_point(), builders.hub()])


def _sql(store: SqlStore, statement: str) -> Callable[[], None]:
    def run() -> None:
        with store.engine.begin() as conn:
            conn.execute(text(statement))

    return run


WRITES: dict[str, Callable[[SqlStore], object]] = {
    "add an asset": lambda s: s.add_assets([builders.parking("p-2", capacity=5)]),
    "upsert an asset": lambda s: s.add_assets([builders.parking(capacity=7)], upsert=True),
    "replace an asset": lambda s: s.replace_asset(
        builders.parking(capacity=9), if_match=Precondition()
    ),
    "delete an asset": lambda s: s.delete_asset(Layer.HUBS, "h-1"),
    "replace the commune": lambda s: s.save_commune(builders.commune_record(), [], replace=True),
    "delete the commune": lambda s: s.delete_commune("75110"),
    "add a commune": lambda s: s.save_commune(
        builders.commune_record("69381", builders.SQUARE_69381), []
    ),
    "supply a commune input": lambda s: s.put_commune_input("75110", "fleet", {"bev": 10}),
    "make a scenario": lambda s: s.create_scenario("75110", "Plan", []),
    "SQL: add a source file": lambda s: _sql(
        s,
        "INSERT INTO commune_files (commune, role, filename, content_gz, metadata) "
        "VALUES ('75110', 'streets', 'streets.geojson', '', '{}')",
    )(),
    "SQL: update an asset": lambda s: _sql(s, "UPDATE assets SET power_kw = 50")(),
    "SQL: delete the places": lambda s: _sql(s, "DELETE FROM asset_places")(),
    "SQL: rename a commune": lambda s: _sql(s, "UPDATE communes SET name = 'Autre'")(),
    "SQL: delete an asset": lambda s: _sql(s, "DELETE FROM assets WHERE id = 'p-1'")(),
}


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_every_change_of_assets_places_or_communes_raises_the_version(
    store: SqlStore, write: str
) -> None:
    _with_assets(store)
    before = store.data_version()
    WRITES[write](store)
    assert store.data_version() > before


def test_reads_and_the_other_tables_leave_the_version_alone(store: SqlStore) -> None:
    _with_assets(store)
    before = store.data_version()
    store.query_asset_json(AssetQuery(Layer.PARKING, commune="75110"))
    store.get_asset(Layer.CHARGING_POINTS, "FRV75ETEST011")
    store.list_communes()
    store.count_hit("reads:127.0.0.1", 60, 1_000.0)
    assert store.data_version() == before


def test_a_write_through_one_process_is_seen_by_another_opened_on_the_same_database(
    store: SqlStore,
) -> None:
    other = open_store(store.engine.url.render_as_string(hide_password=False))
    try:
        _with_assets(store)
        seen = other.data_version()
        store.add_assets([builders.parking("p-9")])
        assert other.data_version() > seen
    finally:
        other.close()


def test_a_rolled_back_change_leaves_the_version_alone(store: SqlStore) -> None:
    _with_assets(store)
    before = store.data_version()
    with store.engine.connect() as conn:
        transaction = conn.begin()
        conn.execute(text("UPDATE assets SET power_kw = 11"))
        transaction.rollback()
    assert store.data_version() == before


@pytest.fixture
def postgis_store(tmp_path: Path) -> Iterator[SqlStore]:
    """An empty PostGIS store: its deferred triggers and row locks are PostgreSQL's own."""
    yield from fresh_store("postgis", tmp_path)


def test_postgis_raises_it_once_per_transaction_at_its_commit(postgis_store: SqlStore) -> None:
    store = postgis_store
    _with_assets(store)
    before = store.data_version()
    with store.engine.begin() as conn:
        for power in (7, 11, 22):
            conn.execute(text("UPDATE assets SET power_kw = :p"), {"p": power})
        conn.execute(text("DELETE FROM asset_places WHERE layer = 'hubs'"))
        # deferred: not raised before the commit, even for the writer itself
        inside = conn.execute(text("SELECT version FROM data_version")).scalar_one()
        assert inside == before
    assert store.data_version() == before + 1


def test_postgis_truncate_raises_it(postgis_store: SqlStore) -> None:
    store = postgis_store
    _with_assets(store)
    before = store.data_version()
    _sql(store, "TRUNCATE asset_places")()
    assert store.data_version() > before


def test_postgis_writers_locking_in_opposite_orders_do_not_deadlock_on_it(
    postgis_store: SqlStore,
) -> None:
    """One locks the commune then writes an asset; the other writes an asset then waits for the
    commune. Were the version raised at each write, each would hold what the other waits for."""
    store = postgis_store
    _with_assets(store)
    before = store.data_version()
    first_locked, second_wrote = threading.Event(), threading.Event()
    lock_commune = text("SELECT code FROM communes WHERE code = '75110' FOR UPDATE")

    def locks_then_writes() -> None:
        with store.engine.begin() as conn:
            conn.execute(lock_commune)
            first_locked.set()
            assert second_wrote.wait(30)
            conn.execute(text("UPDATE assets SET power_kw = 3 WHERE id = 'p-1'"))

    def writes_then_locks() -> None:
        assert first_locked.wait(30)
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE assets SET power_kw = 4 WHERE id = 'h-1'"))
            second_wrote.set()
            conn.execute(lock_commune)

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(locks_then_writes), pool.submit(writes_then_locks)]
        for future in futures:
            future.result(timeout=60)  # a deadlock would raise here
    assert store.data_version() == before + 2


def test_a_version_6_store_gains_the_version_and_its_triggers(store: SqlStore) -> None:
    _with_assets(store)
    url = store.engine.url.render_as_string(hide_password=False)
    with store.engine.begin() as conn:
        if store.backend == "postgis":
            conn.execute(text("DROP FUNCTION mobility_raise_data_version() CASCADE"))
        else:
            names = conn.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            ).scalars()
            for name in list(names):
                conn.execute(text(f"DROP TRIGGER {name}"))
        conn.execute(text("DROP TABLE data_version"))
        conn.execute(text("UPDATE store_meta SET value = '6' WHERE key = 'schema_version'"))
    store.close()
    reopened = open_store(url)
    try:
        with reopened.engine.begin() as conn:
            assert stored_version(conn) == SCHEMA_VERSION
        before = reopened.data_version()
        reopened.delete_asset(Layer.HUBS, "h-1")
        assert reopened.data_version() > before
    finally:
        reopened.close()
