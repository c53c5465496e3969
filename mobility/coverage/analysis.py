# SPDX-License-Identifier: MIT
"""Who lives within reach of an asset along the real streets: the coverage analysis.

Every demand point gets its network distance to the nearest asset (off-street legs included);
a point is covered when that distance is within the threshold. Results are given for the commune
and per population zone, with the distance distribution and a statement of the method and inputs
so the figures can be defended as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from mobility.assets import Asset
from mobility.commune import Mode, describe_population
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.layers import asset_coordinates
from mobility.coverage.measure import measure
from mobility.coverage.poverty import PovertyPoints, absent_reason, poverty_figures
from mobility.coverage.surroundings import describe_surroundings
from mobility.coverage.threshold import Threshold
from mobility.network.snapping import SnappedPoints
from mobility.network.speeds import CLASSLESS_SPEED_KMH, WALK_SPEED_KMH

FloatArray = npt.NDArray[np.float64]

SNAPPING_RULE = (
    "Homes (demand points) and assets are snapped to the nearest street segment, not the nearest "
    "crossing, and their position along it is kept. Distance = straight line from the home to its "
    "street + distance along the streets + straight line from the street to the asset. Points "
    "farther than {max_snap_m:g} m from every street are reported and never counted as covered."
)

SEARCH_BOUNDED = (
    "the streets are searched up to the threshold only: an inhabitant beyond it is not covered "
    "and its distance is not measured (null)"
)
SEARCH_WHOLE = "the whole street network is searched: every reachable distance is measured"


def population_missing_reason(code: str, *, layer_loaded: bool) -> str:
    """Return the sentence that replaces a share when a commune counts no inhabitants.

    A share of nobody is not 0 %: saying "0 % covered" (or "no gap") would tell a council that
    nothing needs doing, when in fact nothing can be measured. The sentence says what is missing
    and the command that loads it (``--replace`` keeps the commune's assets).
    """
    detail = " (its population layer counts no inhabitants)" if layer_loaded else ""
    return (
        f"commune {code} has no population data{detail}, so no share of its inhabitants can "
        "be computed: load a population file (GeoJSON zones with a count of inhabitants) with "
        f"`mobility commune add {code} --name NAME --boundary BOUNDARY --streets STREETS "
        "--population ZONES.geojson --population-field FIELD --replace` (the assets are kept), "
        "or add a `population` entry to its manifest and run "
        "`mobility commune load MANIFEST --replace`"
    )


def missing_population_reason(context: CommuneContext) -> str | None:
    """Return why no share can be computed for the commune, or None when it has inhabitants."""
    loaded = context.demand_method is not None
    if loaded and float(context.demand_columns.population.sum()) > 0:
        return None
    return population_missing_reason(context.record.code, layer_loaded=loaded)


@dataclass(frozen=True)
class ZoneCoverage:
    """Coverage of one population zone (e.g. an IRIS)."""

    zone: str
    population: float
    population_covered: float

    @property
    def share(self) -> float | None:
        """Return the covered share of the zone's population (None when it has none)."""
        return self.population_covered / self.population if self.population > 0 else None

    def to_dict(self) -> dict[str, Any]:
        """Return the row as JSON-ready values."""
        return {
            "zone": self.zone,
            "population": round(self.population, 1),
            "population_covered": round(self.population_covered, 1),
            "share": rounded_share(self.share),
        }


def rounded_share(share: float | None) -> float | None:
    """Return a share rounded to four decimals, None kept."""
    return None if share is None else round(share, 4)


@dataclass
class CoverageResult:
    """The answer to one coverage question, with everything needed to explain it."""

    commune: str
    threshold: Threshold
    asset_filter: AssetFilter
    assets_used: int
    assets_off_network: int
    lon: FloatArray
    lat: FloatArray
    population: FloatArray
    zone: npt.NDArray[np.str_]
    distance_m: FloatArray
    cost: FloatArray
    off_network: npt.NDArray[np.bool_]
    covered: npt.NDArray[np.bool_]
    method: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    population_reason: str | None = None
    """Why the commune counts no inhabitants (see :func:`missing_population_reason`)."""
    poverty: PovertyPoints = field(default_factory=lambda: PovertyPoints(None, None))
    """The poor households and living standards the demand points carry (Filosofi grid)."""
    zone_groups: tuple[npt.NDArray[np.str_], npt.NDArray[np.int64]] | None = None
    """The sorted zone names and each point's row in them, as ``np.unique(zone,
    return_inverse=True)`` gives them (made once per commune); None: found when asked."""

    @property
    def population_total(self) -> float:
        """Return the population of the commune's demand points."""
        return float(self.population.sum())

    @property
    def population_covered(self) -> float:
        """Return the population within the threshold."""
        return float(self.population[self.covered].sum())

    @property
    def share(self) -> float | None:
        """Return the covered share (None without population: a share of nobody is unknown)."""
        total = self.population_total
        return self.population_covered / total if total > 0 else None

    @property
    def share_unavailable_reason(self) -> str | None:
        """Return why ``share`` is None, in a sentence that says how to fix it."""
        if self.population_total > 0:
            return None
        return self.population_reason or population_missing_reason(self.commune, layer_loaded=True)

    def zones(self) -> list[ZoneCoverage]:
        """Return coverage per zone, in zone order."""
        return [
            ZoneCoverage(zone=name, population=total, population_covered=inside)
            for name, total, inside in zip(*self._zone_sums(), strict=True)
        ]

    def zone_rows(self) -> list[dict[str, Any]]:
        """Return the per-zone table as JSON-ready rows, as :meth:`ZoneCoverage.to_dict` has them.

        The same rows as ``[zone.to_dict() for zone in self.zones()]``, made from plain lists:
        a big city's thousand zones made as objects first cost a coverage answer more than its
        street search.
        """
        return [
            {
                "zone": name,
                "population": round(total, 1),
                "population_covered": round(inside, 1),
                "share": rounded_share(inside / total if total > 0 else None),
            }
            for name, total, inside in zip(*self._zone_sums(), strict=True)
        ]

    def _zone_sums(self) -> tuple[list[str], list[float], list[float]]:
        """Return the zone names in order, and each zone's population and population covered.

        One pass over the demand points (a sort and two weighted counts): a city of a thousand
        zones and a hundred thousand points would spend most of its answer comparing names.
        """
        if self.zone_groups is not None:
            names, index = self.zone_groups
        else:
            names, index = np.unique(self.zone, return_inverse=True)
        size = len(names)
        population = np.bincount(index, weights=self.population, minlength=size)
        served = np.where(self.covered, self.population, 0.0)
        covered = np.bincount(index, weights=served, minlength=size)
        return [str(name) for name in names.tolist()], population.tolist(), covered.tolist()

    def distribution(self) -> dict[str, float | None]:
        """Return population-weighted p50, p90 and max of the distance (None when unreachable)."""
        if self.population_total <= 0:
            return {"p50_m": None, "p90_m": None, "max_m": None}
        p50, p90 = weighted_quantiles(self.distance_m, self.population, (0.5, 0.9))
        return {
            "p50_m": p50,
            "p90_m": p90,
            "max_m": _finite_or_none(float(np.max(self.distance_m[self.population > 0]))),
        }

    def summary(self) -> dict[str, Any]:
        """Return the commune-wide figures."""
        return {
            "population": round(self.population_total, 1),
            "population_covered": round(self.population_covered, 1),
            "share": rounded_share(self.share),
            "share_unavailable_reason": self.share_unavailable_reason,
            "demand_points": len(self.population),
            "demand_points_off_network": int(self.off_network.sum()),
            "population_off_network": round(float(self.population[self.off_network].sum()), 1),
            "assets_used": self.assets_used,
            "assets_off_network": self.assets_off_network,
            "distance": self.distribution(),
            "poverty": poverty_figures(self.poverty, self.population, self.covered),
            "poverty_unavailable_reason": (
                None
                if self.poverty.available
                else absent_reason((self.method.get("population") or {}).get("source"))
            ),
        }


def _finite_or_none(value: float) -> float | None:
    return round(value, 2) if np.isfinite(value) else None


def weighted_quantiles(
    values: FloatArray, weights: FloatArray, quantiles: Sequence[float]
) -> list[float | None]:
    """Return, for each q, the smallest value v such that the weight of values <= v reaches q.

    The values are put in one order for every q. Only the finite ones are sorted, by the
    fastest sort (not a stable one: tied values are equal, so the order among them changes which
    of them a quantile falls on, never the value it gives); the others (not reached, ``inf``)
    are appended last; a quantile falling among them is unreachable (None).
    """
    finite = np.flatnonzero(np.isfinite(values))
    if len(finite) < len(values) and not np.all(np.isposinf(np.delete(values, finite))):
        order = np.argsort(values, kind="stable")  # NaN: let the full sort place them
    else:
        unreached = np.flatnonzero(~np.isfinite(values))
        order = np.concatenate([finite[np.argsort(values[finite])], unreached])
    cumulative = np.cumsum(weights[order])
    total = cumulative[-1]
    picked = []
    for q in quantiles:
        index = int(np.searchsorted(cumulative, q * total, side="left"))
        picked.append(_finite_or_none(float(values[order[min(index, len(order) - 1)]])))
    return picked


def snap_assets(context: CommuneContext, mode: Mode, assets: Sequence[Asset]) -> SnappedPoints:
    """Snap assets onto the mode's streets.

    The engine keeps the snapping of a set of positions it has seen: the assets a filter keeps
    from a layer's view are the same arrays on every request until a write, so a warm request
    finds them snapped (a digest of the positions is all it computes).
    """
    lon, lat = asset_coordinates(assets)
    return context.engine(mode).snap(lon, lat)


def compute_coverage(
    context: CommuneContext,
    assets: Sequence[Asset],
    *,
    threshold: Threshold,
    asset_filter: AssetFilter,
    bounded: bool = True,
) -> CoverageResult:
    """Measure how much of the commune's population lives within the threshold of an asset.

    ``bounded`` searches the streets only up to the threshold: the distances of the inhabitants
    not covered are then ``inf`` (not searched). The gaps ask ``bounded=False`` to tell how far
    the nearest asset is from those left out.
    """
    mode = threshold.mode
    engine = context.engine(mode)
    demand = context.snapped_demand(mode)
    snapped_assets = snap_assets(context, mode, assets)
    measured = measure(engine, demand, snapped_assets, threshold, bounded=bounded)
    distance, cost = measured.distance_m, measured.cost
    covered = cost <= threshold.cutoff
    columns = context.demand_columns
    population = columns.population
    notes = _notes(context, assets, snapped_assets, demand, population, asset_filter)
    return CoverageResult(
        commune=context.record.code,
        threshold=threshold,
        asset_filter=asset_filter,
        assets_used=int((~snapped_assets.too_far).sum()),
        assets_off_network=int(snapped_assets.too_far.sum()),
        lon=columns.lon,
        lat=columns.lat,
        population=population,
        zone=columns.zone,
        distance_m=distance,
        cost=cost,
        off_network=demand.too_far.copy(),
        covered=covered,
        method=describe_method(context, threshold, asset_filter, assets)
        | {"search": SEARCH_BOUNDED if bounded else SEARCH_WHOLE},
        notes=notes,
        population_reason=missing_population_reason(context),
        poverty=columns.poverty,
        zone_groups=(columns.zone_names, columns.zone_index),
    )


def _notes(
    context: CommuneContext,
    assets: Sequence[Asset],
    snapped_assets: SnappedPoints,
    demand: SnappedPoints,
    population: FloatArray,
    asset_filter: AssetFilter,
) -> list[str]:
    notes = list(context.record.info.get("notes", []))
    missing = missing_population_reason(context)
    if missing is not None:
        notes.append(missing)
    if not assets:
        notes.append(
            f"no {asset_filter.describe()} in this commune: nobody is covered"
            + (" (0 %)" if missing is None else "")
        )
    if snapped_assets.too_far.any():
        notes.append(
            f"{int(snapped_assets.too_far.sum())} asset(s) lie more than "
            f"{context.max_snap_m:g} m from every street of this mode and serve nobody"
        )
    if demand.too_far.any():
        notes.append(
            f"{int(demand.too_far.sum())} demand point(s) "
            f"({float(population[demand.too_far].sum()):.0f} inhabitants) lie more than "
            f"{context.max_snap_m:g} m from every street and are counted as not covered"
        )
    return notes


def describe_method(
    context: CommuneContext,
    threshold: Threshold,
    asset_filter: AssetFilter,
    assets: Sequence[Asset],
) -> dict[str, Any]:
    """Return the method and inputs of an analysis, stated for a council meeting.

    ``assets`` are those the analysis used: their count, and how many stood in the commune's
    surroundings, are stated.
    """
    record = context.record
    report = context.report(threshold.mode)
    engine = context.engine(threshold.mode)
    demand = context.demand_method
    return {
        "question": (f"share of inhabitants {threshold.describe()} of {asset_filter.describe()}"),
        "mode": threshold.mode,
        "threshold": {
            "within_m": threshold.within_m,
            "within_min": threshold.within_min,
            "compared": "travel time (s)" if threshold.weight == "time" else "distance (m)",
            "limit": round(threshold.cutoff, 2),
        },
        "assets": {"filter": asset_filter.describe(), "count": len(assets)},
        "surroundings": describe_surroundings(context, assets),
        "population": describe_population(record),
        "demand": demand.to_dict() if demand is not None else None,
        "snapping": SNAPPING_RULE.format(max_snap_m=context.max_snap_m),
        "network": {
            "summary": report.summary(),
            "nodes": engine.edges.n_nodes,  # not engine.stats: that one also weighs the caches
            "edges": engine.edges.n_edges,
            "one_way": "respected" if threshold.mode == "drive" else "ignored (walking)",
        },
        "speeds": {
            "walk_kmh": WALK_SPEED_KMH,
            "drive": (
                "posted maxspeed where tagged, else French urban defaults per road class "
                f"(e.g. residential 30, primary 50 km/h; {CLASSLESS_SPEED_KMH:g} km/h on a "
                "source without classes)"
            ),
        },
        "sources": record.info.get("sources", []),
        "commune_revision": record.revision,
        "computed_at": datetime.now(UTC).isoformat(),
    }
