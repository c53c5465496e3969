# SPDX-License-Identifier: MIT
"""One store over SQLAlchemy Core, for an embedded SQLite file or a PostGIS database.

The two engines differ in three places only: how the schema is completed (PostGIS adds spatial
columns and indexes), how a bounding box is filtered (a GiST index in PostGIS, plain ranges on
lon/lat in SQLite) and how concurrent writers are serialised (SQLite's WAL and busy timeout,
PostgreSQL's row locks). Everything else is the same SQL, so the same tests run on both.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from shapely.geometry import shape
from sqlalchemy import (
    Boolean,
    Connection,
    Engine,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.sql.elements import ColumnElement

from mobility.assets import Asset, Layer
from mobility.errors import ConflictError, NotFoundError, StoreUnavailableError
from mobility.store import schema
from mobility.store.base import (
    ASSET_PAGE_SIZE,
    AssetPage,
    AssetQuery,
    CommuneFile,
    CommuneRecord,
    FileRole,
)
from mobility.store.rows import asset_from_row, aware, row_from_asset
from mobility.store.sql_plans import PlanTables

_POSTGIS_LOCK_KEY = 7_511_0  # advisory lock id serialising schema set-up across workers


class SqlStore(PlanTables):
    """The store, on SQLite (``sqlite:///path``) or PostGIS (``postgresql://...``)."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.backend: Literal["sqlite", "postgis"]
        if parsed.get_backend_name() == "sqlite":
            self.backend = "sqlite"
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self._engine = create_engine(parsed, connect_args={"timeout": 30})
            event.listen(self._engine, "connect", _configure_sqlite)
        elif parsed.get_backend_name() == "postgresql":
            self.backend = "postgis"
            self._engine = create_engine(
                parsed.set(drivername="postgresql+psycopg"), pool_pre_ping=True
            )
        else:
            raise ValueError(f"unsupported database URL scheme: {parsed.drivername}")
        self._create_schema()

    @property
    def engine(self) -> Engine:
        """Return the SQLAlchemy engine (for tests and maintenance scripts)."""
        return self._engine

    def close(self) -> None:
        """Release every pooled connection."""
        self._engine.dispose()

    # -- schema -----------------------------------------------------------------------------

    def _create_schema(self) -> None:
        try:
            with self._engine.begin() as conn:
                if self.backend == "postgis":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _POSTGIS_LOCK_KEY})
                schema.metadata.create_all(conn)
                if self.backend == "postgis":
                    for statement in schema.POSTGIS_DDL:
                        conn.execute(text(statement))
                version = conn.execute(
                    select(schema.store_meta.c.value).where(
                        schema.store_meta.c.key == "schema_version"
                    )
                ).scalar()
                if version is None:
                    conn.execute(
                        insert(schema.store_meta).values(
                            key="schema_version", value=str(schema.SCHEMA_VERSION)
                        )
                    )
                elif int(version) > schema.SCHEMA_VERSION:
                    raise StoreUnavailableError(
                        f"the database holds schema version {version}, newer than this "
                        f"program's {schema.SCHEMA_VERSION}: upgrade the program"
                    )
                elif int(version) < schema.SCHEMA_VERSION:
                    # every upgrade so far only adds tables, which create_all just made
                    conn.execute(
                        update(schema.store_meta)
                        .where(schema.store_meta.c.key == "schema_version")
                        .values(value=str(schema.SCHEMA_VERSION))
                    )
        except OperationalError as exc:
            raise StoreUnavailableError(f"cannot open the {self.backend} store") from exc

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        try:
            with self._engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise StoreUnavailableError("the database refused the operation") from exc

    # -- communes ---------------------------------------------------------------------------

    def list_communes(self) -> list[CommuneRecord]:
        """Return every commune, ordered by code."""
        with self._transaction() as conn:
            rows = conn.execute(select(schema.communes).order_by(schema.communes.c.code)).all()
        return [_commune_from_row(row._mapping) for row in rows]

    def get_commune(self, code: str) -> CommuneRecord:
        """Return one commune or raise NotFoundError."""
        with self._transaction() as conn:
            row = conn.execute(
                select(schema.communes).where(schema.communes.c.code == code)
            ).first()
        if row is None:
            raise NotFoundError(f"commune {code} is not loaded")
        return _commune_from_row(row._mapping)

    def has_commune(self, code: str) -> bool:
        """Tell whether a commune is stored."""
        with self._transaction() as conn:
            found = conn.execute(
                select(schema.communes.c.code).where(schema.communes.c.code == code)
            ).first()
        return found is not None

    def save_commune(
        self, record: CommuneRecord, files: Sequence[CommuneFile], *, replace: bool = False
    ) -> CommuneRecord:
        """Store a commune and its source files in one transaction.

        With ``replace`` the outline, facts and files are overwritten but the assets already
        placed in the commune are kept: re-importing streets must not lose a planner's edits.
        """
        now = datetime.now(UTC)
        west, south, east, north = shape(record.boundary).bounds
        values = {
            "name": record.name,
            "boundary": json.dumps(record.boundary),
            "west": west,
            "south": south,
            "east": east,
            "north": north,
            "info": json.dumps(record.info),
            "updated_at": now,
        }
        with self._transaction() as conn:
            exists = conn.execute(
                select(schema.communes.c.code).where(schema.communes.c.code == record.code)
            ).first()
            if exists and not replace:
                raise ConflictError(f"commune {record.code} is already loaded")
            if exists:
                conn.execute(
                    update(schema.communes)
                    .where(schema.communes.c.code == record.code)
                    .values(**values, revision=schema.communes.c.revision + 1)
                )
                conn.execute(
                    delete(schema.commune_files).where(
                        schema.commune_files.c.commune == record.code
                    )
                )
            else:
                conn.execute(
                    insert(schema.communes).values(
                        code=record.code, created_at=now, revision=0, **values
                    )
                )
            for file in files:
                conn.execute(
                    insert(schema.commune_files).values(
                        commune=record.code,
                        role=file.role,
                        filename=file.filename,
                        content_gz=gzip.compress(file.content, compresslevel=6),
                        metadata=json.dumps(file.metadata),
                    )
                )
            if self.backend == "postgis":
                conn.execute(
                    text(
                        "UPDATE communes SET geom = ST_SetSRID(ST_GeomFromGeoJSON(:g), 4326) "
                        "WHERE code = :code"
                    ),
                    {"g": values["boundary"], "code": record.code},
                )
        return self.get_commune(record.code)

    def delete_commune(self, code: str) -> None:
        """Remove a commune with its files and assets."""
        with self._transaction() as conn:
            conn.execute(delete(schema.assets).where(schema.assets.c.commune == code))
            conn.execute(delete(schema.scenarios).where(schema.scenarios.c.commune == code))
            conn.execute(
                delete(schema.commune_inputs).where(schema.commune_inputs.c.commune == code)
            )
            conn.execute(delete(schema.commune_files).where(schema.commune_files.c.commune == code))
            deleted = conn.execute(delete(schema.communes).where(schema.communes.c.code == code))
            if deleted.rowcount == 0:
                raise NotFoundError(f"commune {code} is not loaded")

    def get_commune_file(self, code: str, role: FileRole) -> CommuneFile | None:
        """Return a source file of a commune, decompressed, or None when the commune has none."""
        table = schema.commune_files
        with self._transaction() as conn:
            row = conn.execute(
                select(table).where(and_(table.c.commune == code, table.c.role == role))
            ).first()
        if row is None:
            return None
        mapping = row._mapping
        return CommuneFile(
            role=role,
            filename=mapping["filename"],
            content=gzip.decompress(mapping["content_gz"]),
            metadata=json.loads(mapping["metadata"]),
        )

    # -- assets -----------------------------------------------------------------------------

    def query_assets(self, query: AssetQuery) -> AssetPage:
        """Return one page of assets matching the query, in id order, with the total matched."""
        condition = self._asset_condition(query)
        table = schema.assets
        with self._transaction() as conn:
            matched = conn.execute(
                select(func.count()).select_from(table).where(condition)
            ).scalar()
            rows = conn.execute(
                select(table)
                .where(condition)
                .order_by(table.c.id)
                .limit(query.limit)
                .offset(query.offset)
            ).all()
        return AssetPage(
            assets=[asset_from_row(row._mapping) for row in rows], number_matched=int(matched or 0)
        )

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
            clauses.append(table.c.commune == query.commune)
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
        table = schema.assets
        with self._transaction() as conn:
            row = conn.execute(
                select(table).where(and_(table.c.layer == layer.value, table.c.id == asset_id))
            ).first()
        if row is None:
            raise NotFoundError(f"no feature {asset_id!r} in {layer.value}")
        return asset_from_row(row._mapping)

    def count_assets(self, layer: Layer, commune: str) -> int:
        """Count a commune's assets in one layer."""
        table = schema.assets
        with self._transaction() as conn:
            count = conn.execute(
                select(func.count())
                .select_from(table)
                .where(and_(table.c.layer == layer.value, table.c.commune == commune))
            ).scalar()
        return int(count or 0)

    def add_assets(self, assets: Sequence[Asset], *, upsert: bool = False) -> int:
        """Insert assets in one transaction; a taken id is a ConflictError unless ``upsert``."""
        if not assets:
            return 0
        table = schema.assets
        now = datetime.now(UTC)
        try:
            with self._transaction() as conn:
                if upsert:
                    for layer in {asset.layer for asset in assets}:
                        ids = [asset.id for asset in assets if asset.layer == layer]
                        for start in range(0, len(ids), 500):
                            conn.execute(
                                delete(table).where(
                                    and_(
                                        table.c.layer == layer.value,
                                        table.c.id.in_(ids[start : start + 500]),
                                    )
                                )
                            )
                # rows are serialised a batch at a time: a national file never exists twice
                for start in range(0, len(assets), 1000):
                    batch = [row_from_asset(asset, now) for asset in assets[start : start + 1000]]
                    conn.execute(insert(table), batch)
                self._bump_revisions(conn, {asset.commune for asset in assets})
        except IntegrityError as exc:
            raise ConflictError(
                "a feature with one of these ids already exists in the layer"
            ) from exc
        return len(assets)

    def replace_asset(self, asset: Asset) -> Asset:
        """Overwrite an existing asset and return it as stored."""
        table = schema.assets
        row = row_from_asset(asset, datetime.now(UTC))
        with self._transaction() as conn:
            previous = conn.execute(
                select(table.c.commune).where(
                    and_(table.c.layer == asset.layer.value, table.c.id == asset.id)
                )
            ).first()
            if previous is None:
                raise NotFoundError(f"no feature {asset.id!r} in {asset.layer.value}")
            conn.execute(
                update(table)
                .where(and_(table.c.layer == asset.layer.value, table.c.id == asset.id))
                .values(**{k: v for k, v in row.items() if k not in ("layer", "id")})
            )
            self._bump_revisions(conn, {asset.commune, previous[0]})
        return self.get_asset(asset.layer, asset.id)

    def delete_asset(self, layer: Layer, asset_id: str) -> None:
        """Remove an asset or raise NotFoundError."""
        table = schema.assets
        with self._transaction() as conn:
            previous = conn.execute(
                select(table.c.commune).where(
                    and_(table.c.layer == layer.value, table.c.id == asset_id)
                )
            ).first()
            if previous is None:
                raise NotFoundError(f"no feature {asset_id!r} in {layer.value}")
            conn.execute(
                delete(table).where(and_(table.c.layer == layer.value, table.c.id == asset_id))
            )
            self._bump_revisions(conn, {previous[0]})

    @staticmethod
    def _bump_revisions(conn: Connection, codes: set[str]) -> None:
        """Advance each touched commune's revision: caches keyed on it become stale."""
        conn.execute(
            update(schema.communes)
            .where(schema.communes.c.code.in_(sorted(codes)))
            .values(revision=schema.communes.c.revision + 1, updated_at=datetime.now(UTC))
        )


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _commune_from_row(row: Any) -> CommuneRecord:
    return CommuneRecord(
        code=row["code"],
        name=row["name"],
        boundary=json.loads(row["boundary"]),
        info=json.loads(row["info"]),
        revision=int(row["revision"]),
        created_at=aware(row["created_at"]),
        updated_at=aware(row["updated_at"]),
    )
