# SPDX-License-Identifier: MIT
"""The store's planning tables: what a commune supplies (inputs) and its what-if scenarios.

Kept apart from the asset tables' code because their life is different: inputs are small JSON
documents replaced whole, and a scenario never touches the base assets until it is promoted, which
happens in one transaction that re-checks every change against the base as it is then.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from mobility.assets import (
    Asset,
    Layer,
    PlannedChargingPoint,
    natural_id_problem,
    parse_planned_attributes,
)
from mobility.errors import (
    ConflictError,
    FieldProblem,
    InvalidInputError,
    NotFoundError,
    PreconditionFailedError,
    PreconditionRequiredError,
)
from mobility.plans import AssetChange, Scenario
from mobility.store import schema
from mobility.store.base import CommuneInput, Precondition, check_precondition
from mobility.store.rows import aware, locked_row
from mobility.store.sql_engine import SqlConnections
from mobility.store.sql_places import (
    bump_revisions,
    delete_asset_rows,
    insert_asset_rows,
    update_asset_row,
)


class PlanTables(SqlConnections):
    """Inputs and scenarios; SqlStore adds the assets, CommuneTables the communes."""

    # -- inputs -----------------------------------------------------------------------------

    def get_commune_input(self, code: str, key: str) -> CommuneInput | None:
        """Return what the commune supplied under ``key``, or None."""
        table = schema.commune_inputs
        with self._transaction() as conn:
            _require_commune(conn, code)
            row = conn.execute(
                select(table).where(and_(table.c.commune == code, table.c.key == key))
            ).first()
        if row is None:
            return None
        return _input_from_row(row._mapping)

    def put_commune_input(
        self,
        code: str,
        key: str,
        value: dict[str, Any],
        *,
        if_match: Precondition | None = None,
        create_only: bool = False,
    ) -> CommuneInput:
        """Store (or replace) what the commune supplies under ``key``, in one transaction.

        A replacement checks ``if_match`` against the stored revision and writes with that
        revision in its ``WHERE``; ``create_only`` refuses to replace anything (the caller did
        not say which revision it means to replace).
        """
        for attempt in (1, 2):
            try:
                with self._write_transaction() as conn:
                    return _put_input(conn, code, key, value, if_match, create_only=create_only)
            except IntegrityError as exc:
                # PostgreSQL: another request created them between this one's read and insert
                if create_only or attempt == 2:
                    raise PreconditionRequiredError(
                        f"the {key} inputs of commune {code} were stored meanwhile by another "
                        "request: read them, then send If-Match with their ETag to replace them"
                    ) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def delete_commune_input(
        self, code: str, key: str, *, if_match: Precondition | None = None
    ) -> None:
        """Forget what the commune supplied under ``key`` (NotFoundError when nothing is)."""
        table = schema.commune_inputs
        key_of = and_(table.c.commune == code, table.c.key == key)
        with self._write_transaction() as conn:
            _require_commune(conn, code)
            previous = locked_row(conn, select(table.c.revision).where(key_of))
            if previous is None:
                raise NotFoundError(f"commune {code} has no {key} inputs")
            check_precondition(
                if_match, int(previous.revision), f"the {key} inputs of commune {code}"
            )
            conn.execute(delete(table).where(key_of, table.c.revision == previous.revision))

    # -- scenarios --------------------------------------------------------------------------

    def list_scenarios(self, commune: str | None = None) -> list[Scenario]:
        """Return the scenarios, of one commune or all, newest first."""
        table = schema.scenarios
        statement = select(table).order_by(table.c.created_at.desc(), table.c.id)
        if commune is not None:
            statement = statement.where(table.c.commune == commune)
        with self._transaction() as conn:
            rows = conn.execute(statement).all()
        return [_scenario_from_row(row._mapping) for row in rows]

    def get_scenario(self, scenario_id: str) -> Scenario:
        """Return one scenario or raise NotFoundError."""
        with self._transaction() as conn:
            return _read_scenario(conn, scenario_id)

    def create_scenario(
        self,
        commune: str,
        name: str,
        changes: Sequence[AssetChange],
        *,
        description: str | None = None,
    ) -> Scenario:
        """Store a new scenario over the commune's base as it is now."""
        now = datetime.now(UTC)
        scenario_id = uuid.uuid4().hex[:16]
        with self._write_transaction() as conn:
            revision = _require_commune(conn, commune)
            conn.execute(
                insert(schema.scenarios).values(
                    id=scenario_id,
                    commune=commune,
                    name=name,
                    description=description,
                    changes=_dump_changes(changes),
                    base_revision=revision,
                    revision=0,
                    created_at=now,
                    updated_at=now,
                )
            )
            return _read_scenario(conn, scenario_id)

    def update_scenario(
        self,
        scenario_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        clear_description: bool = False,
        changes: Sequence[AssetChange] | None = None,
        if_match: Precondition | None = None,
    ) -> Scenario:
        """Rename, describe or replace the changes of a scenario not yet promoted.

        The scenario is read under a lock, checked against ``if_match`` and written with the
        revision read in the ``UPDATE``'s ``WHERE``, all in one transaction.
        """
        table = schema.scenarios
        with self._write_transaction() as conn:
            current = _read_scenario(conn, scenario_id, lock=True)
            check_precondition(if_match, current.revision, f"scenario {scenario_id}")
            if current.promoted_at is not None and changes is not None:
                raise ConflictError(f"scenario {scenario_id} was promoted: its changes are frozen")
            values: dict[str, Any] = {
                "updated_at": datetime.now(UTC),
                "revision": table.c.revision + 1,
            }
            if name is not None:
                values["name"] = name
            if description is not None or clear_description:
                values["description"] = description
            if changes is not None:
                values["changes"] = _dump_changes(changes)
            swapped = conn.execute(
                update(table)
                .where(table.c.id == scenario_id, table.c.revision == current.revision)
                .values(**values)
            )
            if swapped.rowcount != 1:
                raise PreconditionFailedError(f"scenario {scenario_id} changed while written")
            return _read_scenario(conn, scenario_id)

    def delete_scenario(self, scenario_id: str, *, if_match: Precondition | None = None) -> None:
        """Remove a scenario (the base data is untouched)."""
        table = schema.scenarios
        with self._write_transaction() as conn:
            current = _read_scenario(conn, scenario_id, lock=True)
            check_precondition(if_match, current.revision, f"scenario {scenario_id}")
            conn.execute(
                delete(table).where(table.c.id == scenario_id, table.c.revision == current.revision)
            )

    def promote_scenario(self, scenario_id: str) -> Scenario:
        """Write a scenario's changes into the base data, all of them or none.

        Every change is checked again against the base as it is now (another user may have added
        or removed an asset since), and a planned charging point must have become a complete IRVE
        record: the base data only holds assets that can be published as they are.
        """
        with self._write_transaction() as conn:
            scenario = _read_scenario(conn, scenario_id, lock=True)
            if scenario.promoted_at is not None:
                raise ConflictError(f"scenario {scenario_id} was already promoted")
            _check_promotable(conn, scenario)
            now = datetime.now(UTC)
            touched = {scenario.commune}
            for change in scenario.changes:
                key = (change.layer.value, change.asset_id)
                if change.action == "remove":
                    touched |= delete_asset_rows(conn, [key])
                elif change.action == "change" and change.asset is not None:
                    touched |= update_asset_row(conn, change.asset, now)
                elif change.asset is not None:
                    touched |= insert_asset_rows(conn, [change.asset], now)
            bump_revisions(conn, touched)
            conn.execute(
                update(schema.scenarios)
                .where(schema.scenarios.c.id == scenario_id)
                .values(promoted_at=now, updated_at=now, revision=schema.scenarios.c.revision + 1)
            )
            return _read_scenario(conn, scenario_id)


def _put_input(
    conn: Connection,
    code: str,
    key: str,
    value: dict[str, Any],
    if_match: Precondition | None,
    *,
    create_only: bool,
) -> CommuneInput:
    """Insert or compare-and-swap one commune input inside the caller's write transaction."""
    table = schema.commune_inputs
    now = datetime.now(UTC)
    key_of = and_(table.c.commune == code, table.c.key == key)
    what = f"the {key} inputs of commune {code}"
    dumped = json.dumps(value, ensure_ascii=False)
    _require_commune(conn, code)
    previous = locked_row(conn, select(table.c.revision).where(key_of))
    if previous is None and if_match is not None:
        raise PreconditionFailedError(f"{what} are not stored: nothing matches If-Match")
    if previous is None:
        conn.execute(insert(table).values(commune=code, key=key, value=dumped, updated_at=now))
    elif create_only:
        raise PreconditionRequiredError(
            f"{what} are already stored: send If-Match with their ETag to replace "
            "them, so that figures someone else supplied meanwhile are not lost"
        )
    else:
        check_precondition(if_match, int(previous.revision), what)
        swapped = conn.execute(
            update(table)
            .where(key_of, table.c.revision == previous.revision)
            .values(value=dumped, updated_at=now, revision=table.c.revision + 1)
        )
        if swapped.rowcount != 1:
            raise PreconditionFailedError(f"{what} changed while being written")
    return _input_from_row(conn.execute(select(table).where(key_of)).one()._mapping)


def _check_promotable(conn: Connection, scenario: Scenario) -> None:
    assets = schema.assets
    problems: list[FieldProblem] = []
    conflicts: list[str] = []
    for index, change in enumerate(scenario.changes):
        exists = (
            conn.execute(
                select(assets.c.id).where(
                    and_(assets.c.layer == change.layer.value, assets.c.id == change.asset_id)
                )
            ).first()
            is not None
        )
        if change.action == "add" and exists:
            conflicts.append(f"{change.layer.value} {change.asset_id!r} now exists in the base")
        if change.action != "add" and not exists:
            conflicts.append(f"{change.layer.value} {change.asset_id!r} is no longer in the base")
        asset = change.asset
        mismatch = None if asset is None else natural_id_problem(asset.id, asset.attributes)
        if mismatch is not None:
            problems.append(FieldProblem(f"changes[{index}].properties.{mismatch[0]}", mismatch[1]))
        if change.asset is not None and isinstance(change.asset.attributes, PlannedChargingPoint):
            problems.append(
                FieldProblem(
                    f"changes[{index}]",
                    f"charging point {change.asset_id!r} is planned, not a complete IRVE record: "
                    "give it its operator, roaming ids and connectors before promoting",
                )
            )
    if conflicts:
        raise ConflictError("the base data changed since the scenario: " + "; ".join(conflicts))
    if problems:
        raise InvalidInputError(
            "the scenario holds charging points that cannot be promoted (planned points not yet "
            "complete records, or ids that are not the points' own)",
            problems=problems,
        )


def _require_commune(conn: Connection, code: str) -> int:
    """Return the commune's revision, or raise NotFoundError."""
    revision = conn.execute(
        select(schema.communes.c.revision).where(schema.communes.c.code == code)
    ).scalar()
    if revision is None:
        raise NotFoundError(f"commune {code} is not loaded")
    return int(revision)


def _read_scenario(conn: Connection, scenario_id: str, *, lock: bool = False) -> Scenario:
    statement = select(schema.scenarios).where(schema.scenarios.c.id == scenario_id)
    row = locked_row(conn, statement) if lock else conn.execute(statement).first()
    if row is None:
        raise NotFoundError(f"no scenario {scenario_id!r}")
    return _scenario_from_row(row._mapping)


def _dump_changes(changes: Sequence[AssetChange]) -> str:
    return json.dumps([change.to_record() for change in changes], ensure_ascii=False)


def _scenario_from_row(row: Any) -> Scenario:
    commune = row["commune"]
    changes = []
    for record in json.loads(row["changes"]):
        layer = Layer(record["layer"])
        asset = None
        if record["action"] != "remove":
            asset = Asset(
                layer=layer,
                id=record["id"],
                commune=commune,
                lon=float(record["lon"]),
                lat=float(record["lat"]),
                attributes=parse_planned_attributes(layer, record["properties"]),
                footprint=record.get("footprint"),
            )
        changes.append(AssetChange(record["action"], layer, record["id"], asset))
    return Scenario(
        id=row["id"],
        commune=commune,
        name=row["name"],
        description=row["description"],
        changes=tuple(changes),
        base_revision=int(row["base_revision"]),
        revision=int(row["revision"]),
        created_at=aware(row["created_at"]),
        updated_at=aware(row["updated_at"]),
        promoted_at=aware(row["promoted_at"]) if row["promoted_at"] else None,
    )


def _input_from_row(row: Any) -> CommuneInput:
    return CommuneInput(
        commune=row["commune"],
        key=row["key"],
        value=json.loads(row["value"]),
        updated_at=aware(row["updated_at"]),
        revision=int(row["revision"]),
    )
