# SPDX-License-Identifier: MIT
"""A version-2 database, written with the version-2 tables, opens as version 3 with nothing lost.

The version-2 tables are written out here as they were (assets tied to a loaded commune by a
foreign key, communes without a margin), so the test does not depend on the code it checks.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import SAWarning

from mobility.assets import Asset, Layer
from mobility.store import AssetQuery, open_store
from mobility.store.rows import row_from_asset
from mobility.store.schema import POSTGIS_DDL, SCHEMA_VERSION
from tests.support import builders
from tests.support.stores import postgis_url_or_skip

V2 = MetaData()
V2_COMMUNES = Table(
    "communes",
    V2,
    Column("code", String(5), primary_key=True),
    Column("name", Text, nullable=False),
    Column("boundary", Text, nullable=False),
    Column("west", Float, nullable=False),
    Column("south", Float, nullable=False),
    Column("east", Float, nullable=False),
    Column("north", Float, nullable=False),
    Column("info", Text, nullable=False, default="{}"),
    Column("revision", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Table(
    "commune_files",
    V2,
    Column("commune", String(5), ForeignKey("communes.code", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("filename", Text, nullable=False),
    Column("content_gz", LargeBinary, nullable=False),
    Column("metadata", Text, nullable=False, default="{}"),
)
V2_ASSETS = Table(
    "assets",
    V2,
    Column("layer", String(32), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("commune", String(5), ForeignKey("communes.code", ondelete="CASCADE"), nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("properties", Text, nullable=False),
    Column("footprint", Text, nullable=True),
    Column("power_kw", Float, nullable=True),
    Column("kind", String(32), nullable=True),
    Column("modes", String(200), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("assets_layer_commune", V2_ASSETS.c.layer, V2_ASSETS.c.commune)
Index("assets_layer_lon_lat", V2_ASSETS.c.layer, V2_ASSETS.c.lon, V2_ASSETS.c.lat)
Table(
    "scenarios",
    V2,
    Column("id", String(64), primary_key=True),
    Column("commune", String(5), ForeignKey("communes.code", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=True),
    Column("changes", Text, nullable=False),
    Column("base_revision", Integer, nullable=False),
    Column("revision", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("promoted_at", DateTime(timezone=True), nullable=True),
)
Table(
    "commune_inputs",
    V2,
    Column("commune", String(5), ForeignKey("communes.code", ondelete="CASCADE"), primary_key=True),
    Column("key", String(32), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
V2_META = Table(
    "store_meta",
    V2,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

LYON = builders.SQUARE_69381


def _v2_assets() -> list[Asset]:
    return [
        builders.charging_point("FRV75EMIG01", 2.357, 48.876),
        builders.charging_point("FRV75EMIG02", 2.364, 48.881, puissance_nominale=150.0),
        builders.parking("p-mig", 2.351, 48.871, kind="bicycle", capacity=8),
        builders.hub("h-mig", 2.358, 48.877, modes=["rer", "metro"]),
        builders.hub("h-lyon", 4.83, 45.765, commune="69381"),
    ]


def _write_v2(url: str, *, postgis: bool) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    now = datetime.now(UTC)
    with engine.begin() as conn:
        if postgis:
            conn.execute(
                text(
                    "DROP TABLE IF EXISTS asset_places, scenarios, commune_inputs, commune_files, "
                    "assets, communes, store_meta CASCADE"
                )
            )
        V2.create_all(conn)
        if postgis:
            for statement in POSTGIS_DDL:
                conn.execute(text(statement))
        for code, bounds in (("75110", builders.SQUARE_75110), ("69381", LYON)):
            west, south, east, north = bounds
            conn.execute(
                insert(V2_COMMUNES).values(
                    code=code,
                    name=f"Commune {code}",
                    boundary=json.dumps(builders.square(bounds)),
                    west=west,
                    south=south,
                    east=east,
                    north=north,
                    info=json.dumps({"notes": []}),
                    revision=4,
                    created_at=now,
                    updated_at=now,
                )
            )
        conn.execute(insert(V2_ASSETS), [row_from_asset(a, now) for a in _v2_assets()])
        conn.execute(insert(V2_META).values(key="schema_version", value="2"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgis"])
def v2_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'v2.sqlite'}"
        _write_v2(url, postgis=False)
    else:
        url = postgis_url_or_skip()
        _write_v2(url, postgis=True)
    yield url


def test_a_version_2_store_opens_at_the_current_version_with_every_asset_kept(
    v2_url: str,
) -> None:
    store = open_store(v2_url)
    try:
        with store.engine.begin() as conn:
            version = conn.execute(text("SELECT value FROM store_meta")).scalar()
            rows = conn.execute(text("SELECT COUNT(*) FROM asset_places")).scalar()
        assert version == str(SCHEMA_VERSION)  # through 3 (places) and 4 (revisions)
        assert rows == 5
        for asset in _v2_assets():
            stored = store.get_asset(asset.layer, asset.id)
            assert (stored.commune, stored.lon, stored.lat) == (asset.commune, asset.lon, asset.lat)
            assert stored.attributes == asset.attributes
            assert stored.revision == 0
        assert store.count_assets(Layer.CHARGING_POINTS, "75110") == 2
        assert store.count_assets(Layer.HUBS, "75110") == 1
        assert store.count_assets(Layer.HUBS, "69381") == 1
        fast = store.query_assets(
            AssetQuery(Layer.CHARGING_POINTS, commune="75110", min_power_kw=50)
        )
        assert [a.id for a in fast.assets] == ["FRV75EMIG02"]
        record = store.get_commune("75110")
        assert record.margin_m is None and record.revision == 4
        # the foreign key is gone: an asset may carry the code of a commune not loaded
        store.add_assets([builders.hub("h-own", 2.36, 48.88, commune="75111")])
        assert store.get_asset(Layer.HUBS, "h-own").commune == "75111"
        assert store.count_assets(Layer.HUBS, "75110") == 2
    finally:
        store.close()
    reopened = open_store(v2_url)  # a second opening finds version 3 and changes nothing
    try:
        with reopened.engine.begin() as conn:
            ids = conn.execute(select(text("id")).select_from(text("assets"))).scalars().all()
        assert sorted(ids) == sorted([a.id for a in _v2_assets()] + ["h-own"])
    finally:
        reopened.close()


def _table_shapes(url: str) -> dict[str, list[str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn, warnings.catch_warnings():
            # PostGIS columns are of a type SQLAlchemy does not know: their names are enough
            warnings.simplefilter("ignore", SAWarning)
            inspector = inspect(conn)
            return {
                name: sorted(column["name"] for column in inspector.get_columns(name))
                for name in inspector.get_table_names()
                if name != "spatial_ref_sys"
            }
    finally:
        engine.dispose()


def test_a_migration_that_fails_half_way_leaves_the_version_2_store_as_it_was(
    v2_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _table_shapes(v2_url)

    def fail_after_the_tables_changed(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full while placing the communes")

    # the assets have been renamed aside and copied back, the new tables made: then it fails
    monkeypatch.setattr("mobility.store.migration.place_commune", fail_after_the_tables_changed)
    with pytest.raises(RuntimeError, match="disk full"):
        open_store(v2_url)
    assert _table_shapes(v2_url) == before
    monkeypatch.undo()
    store = open_store(v2_url)  # the next opening migrates from the untouched version 2
    try:
        assert store.count_assets(Layer.CHARGING_POINTS, "75110") == 2
    finally:
        store.close()
