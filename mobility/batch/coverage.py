# SPDX-License-Identifier: MIT
"""The coverage batch's question and rows: the commune's and each zone's figures.

The figures are those of ``GET /communes/{code}/coverage`` (its summary and its zone table),
with the commune's boundary and each zone's polygon as geometry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mobility.assets import Layer
from mobility.batch.analysis import CommuneAnalysis
from mobility.batch.tasks import Row
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.run import CoverageQuestion, run_coverage
from mobility.coverage.threshold import make_threshold
from mobility.coverage.zones import commune_zones
from mobility.store import Store

COVERAGE_COLUMNS = ("commune", "zone", "population", "population_covered", "share", "method")


@dataclass(frozen=True)
class CoverageParameters(CommuneAnalysis):
    """The coverage question of a batch, as ``GET /communes/{code}/coverage`` takes it."""

    layer: Layer
    within_m: float
    mode: str = "walk"
    analysis: str = "coverage"
    columns: tuple[str, ...] = COVERAGE_COLUMNS

    def question(self) -> CoverageQuestion:
        """Return the validated question (the same validation as the API's)."""
        threshold = make_threshold(self.mode, within_m=self.within_m)  # type: ignore[arg-type]
        return CoverageQuestion(threshold=threshold, asset_filter=AssetFilter(layer=self.layer))

    def check(self) -> None:
        """Validate the question before any task is sent."""
        self.question()

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as JSON values (they key the ledger)."""
        return {
            "analysis": self.analysis,
            "layer": self.layer.value,
            "within_m": self.within_m,
            "mode": self.mode,
        }

    def context_rows(self, store: Store, context: CommuneContext) -> list[Row]:
        """Return the commune's row (zone '') and one row per population zone."""
        code = context.record.code
        result = run_coverage(context, store, self.question())
        method = json.dumps(result.method, ensure_ascii=False, sort_keys=True)
        rows = [_row(code, "", result.summary(), method, dict(context.record.boundary))]
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
        "population": figures["population"],
        "population_covered": figures["population_covered"],
        "share": figures["share"],
        "method": method,
        "geometry": geometry,
    }
