# SPDX-License-Identifier: MIT
"""Which stored communes see which assets: the asset_places table, kept in step with every write.

An asset is stored once. A commune sees it when it stands inside the commune's boundary or its
surroundings (the rule is :mod:`mobility.places`, the same the analyses use); one row per commune
that sees it says so, with ``in_commune`` telling the boundary from the margin. The rows are
computed when an asset is written (against the communes whose surroundings box holds it) and when
a commune is saved (for every asset in its surroundings box), so reading a commune's assets is a
plain join, paged exactly on SQLite and PostGIS alike.

Every function here runs inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import TypeVar

import numpy as np
from sqlalchemy import Connection, and_, delete, exists, insert, or_, select, update

from mobility.assets import Asset
from mobility.errors import FieldProblem, InvalidInputError, PreconditionFailedError
from mobility.places import Place
from mobility.store import schema
from mobility.store.rows import row_from_asset

_BATCH = 500
"""Keys per IN list and rows per insert: well under every engine's parameter limit."""

AssetKey = tuple[str, str]
"""(layer, id)"""
T = TypeVar("T")


@lru_cache(maxsize=64)
def place_of(boundary_json: str, margin_m: float | None) -> Place:
    """Return the prepared place of a stored outline (cached: a commune is reused many times)."""
    return Place(json.loads(boundary_json), margin_m)


def outer_box(place: Place) -> dict[str, float]:
    """Return the communes-table columns of a place's surroundings box."""
    west, south, east, north = place.bbox_of_surroundings
    return {"outer_west": west, "outer_south": south, "outer_east": east, "outer_north": north}


def seers_of(conn: Connection, keys: Iterable[AssetKey]) -> set[str]:
    """Return the codes of the communes that see any of these assets now."""
    table = schema.asset_places
    found: set[str] = set()
    for layer, batch in _by_layer(keys):
        rows = conn.execute(
            select(table.c.commune)
            .where(and_(table.c.layer == layer, table.c.id.in_(batch)))
            .distinct()
        ).scalars()
        found.update(rows)
    return found


def place_assets(conn: Connection, assets: Sequence[Asset]) -> set[str]:
    """Record which communes see each asset (rows written fresh); return those communes' codes.

    An asset that no stored commune sees, not even by its surroundings, is refused: nothing could
    ever read it by commune, and deleting communes would never clean it up.
    """
    if not assets:
        return set()
    lons = np.fromiter((asset.lon for asset in assets), dtype=float, count=len(assets))
    lats = np.fromiter((asset.lat for asset in assets), dtype=float, count=len(assets))
    seen = np.zeros(len(assets), dtype=bool)
    rows: list[dict[str, object]] = []
    codes: set[str] = set()
    communes = schema.communes
    around = conn.execute(
        select(communes.c.code, communes.c.boundary, communes.c.margin_m).where(
            and_(
                communes.c.outer_west <= float(lons.max()),
                communes.c.outer_east >= float(lons.min()),
                communes.c.outer_south <= float(lats.max()),
                communes.c.outer_north >= float(lats.min()),
            )
        )
    ).all()
    for code, boundary_json, margin_m in around:
        place = place_of(boundary_json, margin_m)
        in_surroundings = place.inside_surroundings(lons, lats)
        if not in_surroundings.any():
            continue
        in_commune = place.inside_commune(lons, lats)
        codes.add(code)
        seen |= in_surroundings
        for index in np.flatnonzero(in_surroundings):
            asset = assets[int(index)]
            rows.append(
                {
                    "commune": code,
                    "layer": asset.layer.value,
                    "id": asset.id,
                    "in_commune": bool(in_commune[index]),
                }
            )
    if not seen.all():
        unseen = [assets[int(i)] for i in np.flatnonzero(~seen)]
        raise InvalidInputError(
            f"{len(unseen)} asset(s) stand outside every loaded commune and its surroundings",
            problems=[
                FieldProblem(
                    "geometry",
                    f"{asset.layer.value} {asset.id!r} at ({asset.lon}, {asset.lat}) lies "
                    "outside every loaded commune and its surroundings",
                )
                for asset in unseen[:20]
            ],
        )
    for start in range(0, len(rows), _BATCH):
        conn.execute(insert(schema.asset_places), rows[start : start + _BATCH])
    return codes


def forget_assets(conn: Connection, keys: Iterable[AssetKey]) -> None:
    """Remove the membership rows of these assets (before they are rewritten or deleted)."""
    table = schema.asset_places
    for layer, batch in _by_layer(keys):
        conn.execute(delete(table).where(and_(table.c.layer == layer, table.c.id.in_(batch))))


def place_commune(conn: Connection, code: str, place: Place) -> None:
    """Recompute which assets a (new or reshaped) commune sees, from every asset in its box."""
    conn.execute(delete(schema.asset_places).where(schema.asset_places.c.commune == code))
    west, south, east, north = place.bbox_of_surroundings
    assets = schema.assets
    candidates = conn.execute(
        select(assets.c.layer, assets.c.id, assets.c.lon, assets.c.lat).where(
            and_(
                assets.c.lon >= west,
                assets.c.lon <= east,
                assets.c.lat >= south,
                assets.c.lat <= north,
            )
        )
    ).all()
    if not candidates:
        return
    lons = np.array([row.lon for row in candidates], dtype=float)
    lats = np.array([row.lat for row in candidates], dtype=float)
    in_surroundings = place.inside_surroundings(lons, lats)
    in_commune = place.inside_commune(lons, lats)
    rows = [
        {
            "commune": code,
            "layer": candidates[i].layer,
            "id": candidates[i].id,
            "in_commune": bool(in_commune[i]),
        }
        for i in map(int, np.flatnonzero(in_surroundings))
    ]
    for start in range(0, len(rows), _BATCH):
        conn.execute(insert(schema.asset_places), rows[start : start + _BATCH])


def drop_unseen_assets(conn: Connection, keys: Iterable[AssetKey]) -> int:
    """Delete, among these assets, those no commune sees any more; return how many went."""
    assets = schema.assets
    places = schema.asset_places
    unseen = ~exists().where(and_(places.c.layer == assets.c.layer, places.c.id == assets.c.id))
    dropped = 0
    for layer, batch in _by_layer(keys):
        result = conn.execute(
            delete(assets).where(and_(assets.c.layer == layer, assets.c.id.in_(batch), unseen))
        )
        dropped += result.rowcount
    return dropped


def keys_seen_by(conn: Connection, code: str) -> list[AssetKey]:
    """Return the (layer, id) of every asset a commune sees."""
    table = schema.asset_places
    rows = conn.execute(select(table.c.layer, table.c.id).where(table.c.commune == code)).all()
    return [(row.layer, row.id) for row in rows]


def bump_revisions(conn: Connection, codes: Iterable[str]) -> None:
    """Advance each commune's revision: caches keyed on it (engines, analyses) become stale."""
    wanted = sorted(set(codes))
    if not wanted:
        return
    conn.execute(
        update(schema.communes)
        .where(or_(*(schema.communes.c.code.in_(b) for b in _batches(wanted))))
        .values(revision=schema.communes.c.revision + 1, updated_at=datetime.now(UTC))
    )


def _by_layer(keys: Iterable[AssetKey]) -> Iterable[tuple[str, list[str]]]:
    """Yield (layer, ids) batches: ``layer = ? AND id IN (...)`` walks the primary key."""
    ids_of: dict[str, set[str]] = {}
    for layer, asset_id in keys:
        ids_of.setdefault(layer, set()).add(asset_id)
    for layer in sorted(ids_of):
        for batch in _batches(sorted(ids_of[layer])):
            yield layer, batch


def _batches(items: Sequence[T]) -> Iterable[list[T]]:
    for start in range(0, len(items), _BATCH):
        yield list(items[start : start + _BATCH])


def insert_asset_rows(conn: Connection, assets: Sequence[Asset], now: datetime) -> set[str]:
    """Insert assets and their memberships; return the codes of the communes that see them."""
    # rows are serialised a batch at a time: a national file never exists twice in memory
    for start in range(0, len(assets), 1000):
        batch = [row_from_asset(asset, now) for asset in assets[start : start + 1000]]
        conn.execute(insert(schema.assets), batch)
    return place_assets(conn, assets)


def update_asset_row(
    conn: Connection, asset: Asset, now: datetime, *, revision: int | None = None
) -> set[str]:
    """Overwrite a stored asset in place; return the communes that saw it or see it now.

    The row moves to its next revision. With ``revision`` the ``UPDATE`` lands only on a row
    still at that revision (compare-and-swap), else PreconditionFailedError and nothing changes.
    """
    table = schema.assets
    key = (asset.layer.value, asset.id)
    touched = seers_of(conn, [key])
    row = row_from_asset(asset, now)
    where = and_(table.c.layer == key[0], table.c.id == key[1])
    if revision is not None:
        where = and_(where, table.c.revision == revision)
    swapped = conn.execute(
        update(table)
        .where(where)
        .values(
            **{k: v for k, v in row.items() if k not in ("layer", "id")},
            revision=table.c.revision + 1,
        )
    )
    if revision is not None and swapped.rowcount != 1:
        raise PreconditionFailedError(
            f"feature {asset.id!r} of {asset.layer.value} changed while it was being written"
        )
    forget_assets(conn, [key])
    return touched | place_assets(conn, [asset])


def delete_asset_rows(conn: Connection, keys: Sequence[AssetKey]) -> set[str]:
    """Delete assets with their memberships; return the communes that saw them."""
    touched = seers_of(conn, keys)
    forget_assets(conn, keys)
    table = schema.assets
    for layer, batch in _by_layer(keys):
        conn.execute(delete(table).where(and_(table.c.layer == layer, table.c.id.in_(batch))))
    return touched
