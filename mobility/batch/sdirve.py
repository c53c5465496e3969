# SPDX-License-Identifier: MIT
"""The SDIRVE batch: one national-format CSV (schema-sdirve v0.1.0) for every commune at once.

Each commune's rows are those ``GET /communes/{code}/sdirve.csv`` serves at the same level
(:func:`mobility.regulation.commune.commune_sdirve` then
:func:`mobility.regulation.sdirve_rows`), so the batch's file is the communes' files one after
the other under a single header. A commune whose required fields lack a value (the figures only
the commune knows, supplied with ``PUT /communes/{code}/inputs/sdirve``) is a failed row naming
each missing field: it is left out of the file, which the national schema would refuse, and
listed in the report. The planned points (``evaluation_developpement``) are those of a
scenario: ``scenario`` names, in every commune, the scenario of that name (the newest when two
share it), as each commune's plan. A result stays valid under the commune's sources, its
charging points, the figures it supplied, its scenario's revision and the diagnostic's date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mobility.assets import Layer
from mobility.batch.ledger import task_key
from mobility.batch.output import write_text
from mobility.batch.tasks import Row
from mobility.errors import FieldProblem, NotFoundError
from mobility.plans import Scenario
from mobility.regulation import sdirve_rows, write_sdirve_csv
from mobility.regulation.commune import SDIRVE_KEY, commune_sdirve
from mobility.regulation.sdirve_csv import Level
from mobility.regulation.sdirve_schema import sdirve_fields
from mobility.store import Store


def sdirve_columns() -> tuple[str, ...]:
    """Return the national schema's fields, in its order."""
    return tuple(schema_field.name for schema_field in sdirve_fields())


@dataclass(frozen=True)
class SdirveParameters:
    """The SDIRVE question of a batch, as ``GET /communes/{code}/sdirve.csv`` takes it."""

    level: Level = "commune"
    scenario: str | None = None
    today: date = field(default_factory=date.today)
    analysis: str = "sdirve"
    columns: tuple[str, ...] = field(default_factory=sdirve_columns)

    def check(self) -> None:
        """Nothing to refuse: the level is one of the two the schema knows."""

    def to_dict(self) -> dict[str, Any]:
        """Return the level and the diagnostic's date as JSON values (they key the ledger)."""
        return {
            "analysis": self.analysis,
            "level": self.level,
            "scenario": self.scenario,
            "today": self.today.isoformat(),
        }

    def key(self, store: Store, code: str) -> str:
        """Return the commune's key: sources, charging points, supplied figures, parameters."""
        if not store.has_commune(code):
            return task_key(store, code, self.to_dict(), Layer.CHARGING_POINTS)
        supplied = store.get_commune_input(code, SDIRVE_KEY)
        plan = self._scenario(store, code) if self.scenario else None
        extra = [
            None if supplied is None else supplied.value,
            None if plan is None else [plan.id, plan.revision, plan.base_revision],
        ]
        return task_key(store, code, self.to_dict(), Layer.CHARGING_POINTS, extra=extra)

    def _scenario(self, store: Store, code: str) -> Scenario | None:
        """Return the commune's newest scenario of the batch's name (None: it has none)."""
        return next((s for s in store.list_scenarios(code) if s.name == self.scenario), None)

    def rows(self, store: Store, code: str, shared: Any) -> list[Row]:
        """Return the commune's SDIRVE rows (one, or one per IRIS at ``level=iris``)."""
        scenario_id = None
        if self.scenario:
            plan = self._scenario(store, code)
            if plan is None:
                raise NotFoundError(
                    f"commune {code} has no scenario named {self.scenario!r}",
                    problems=[FieldProblem("scenario", "create it, or batch without --scenario")],
                )
            scenario_id = plan.id
        indicators = commune_sdirve(store, code, today=self.today, scenario_id=scenario_id)
        return [
            {**row, "commune": code, "geometry": None}
            for row in sdirve_rows(indicators, self.level)
        ]

    def write(self, out: Path, rows: list[Row]) -> None:
        """Write the finished communes' rows as one national CSV (failed communes left out)."""
        done = [
            {name: row[name] for name in self.columns} for row in rows if row["status"] == "done"
        ]
        write_text(out, write_sdirve_csv(done))
