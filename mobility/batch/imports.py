# SPDX-License-Identifier: MIT
"""The import batch: many communes cut from the same region-wide files, each with its margin.

Each commune goes through the one-commune import (:func:`mobility.importing.import_commune`),
so a batch stores exactly what ``mobility commune import`` would, commune by commune, each in
its own transaction. The region's files are read once by the client and scattered once to every
worker (:func:`~mobility.batch.run.run_batch`'s ``shared``): a task carries only the commune
code. A commune's result stays valid under its code, the SHA-256 of every file and the import's
options; a commune whose import is refused (a bad file, rows refused in all-or-nothing mode, a
commune loaded from other files without ``replace``) is a failed row with the reason.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from mobility.batch.ledger import digest
from mobility.batch.output import write_geoparquet
from mobility.batch.tasks import Row
from mobility.errors import (
    ConflictError,
    FieldProblem,
    InvalidInputError,
    StoreUnavailableError,
)
from mobility.importing import ImportReport, ImportRequest, check_request, import_commune
from mobility.places import margin_problems
from mobility.store import Store

IMPORT_COLUMNS = (
    "commune",
    "name",
    "margin_m",
    "street_lines",
    "zones",
    "assets_in_commune",
    "assets_in_surroundings",
    "report",
)


@dataclass(frozen=True)
class ImportParameters:
    """An import batch's options and the digests of its files (the files travel apart).

    Build it with :meth:`of`, from the request every commune's import starts from.
    """

    files: tuple[tuple[str, str, str], ...]
    """Each file as (role, name, SHA-256)."""
    options: dict[str, Any]
    attributions: dict[str, str] = field(default_factory=dict)
    analysis: str = "import"
    columns: tuple[str, ...] = IMPORT_COLUMNS

    @classmethod
    def of(cls, request: ImportRequest, attributions: dict[str, str]) -> ImportParameters:
        """Return the parameters of a batch whose communes are imported like ``request``."""
        named = [("boundaries", request.boundaries), ("streets", request.streets)]
        named += [("osm", request.osm), ("population", request.population)]
        named += [(source.kind, source.file) for source in request.assets]
        files = tuple((role, file.name, file.describe()["sha256"]) for role, file in named if file)
        options = {
            "population_field": request.population_field,
            "zone_id_field": request.zone_id_field,
            "population_description": request.population_description,
            "population_year": request.population_year,
            "margin_m": request.margin_m,
            "replace": request.replace,
            "mode": request.mode,
        }
        return cls(files=files, options=options, attributions=dict(attributions))

    def check(self) -> None:
        """Refuse, before any task is sent, options no commune's import could accept."""
        problems = margin_problems(float(self.options["margin_m"]))
        if not any(role == "boundaries" for role, _, _ in self.files):
            problems.append(FieldProblem("boundaries", "give the region's boundaries file"))
        if problems:
            raise InvalidInputError("the import batch cannot start", problems=problems)

    def to_dict(self) -> dict[str, Any]:
        """Return the files and options as JSON values (they key the ledger)."""
        return {
            "analysis": self.analysis,
            "files": [list(entry) for entry in self.files],
            **self.options,
        }

    def key(self, store: Store, code: str) -> str:
        """Return the commune's key: its code, the files' digests and the options."""
        return digest([code, self.to_dict()])

    def rows(self, store: Store, code: str, shared: Any) -> list[Row]:
        """Import the commune from the scattered request; return its row (failed if refused)."""
        if not isinstance(shared, ImportRequest):
            raise TypeError("an import batch needs its request scattered to the workers")
        again = not shared.replace and self._imported_alike(store, code)
        request = replace(shared, code=code, name=None, replace=shared.replace or again)
        check_request(request)
        report = _import_retrying(store, request, self.attributions)
        if report.status == "refused":
            raise InvalidInputError(report.refusal or "the import was refused")
        stages = {stage.stage: stage for stage in report.stages}
        layers = report.layers
        streets = stages.get("streets")
        zones = stages.get("population")
        return [
            {
                "commune": code,
                "name": report.name,
                "margin_m": report.margin_m,
                "street_lines": streets.kept if streets else None,
                "zones": zones.kept if zones else None,
                "assets_in_commune": sum(c["in_commune"] for c in layers.values()),
                "assets_in_surroundings": sum(c["in_surroundings"] for c in layers.values()),
                "report": json.dumps(report.to_dict(), ensure_ascii=False, sort_keys=True),
                "geometry": dict(store.get_commune(code).boundary),
            }
        ]

    def _imported_alike(self, store: Store, code: str) -> bool:
        """Tell whether the stored commune came from these very files and margin.

        A run killed after a commune's transaction but before its ledger line finds the commune
        loaded: importing it again from the same files is the same write, not a conflict.
        """
        if not store.has_commune(code):
            return False
        record = store.get_commune(code)
        stored = {entry.get("sha256") for entry in record.info.get("sources", [])}
        files = {sha256 for _, _, sha256 in self.files}
        return stored == files and record.margin_m == self.options["margin_m"]

    def write(self, out: Path, rows: list[Row]) -> None:
        """Write the rows as GeoParquet: one per commune, its outline as geometry."""
        write_geoparquet(out, rows, self.columns)


TRANSIENT_SQLSTATES = frozenset({"40P01", "40001", "23505"})
"""PostgreSQL's deadlock, serialization failure, and a unique violation met when a neighbour's
transaction inserted the same new asset first: each rolls the import back whole."""
ATTEMPTS = 4


def _import_retrying(
    store: Store, request: ImportRequest, attributions: dict[str, str]
) -> ImportReport:
    """Import the commune, again when PostgreSQL rolled it back for a deadlock.

    Neighbours imported at once write the same assets of their shared surroundings and bump
    each other's revision, so two transactions may wait on each other; PostgreSQL then rolls one
    back whole, and running it again is safe (the import is one transaction).
    """
    attempt = 1
    while True:
        try:
            return import_commune(store, request, attributions=attributions)
        except (DBAPIError, StoreUnavailableError, ConflictError) as error:
            if attempt == ATTEMPTS or not _transient(error):
                raise
        time.sleep(random.uniform(0.1, 0.5) * attempt)  # noqa: S311 (a back-off, not a secret)
        attempt += 1


def _transient(error: BaseException | None) -> bool:
    """Tell whether PostgreSQL rolled the transaction back for a deadlock or serialization."""
    while error is not None:
        if isinstance(error, DBAPIError):
            return getattr(error.orig, "sqlstate", None) in TRANSIENT_SQLSTATES
        error = error.__cause__
    return False
