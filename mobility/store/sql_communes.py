# SPDX-License-Identifier: MIT
"""The store's communes table: outlines with their margin, source files, and what they see.

Saving a commune also recomputes which assets it sees (inside its boundary or its surroundings,
see :mod:`mobility.store.sql_places`), and deleting one removes the assets no other commune sees,
so that the membership table always says which commune sees what.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, insert, select, text, update

from mobility.assets import Asset
from mobility.errors import ConflictError, NotFoundError
from mobility.store import schema
from mobility.store.base import CommuneFile, CommuneRecord, FileRole
from mobility.store.rows import aware
from mobility.store.sql_engine import SqlConnections
from mobility.store.sql_places import (
    bump_revisions,
    delete_asset_rows,
    drop_unseen_assets,
    insert_asset_rows,
    keys_seen_by,
    outer_box,
    place_commune,
    place_of,
)
from mobility.store.sql_prepared import drop_prepared

COMMUNE_SAVE_LOCK_KEY = 7_511_1
"""Advisory lock id serialising commune saves on PostGIS (the schema set-up holds 7_511_0)."""


class CommuneTables(SqlConnections):
    """Communes and their files; SqlStore adds the assets, PlanTables the inputs and scenarios."""

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
        self,
        record: CommuneRecord,
        files: Sequence[CommuneFile],
        *,
        replace: bool = False,
        assets: Sequence[Asset] = (),
    ) -> CommuneRecord:
        """Store a commune and its source files, and upsert ``assets``, in one transaction.

        With ``replace`` the outline, margin, facts and files are overwritten but the assets are
        kept: re-importing streets must not lose a planner's edits. Which assets the commune sees
        is computed again from its outline and margin; an asset that no commune sees any more
        (the outline shrank away from it) is deleted, as nothing could read it. ``assets`` (an
        import's) are written last, replacing stored ones of the same id; one that no commune
        sees refuses the whole save (InvalidInputError), so a commune never lands without them.
        """
        now = datetime.now(UTC)
        boundary_json = json.dumps(record.boundary)
        place = place_of(boundary_json, record.margin_m)
        west, south, east, north = place.bbox_of_commune
        values = {
            "name": record.name,
            "boundary": boundary_json,
            "west": west,
            "south": south,
            "east": east,
            "north": north,
            "margin_m": place.margin_m,
            **outer_box(place),
            "info": json.dumps(record.info),
            "updated_at": now,
        }
        with self._write_transaction() as conn:
            if self.backend == "postgis":
                # neighbours share the assets of their surroundings: two saves at once would
                # insert the same new asset twice; one at a time, as SQLite's single writer does
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": COMMUNE_SAVE_LOCK_KEY})
            exists = conn.execute(
                select(schema.communes.c.code).where(schema.communes.c.code == record.code)
            ).first()
            if exists and not replace:
                raise ConflictError(f"commune {record.code} is already loaded")
            seen_before: list[tuple[str, str]] = []
            if exists:
                seen_before = keys_seen_by(conn, record.code)
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
                drop_prepared(conn, record.code)
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
            place_commune(conn, record.code, place)
            drop_unseen_assets(conn, seen_before)
            if assets:
                touched = delete_asset_rows(conn, [(a.layer.value, a.id) for a in assets])
                touched |= insert_asset_rows(conn, assets, now)
                bump_revisions(conn, touched)
        return self.get_commune(record.code)

    def delete_commune(self, code: str) -> None:
        """Remove a commune with its files, inputs, scenarios and the assets no other sees.

        An asset another commune still sees (inside its boundary or its surroundings) stays:
        removing Paris must not empty its arrondissements.
        """
        with self._write_transaction() as conn:
            seen = keys_seen_by(conn, code)
            conn.execute(delete(schema.asset_places).where(schema.asset_places.c.commune == code))
            conn.execute(delete(schema.scenarios).where(schema.scenarios.c.commune == code))
            conn.execute(
                delete(schema.commune_inputs).where(schema.commune_inputs.c.commune == code)
            )
            conn.execute(delete(schema.commune_files).where(schema.commune_files.c.commune == code))
            drop_prepared(conn, code)
            deleted = conn.execute(delete(schema.communes).where(schema.communes.c.code == code))
            if deleted.rowcount == 0:
                raise NotFoundError(f"commune {code} is not loaded")
            drop_unseen_assets(conn, seen)

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


def _commune_from_row(row: Any) -> CommuneRecord:
    return CommuneRecord(
        code=row["code"],
        name=row["name"],
        boundary=json.loads(row["boundary"]),
        info=json.loads(row["info"]),
        revision=int(row["revision"]),
        created_at=aware(row["created_at"]),
        updated_at=aware(row["updated_at"]),
        margin_m=None if row["margin_m"] is None else float(row["margin_m"]),
    )
