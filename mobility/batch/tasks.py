# SPDX-License-Identifier: MIT
"""What a worker does for one commune: the API's coverage entry point, turned into table rows.

A worker process opens the store once (the database is the shared storage every worker reads)
and keeps its commune contexts, as the API server does; only the database URL, the commune code
and the question travel with a task. Any failure of one commune becomes that commune's row with
its reason, so the others finish.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from mobility.assets import Layer
from mobility.coverage.context import ContextCache
from mobility.coverage.filters import AssetFilter
from mobility.coverage.run import CoverageQuestion, run_coverage
from mobility.coverage.threshold import make_threshold
from mobility.coverage.zones import commune_zones
from mobility.errors import MobilityError
from mobility.store import Store, open_store

Row = dict[str, Any]
"""One output row: commune, zone ('' for the commune), status, reason, figures, geometry."""


@dataclass(frozen=True)
class CoverageParameters:
    """The coverage question of a batch, as ``GET /communes/{code}/coverage`` takes it."""

    layer: Layer
    within_m: float
    mode: str = "walk"

    def question(self) -> CoverageQuestion:
        """Return the validated question (the same validation as the API's)."""
        threshold = make_threshold(self.mode, within_m=self.within_m)  # type: ignore[arg-type]
        return CoverageQuestion(threshold=threshold, asset_filter=AssetFilter(layer=self.layer))

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as JSON values (they key the ledger)."""
        return {"layer": self.layer.value, "within_m": self.within_m, "mode": self.mode}


class _Worker:
    """The store and contexts of one worker process, opened on first use."""

    def __init__(self) -> None:
        self.stores: dict[str, Store] = {}
        self.contexts = ContextCache(capacity=2)
        self.lock = threading.Lock()

    def store(self, database_url: str) -> Store:
        with self.lock:
            if database_url not in self.stores:
                self.stores[database_url] = open_store(database_url)
            return self.stores[database_url]


_WORKER = _Worker()


def coverage_rows(database_url: str, code: str, parameters: CoverageParameters) -> list[Row]:
    """Return the commune's row and one row per zone, or one failed row saying why."""
    try:
        return _coverage_rows(_WORKER.store(database_url), code, parameters)
    except MobilityError as exc:
        return [failed_row(code, exc.message)]
    except Exception as exc:  # noqa: BLE001 (a broken commune must not stop the batch)
        return [failed_row(code, f"{type(exc).__name__}: {exc}")]


def failed_row(code: str, reason: str) -> Row:
    """Return the row of a commune whose analysis failed."""
    return {
        "commune": code,
        "zone": "",
        "status": "failed",
        "reason": reason,
        "population": None,
        "population_covered": None,
        "share": None,
        "method": None,
        "geometry": None,
    }


def _coverage_rows(store: Store, code: str, parameters: CoverageParameters) -> list[Row]:
    question = parameters.question()
    context = _WORKER.contexts.get(store, code)
    result = run_coverage(context, store, question)
    method = json.dumps(result.method, ensure_ascii=False, sort_keys=True)
    summary = result.summary()
    rows = [
        _row(code, "", summary, method, dict(context.record.boundary)),
    ]
    population = store.get_commune_file(code, "population")
    shapes: dict[str, Any] = {}
    if population is not None:
        zones = commune_zones(population, context.record.boundary)
        shapes = {
            str(zone): geometry.__geo_interface__
            for zone, geometry in zip(zones["zone"], zones.geometry, strict=True)
        }
    for zone in result.zones():
        rows.append(_row(code, zone.zone, zone.to_dict(), method, shapes.get(zone.zone)))
    return rows


def _row(
    code: str, zone: str, figures: dict[str, Any], method: str, geometry: dict[str, Any] | None
) -> Row:
    return {
        "commune": code,
        "zone": zone,
        "status": "done",
        "reason": None,
        "population": figures["population"],
        "population_covered": figures["population_covered"],
        "share": figures["share"],
        "method": method,
        "geometry": geometry,
    }
