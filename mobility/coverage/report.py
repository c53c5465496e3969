# SPDX-License-Identifier: MIT
"""A coverage result as it is served: the report (commune, zones, figures) or the demand points.

The two shapes a planner reads a coverage answer in: the table for a council report, and every
demand point with its distance for a map.
"""

from __future__ import annotations

import math
from typing import Any

from mobility.coverage.analysis import CoverageResult
from mobility.geojson import AnalysisCollection, Feature


def coverage_report(result: CoverageResult) -> dict[str, Any]:
    """Return the commune's figures, the per-zone table, the notes and the method."""
    return {
        "commune": result.commune,
        "layer": result.asset_filter.layer.value,
        "mode": result.threshold.mode,
        "summary": result.summary(),
        "zones": [zone.to_dict() for zone in result.zones()],
        "notes": result.notes,
        "method": result.method,
    }


def demand_collection(result: CoverageResult) -> AnalysisCollection:
    """Return every demand point with its distance to the nearest asset, covered or not."""
    return AnalysisCollection(
        features=[demand_feature(result, index) for index in range(len(result.population))],
        summary=result.summary(),
        notes=result.notes,
        method=result.method,
    )


def demand_feature(result: CoverageResult, index: int) -> Feature:
    """Return one demand point as a GeoJSON Point (distances rounded; null when unreachable)."""
    distance = float(result.distance_m[index])
    properties: dict[str, Any] = {
        "distance_m": round(distance, 2) if math.isfinite(distance) else None,
        "covered": bool(result.covered[index]),
        "population": round(float(result.population[index]), 3),
        "zone": str(result.zone[index]),
        "off_network": bool(result.off_network[index]),
    }
    if result.threshold.weight == "time":
        seconds = float(result.cost[index])
        properties["time_min"] = round(seconds / 60, 3) if math.isfinite(seconds) else None
    return {
        "type": "Feature",
        "id": index,
        "geometry": {
            "type": "Point",
            "coordinates": [float(result.lon[index]), float(result.lat[index])],
        },
        "properties": properties,
    }
