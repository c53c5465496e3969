# SPDX-License-Identifier: MIT
"""Base against scenario, side by side: who gains access, where, and which gaps close.

Both sides are computed the same way (same demand, same streets, same threshold), so every
difference comes from the assets alone. A base gap is *closed* when no uncovered inhabitant of the
scenario lives in it any more, and *reduced* when fewer do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from mobility.assets import Asset, Layer
from mobility.coverage.analysis import CoverageResult, compute_coverage, rounded_share
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.gaps import Gap, demand_spacing_m, find_gaps
from mobility.coverage.threshold import Threshold
from mobility.geo import metric_transformer


@dataclass(frozen=True)
class LayerComparison:
    """Coverage of one layer on the base and on the scenario."""

    layer: Layer
    base: CoverageResult
    scenario: CoverageResult
    base_gaps: list[Gap]
    scenario_gaps: list[Gap]

    def to_dict(self) -> dict[str, Any]:
        """Return the side-by-side figures as JSON-ready values."""
        base, scenario = self.base.summary(), self.scenario.summary()
        return {
            "layer": self.layer.value,
            "assets": {"base": self.base.assets_used, "scenario": self.scenario.assets_used},
            "population": base["population"],
            "population_covered": {
                "base": base["population_covered"],
                "scenario": scenario["population_covered"],
                "change": round(scenario["population_covered"] - base["population_covered"], 1),
            },
            "share": {
                "base": base["share"],
                "scenario": scenario["share"],
                "change": _change(base["share"], scenario["share"]),
            },
            "share_unavailable_reason": base["share_unavailable_reason"],
            "distance": {"base": base["distance"], "scenario": scenario["distance"]},
            "zones": self._zones(),
            "gaps": self._gaps(),
        }

    def _zones(self) -> list[dict[str, Any]]:
        after = {zone.zone: zone for zone in self.scenario.zones()}
        rows = []
        for zone in self.base.zones():
            other = after[zone.zone]
            rows.append(
                {
                    "zone": zone.zone,
                    "population": round(zone.population, 1),
                    "population_covered": {
                        "base": round(zone.population_covered, 1),
                        "scenario": round(other.population_covered, 1),
                    },
                    "share": {
                        "base": rounded_share(zone.share),
                        "scenario": rounded_share(other.share),
                    },
                    "share_change": _change(zone.share, other.share),
                }
            )
        return rows

    def _gaps(self) -> dict[str, Any]:
        unserved = _uncovered_points(self.scenario)
        closed, reduced = [], []
        for gap in self.base_gaps:
            inside = unserved[1][unserved[0].query(gap.geometry_metric, predicate="intersects")]
            left = float(inside.sum())
            if left <= 0:
                closed.append(gap.rank)
            elif left < gap.population_unserved - 1e-6:
                reduced.append(gap.rank)
        return {
            "count": {"base": len(self.base_gaps), "scenario": len(self.scenario_gaps)},
            "population_unserved": {
                "base": round(sum(g.population_unserved for g in self.base_gaps), 1),
                "scenario": round(sum(g.population_unserved for g in self.scenario_gaps), 1),
            },
            "closed": closed,
            "reduced": reduced,
            "rule": "base gaps (ranked as /gaps ranks them) where no uncovered inhabitant of the "
            "scenario remains are closed; where fewer remain, reduced",
        }


def _change(before: float | None, after: float | None) -> float | None:
    """Return the change of a share, None when either side has no population to share."""
    return None if before is None or after is None else round(after - before, 4)


def _uncovered_points(result: CoverageResult) -> tuple[shapely.STRtree, np.ndarray]:
    """Return an index of the uncovered demand points (Lambert-93) and their population."""
    uncovered = ~result.covered & (result.population > 0)
    x, y = metric_transformer().transform(result.lon[uncovered], result.lat[uncovered])
    points = shapely.points(np.asarray(x), np.asarray(y))
    return shapely.STRtree(points), result.population[uncovered]


def compare_layer(
    context: CommuneContext,
    layer: Layer,
    base_assets: list[Asset],
    scenario_assets: list[Asset],
    *,
    threshold: Threshold,
) -> LayerComparison:
    """Compute one layer's coverage and gaps on both sides with the same rules.

    Unbounded searches: the gaps tell how far their nearest asset is, beyond the threshold.
    """
    rule = AssetFilter(layer)
    base = compute_coverage(
        context, rule.apply(base_assets), threshold=threshold, asset_filter=rule, bounded=False
    )
    scenario = compute_coverage(
        context, rule.apply(scenario_assets), threshold=threshold, asset_filter=rule, bounded=False
    )
    boundary = context.record.boundary
    return LayerComparison(
        layer=layer,
        base=base,
        scenario=scenario,
        base_gaps=find_gaps(base, boundary, spacing_m=demand_spacing_m(base)),
        scenario_gaps=find_gaps(scenario, boundary, spacing_m=demand_spacing_m(scenario)),
    )
