# SPDX-License-Identifier: MIT
"""One store over SQLAlchemy Core, for an embedded SQLite file or a PostGIS database.

The two engines differ in three places only: how the schema is completed (PostGIS adds spatial
columns and indexes), how a bounding box is filtered (a GiST index in PostGIS, plain ranges on
lon/lat in SQLite) and how concurrent writers are serialised (SQLite's WAL and busy timeout,
PostgreSQL's row locks). Everything else is the same SQL, so the same tests run on both.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, and_, bindparam, func, literal_column, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from mobility.assets import Asset, Layer
from mobility.errors import ConflictError, NotFoundError
from mobility.store import schema
from mobility.store.base import (
    ASSET_PAGE_SIZE,
    AssetJson,
    AssetJsonPage,
    AssetPage,
    AssetQuery,
    Precondition,
    check_precondition,
)
from mobility.store.data_version import VERSION_READ
from mobility.store.rows import asset_from_row, asset_json_from_row, locked_row
from mobility.store.sql_batches import BatchTables
from mobility.store.sql_communes import CommuneTables
from mobility.store.sql_keys import KeyTables
from mobility.store.sql_pages import MATCHED, page_params, page_shape, page_statement
from mobility.store.sql_places import (
    bump_revisions,
    delete_asset_rows,
    insert_asset_rows,
    update_asset_row,
)
from mobility.store.sql_plans import PlanTables
from mobility.store.sql_prepared import PreparedTables
from mobility.store.sql_views import LayerViews

ASSET_BY_ID = select(schema.assets).where(
    schema.assets.c.layer == bindparam("layer"), schema.assets.c.id == bindparam("asset_id")
)
"""The read of one asset, the most frequent of all: run on the driver (``_driver_rows``)."""


class SqlStore(CommuneTables, PlanTables, LayerViews, PreparedTables, KeyTables, BatchTables):
    """The store, on SQLite (``sqlite:///path``) or PostGIS (``postgresql://...``)."""

    # -- assets -----------------------------------------------------------------------------

    def query_assets(self, query: AssetQuery) -> AssetPage:
        """Return one page of assets matching the query, in id order, with the total matched."""
        rows, matched = self._page_rows(query)
        return AssetPage(assets=[asset_from_row(row) for row in rows], number_matched=matched)

    def query_asset_json(self, query: AssetQuery) -> AssetJsonPage:
        """Return one page as stored text (see AssetJson), in id order, with the total matched."""
        rows, matched = self._page_rows(query)
        assets = [asset_json_from_row(row) for row in rows]
        return AssetJsonPage(assets=assets, number_matched=matched)

    def data_version(self) -> int:
        """Return the number every committed change of what pages and analyses read raises."""
        return int(self._driver_rows(VERSION_READ, {})[0]["version"])

    def _page_rows(self, query: AssetQuery) -> tuple[list[Any], int]:
        """Return a page's rows (as mappings) and the number matched, read in one snapshot.

        One statement: each row carries the count of all matching rows (a window function),
        so a page costs one round trip, on the driver where its shape allows
        (:mod:`~mobility.store.sql_pages`). An empty page (past the end, or nothing matching)
        and a query no kept statement serves are read by :meth:`_built_page_rows`.
        """
        shape = page_shape(query, self.backend)
        if shape is not None:
            found = self._driver_rows(page_statement(shape), page_params(query))
            if found:
                return found, int(found[0][MATCHED])
        return self._built_page_rows(query)

    def _built_page_rows(self, query: AssetQuery) -> tuple[list[Any], int]:
        """Read a page by a statement SQLAlchemy builds for the query (the general way).

        Only an empty page asks for the count apart, both statements in one transaction.
        """
        condition = self._asset_condition(query)
        table = schema.assets
        with self._transaction() as conn:
            rows = conn.execute(
                select(table, func.count().over().label(MATCHED))
                .where(condition)
                .order_by(table.c.id)
                .limit(query.limit)
                .offset(query.offset)
            ).all()
            if rows:
                return [row._mapping for row in rows], int(rows[0]._mapping[MATCHED])
            matched = conn.execute(
                select(func.count()).select_from(table).where(condition)
            ).scalar()
        return [], int(matched or 0)

    def iter_assets(
        self, query: AssetQuery, *, page_size: int = ASSET_PAGE_SIZE
    ) -> Iterator[Asset]:
        """Yield every asset matching the query's filters, in id order, ``page_size`` per read.

        The query's ``limit`` and ``offset`` are not used: the stream is the whole match. Each page
        starts after the last id read rather than at an offset, so the last page costs what the
        first did, and an asset written or removed meanwhile never makes another one repeat or go
        missing. No connection is held between pages.
        """
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        return self._pages_after(self._asset_condition(query), page_size)

    def _pages_after(self, condition: ColumnElement[bool], page_size: int) -> Iterator[Asset]:
        table = schema.assets
        last_id: str | None = None
        while True:
            where = condition if last_id is None else and_(condition, table.c.id > last_id)
            with self._transaction() as conn:
                rows = conn.execute(
                    select(table).where(where).order_by(table.c.id).limit(page_size)
                ).all()
            assets = [asset_from_row(row._mapping) for row in rows]
            yield from assets
            if len(assets) < page_size:
                return
            last_id = assets[-1].id

    def _asset_condition(self, query: AssetQuery) -> ColumnElement[bool]:
        table = schema.assets
        clauses: list[ColumnElement[bool]] = [table.c.layer == query.layer.value]
        if query.commune is not None:
            # the ids the commune sees, read from the membership's primary key (commune, layer, id)
            places = schema.asset_places
            membership = [places.c.commune == query.commune, places.c.layer == query.layer.value]
            if not query.surroundings:
                membership.append(places.c.in_commune.is_(True))
            clauses.append(table.c.id.in_(select(places.c.id).where(and_(*membership))))
        if query.bbox is not None:
            west, south, east, north = query.bbox
            if self.backend == "postgis":
                envelope = func.ST_MakeEnvelope(west, south, east, north, 4326)
                clauses.append(literal_column("geom").op("&&", return_type=Boolean)(envelope))
            else:
                clauses.extend(
                    [
                        table.c.lon >= west,
                        table.c.lon <= east,
                        table.c.lat >= south,
                        table.c.lat <= north,
                    ]
                )
        if query.min_power_kw is not None:
            clauses.append(table.c.power_kw >= query.min_power_kw)
        if query.max_power_kw is not None:
            clauses.append(table.c.power_kw <= query.max_power_kw)
        if query.kind is not None:
            clauses.append(table.c.kind == query.kind)
        if query.mode is not None:
            clauses.append(table.c.modes.contains(f"|{query.mode}|", autoescape=True))
        return and_(*clauses)

    def get_asset(self, layer: Layer, asset_id: str) -> Asset:
        """Return one asset or raise NotFoundError."""
        return asset_from_row(self._asset_row(layer, asset_id))

    def get_asset_json(self, layer: Layer, asset_id: str) -> AssetJson:
        """Return one asset as stored text (see AssetJson), or raise NotFoundError."""
        return asset_json_from_row(self._asset_row(layer, asset_id))

    def _asset_row(self, layer: Layer, asset_id: str) -> Any:
        rows = self._driver_rows(ASSET_BY_ID, {"layer": layer.value, "asset_id": asset_id})
        if not rows:
            raise NotFoundError(f"no feature {asset_id!r} in {layer.value}")
        return rows[0]

    def count_assets(self, layer: Layer, commune: str) -> int:
        """Count the assets of one layer standing inside a commune's boundary."""
        places = schema.asset_places
        with self._transaction() as conn:
            count = conn.execute(
                select(func.count())
                .select_from(places)
                .where(
                    and_(
                        places.c.commune == commune,
                        places.c.layer == layer.value,
                        places.c.in_commune.is_(True),
                    )
                )
            ).scalar()
        return int(count or 0)

    def existing_assets(self, layer: Layer, ids: Sequence[str]) -> dict[str, Asset]:
        """Return the stored assets of one layer among ``ids``, by id (absent ids left out)."""
        table = schema.assets
        wanted = sorted(set(ids))
        found: dict[str, Asset] = {}
        with self._transaction() as conn:
            for start in range(0, len(wanted), 500):
                rows = conn.execute(
                    select(table).where(
                        and_(
                            table.c.layer == layer.value,
                            table.c.id.in_(wanted[start : start + 500]),
                        )
                    )
                ).all()
                for row in rows:
                    asset = asset_from_row(row._mapping)
                    found[asset.id] = asset
        return found

    def add_assets(self, assets: Sequence[Asset], *, upsert: bool = False) -> int:
        """Insert assets in one transaction; a taken id is a ConflictError unless ``upsert``.

        Every asset must stand inside a stored commune or its surroundings; the revision of every
        commune that saw a replaced asset or sees a written one advances.
        """
        if not assets:
            return 0
        try:
            with self._write_transaction() as conn:
                touched: set[str] = set()
                if upsert:
                    keys = [(asset.layer.value, asset.id) for asset in assets]
                    touched = delete_asset_rows(conn, keys)
                touched |= insert_asset_rows(conn, assets, datetime.now(UTC))
                bump_revisions(conn, touched)
        except IntegrityError as exc:
            raise ConflictError(
                "a feature with one of these ids already exists in the layer"
            ) from exc
        return len(assets)

    def replace_asset(self, asset: Asset, *, if_match: Precondition | None = None) -> Asset:
        """Overwrite an existing asset and return it as stored, at its next revision.

        One transaction reads the stored revision under a lock, checks ``if_match`` and writes
        with the revision it read in the ``UPDATE``'s ``WHERE`` (compare-and-swap): a write that
        would land on a record changed meanwhile changes nothing and raises
        PreconditionFailedError.
        """
        table = schema.assets
        key = and_(table.c.layer == asset.layer.value, table.c.id == asset.id)
        with self._write_transaction() as conn:
            previous = locked_row(conn, select(table.c.revision).where(key))
            if previous is None:
                raise NotFoundError(f"no feature {asset.id!r} in {asset.layer.value}")
            what = f"feature {asset.id!r} of {asset.layer.value}"
            check_precondition(if_match, int(previous.revision), what)
            now = datetime.now(UTC)
            bump_revisions(conn, update_asset_row(conn, asset, now, revision=previous.revision))
            stored = conn.execute(select(table).where(key)).one()
        return asset_from_row(stored._mapping)

    def delete_asset(
        self, layer: Layer, asset_id: str, *, if_match: Precondition | None = None
    ) -> None:
        """Remove an asset or raise NotFoundError; every commune that saw it moves on.

        Under ``if_match`` the revision is checked on the row read under a lock, in the same
        transaction as the delete.
        """
        table = schema.assets
        key = and_(table.c.layer == layer.value, table.c.id == asset_id)
        with self._write_transaction() as conn:
            previous = locked_row(conn, select(table.c.revision).where(key))
            if previous is None:
                raise NotFoundError(f"no feature {asset_id!r} in {layer.value}")
            what = f"feature {asset_id!r} of {layer.value}"
            check_precondition(if_match, int(previous.revision), what)
            bump_revisions(conn, delete_asset_rows(conn, [(layer.value, asset_id)]))
