# SPDX-License-Identifier: MIT
"""Bringing an older database to the current schema, in the transaction that opens the store.

Versions 1 and 2 only ever added tables, which ``create_all`` makes. Version 3 changes tables in
place: the communes gain their margin and surroundings box, the assets lose their foreign key to
the communes (an asset keeps its own commune code, which may name a commune not loaded), and the
asset_places membership table is filled from every stored asset and commune. SQLite cannot drop
a foreign key, so its assets table is rebuilt: renamed aside, created anew, copied, dropped.
Version 4 adds a revision column to the assets and the commune inputs; existing rows start at 0.
Versions 5 and 6 only add tables (keys and audit; the batches of ``mobility batch --to-store``).
Version 7 adds the data version's row and triggers, installed at every opening when missing.
A database newer than the program is refused rather than written with an older idea of it.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import Connection, insert, inspect, select, text, update

from mobility.errors import StoreUnavailableError
from mobility.store import schema
from mobility.store.data_version import install_data_version
from mobility.store.sql_places import outer_box, place_commune, place_of

Backend = Literal["sqlite", "postgis"]
POSTGIS_LOCK_KEY = 7_511_0
"""Advisory lock id serialising schema set-up across workers that start together."""
_ASIDE = "assets_before_v3"
_ASSET_COLUMNS = (
    "layer, id, commune, lon, lat, properties, footprint, power_kw, kind, modes, updated_at"
)


def create_or_upgrade(conn: Connection, backend: Backend) -> None:
    """Create the missing tables and bring a stored schema up to ``schema.SCHEMA_VERSION``."""
    if backend == "postgis":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": POSTGIS_LOCK_KEY})
    version = stored_version(conn)
    if version is not None and version > schema.SCHEMA_VERSION:
        raise StoreUnavailableError(
            f"the database holds schema version {version}, newer than this "
            f"program's {schema.SCHEMA_VERSION}: upgrade the program"
        )
    upgrading_v3 = version is not None and version < 3
    if upgrading_v3:
        prepare_v3(conn, backend)
    schema.metadata.create_all(conn)
    if backend == "postgis":
        for statement in schema.POSTGIS_DDL:
            conn.execute(text(statement))
    if upgrading_v3:
        finish_v3(conn, backend)
    if version is not None and version < 4:
        add_revision_columns(conn, backend)
    install_data_version(conn, backend)
    meta = schema.store_meta
    if version is None:
        conn.execute(insert(meta).values(key="schema_version", value=str(schema.SCHEMA_VERSION)))
    elif version < schema.SCHEMA_VERSION:
        conn.execute(
            update(meta)
            .where(meta.c.key == "schema_version")
            .values(value=str(schema.SCHEMA_VERSION))
        )


def stored_version(conn: Connection) -> int | None:
    """Return the schema version the database holds, or None for an empty database."""
    if not inspect(conn).has_table("store_meta"):
        return None
    value = conn.execute(
        select(schema.store_meta.c.value).where(schema.store_meta.c.key == "schema_version")
    ).scalar()
    return None if value is None else int(value)


def prepare_v3(conn: Connection, backend: Backend) -> None:
    """Alter the version-2 tables before the current tables are created beside them."""
    conn.execute(text("ALTER TABLE communes ADD COLUMN margin_m FLOAT"))
    for side in ("west", "south", "east", "north"):
        conn.execute(text(f"ALTER TABLE communes ADD COLUMN outer_{side} FLOAT"))
    if backend == "postgis":
        conn.execute(text("ALTER TABLE assets DROP CONSTRAINT IF EXISTS assets_commune_fkey"))
        return
    # the indexes travel with the renamed table: drop them so the new table can take their names
    conn.execute(text("DROP INDEX IF EXISTS assets_layer_commune"))
    conn.execute(text("DROP INDEX IF EXISTS assets_layer_lon_lat"))
    conn.execute(text(f"ALTER TABLE assets RENAME TO {_ASIDE}"))


def finish_v3(conn: Connection, backend: Backend) -> None:
    """Copy the assets back (SQLite), then give every commune its box and its memberships."""
    if backend == "sqlite":
        columns = _ASSET_COLUMNS
        copy = f"INSERT INTO assets ({columns}) SELECT {columns} FROM {_ASIDE}"  # noqa: S608
        conn.execute(text(copy))
        conn.execute(text(f"DROP TABLE {_ASIDE}"))
    communes = schema.communes
    for code, boundary_json in conn.execute(select(communes.c.code, communes.c.boundary)).all():
        place = place_of(boundary_json, None)
        conn.execute(update(communes).where(communes.c.code == code).values(**outer_box(place)))
        place_commune(conn, code, place)


def add_revision_columns(conn: Connection, backend: Backend) -> None:
    """Give the tables of version 3 the revision column of version 4 (rows keep their data).

    A table rebuilt by the version 3 step already has it (created by ``create_all``).
    """
    for table, column in schema.REVISION_COLUMNS:
        if backend == "sqlite":
            present = {row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({table})")}
            if column in present:
                continue
        exists_clause = "IF NOT EXISTS " if backend == "postgis" else ""
        conn.execute(
            text(
                f"ALTER TABLE {table} ADD COLUMN {exists_clause}{column} BIGINT NOT NULL DEFAULT 0"
            )
        )
