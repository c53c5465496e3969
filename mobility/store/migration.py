# SPDX-License-Identifier: MIT
"""Bringing an older database to the current schema, in the transaction that opens the store.

Versions 1 and 2 only ever added tables, which ``create_all`` makes. Version 3 changes tables in
place: the communes gain their margin and surroundings box, the assets lose their foreign key to
the communes (an asset keeps its own commune code, which may name a commune not loaded), and the
asset_places membership table is filled from every stored asset and commune. SQLite cannot drop
a foreign key, so its assets table is rebuilt: renamed aside, created anew, copied, dropped.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import Connection, inspect, select, text, update

from mobility.store import schema
from mobility.store.sql_places import outer_box, place_commune, place_of

Backend = Literal["sqlite", "postgis"]
_ASIDE = "assets_before_v3"
_ASSET_COLUMNS = (
    "layer, id, commune, lon, lat, properties, footprint, power_kw, kind, modes, updated_at"
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
