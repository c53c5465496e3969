# SPDX-License-Identifier: MIT
"""How an asset and a time become table rows and back, shared by every table that holds assets."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, Select

from mobility.assets import Asset, Layer, filter_columns, parse_attributes
from mobility.store.base import AssetJson

LAYERS: dict[str, Layer] = {layer.value: layer for layer in Layer}
"""Each layer by its stored name: a dictionary read, where ``Layer(name)`` goes through the enum's
machinery for every row of a page."""


def aware(moment: datetime | str) -> datetime:
    """Return the time as UTC-aware: SQLite returns naive datetimes, every stored time is UTC.

    A read straight from the SQLite driver gives the stored text (``2026-12-06 10:00:00.000000``).
    """
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def first_revision() -> int:
    """Return the revision a new record starts at: the time of its creation in microseconds.

    Every write then adds one. Starting from the clock rather than from 0 means a record deleted
    and created again under the same id never shows a revision (an ETag) of its previous life, so
    a client holding the old one cannot overwrite the new record by mistake.
    """
    return time.time_ns() // 1000


def row_from_asset(asset: Asset, now: datetime) -> dict[str, Any]:
    """Return the assets-table row of an asset, its filter columns filled."""
    return {
        "layer": asset.layer.value,
        "id": asset.id,
        "commune": asset.commune,
        "lon": asset.lon,
        "lat": asset.lat,
        "properties": json.dumps(asset.properties(), ensure_ascii=False),
        "footprint": json.dumps(asset.footprint) if asset.footprint else None,
        "updated_at": now,
        **filter_columns(asset.layer, asset.attributes),
    }


def asset_from_row(row: Any) -> Asset:
    """Return the asset an assets-table row holds, its attributes validated again."""
    layer = Layer(row["layer"])
    return Asset(
        layer=layer,
        id=row["id"],
        commune=row["commune"],
        lon=float(row["lon"]),
        lat=float(row["lat"]),
        attributes=parse_attributes(layer, json.loads(row["properties"])),
        footprint=json.loads(row["footprint"]) if row["footprint"] else None,
        updated_at=aware(row["updated_at"]),
        revision=int(row["revision"]),
    )


def asset_json_from_row(row: Any) -> AssetJson:
    """Return an assets-table row as stored text, nothing parsed or validated."""
    return AssetJson(
        layer=LAYERS[row["layer"]],
        id=row["id"],
        commune=row["commune"],
        lon=float(row["lon"]),
        lat=float(row["lat"]),
        properties_json=row["properties"],
        footprint_json=row["footprint"],
        updated_at=aware(row["updated_at"]),
        revision=int(row["revision"]),
    )


def locked_row(conn: Connection, statement: Select[Any]) -> Row[Any] | None:
    """Return the one row a write is about to change, locked until the transaction ends.

    PostgreSQL locks it (``FOR UPDATE``): a concurrent writer of the same row waits for this
    transaction. SQLite has no row locks and ignores the clause; its writers hold the database's
    write lock from their ``BEGIN IMMEDIATE``.
    """
    return conn.execute(statement.with_for_update()).first()
