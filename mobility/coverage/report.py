# SPDX-License-Identifier: MIT
"""A coverage result as it is served: the report (commune, zones, figures) or the demand points.

The two shapes a planner reads a coverage answer in: the table for a council report, and every
demand point with its distance for a map.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from mobility.coverage.analysis import CoverageResult
from mobility.geojson import AnalysisCollection, Feature, encode_json, feature_collection_json


def coverage_report(result: CoverageResult) -> dict[str, Any]:
    """Return the commune's figures, the per-zone table, the notes and the method."""
    return {
        "commune": result.commune,
        "layer": result.asset_filter.layer.value,
        "mode": result.threshold.mode,
        "summary": result.summary(),
        "zones": result.zone_rows(),
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


def demand_collection_json(result: CoverageResult) -> bytes:
    """Return :func:`demand_collection` as GeoJSON bytes, each point written straight as text.

    The same values as encoding the collection's dicts (the tests compare them), in a fraction
    of the time: the 56,000 points of Paris made into dicts spend most of their time in the
    garbage collector, which walks every container the process holds as they pile up, then in
    the encoder; text is neither.
    """
    return feature_collection_json(
        demand_feature_texts(result),
        summary=result.summary(),
        notes=result.notes,
        method=result.method,
    )


def demand_feature_texts(result: CoverageResult) -> list[str]:
    """Return every demand point's Feature as JSON text, as :func:`demand_feature` gives it.

    Numbers are rounded as the dicts round them (Python's ``round``) and written by orjson a
    whole column at a time (shortest round-trip text, as ``repr``); zone names are encoded once
    per zone.
    """
    if result.zone_groups is not None:
        names, rows = result.zone_groups
        named = [encode_json(str(name)) for name in names.tolist()]
        zones = [named[row] for row in rows.tolist()]
    else:
        zones = [encode_json(str(zone)) for zone in result.zone.tolist()]
    distances = _column([_rounded(d, 2) for d in result.distance_m.tolist()])
    if result.threshold.weight == "time":
        minutes = _column([_rounded(c / 60, 3) for c in result.cost.tolist()])
        times = [f',"time_min":{value}' for value in minutes]
    else:
        times = [""] * len(distances)
    columns = zip(
        _column(result.lon),
        _column(result.lat),
        distances,
        result.covered.tolist(),
        _column([round(p, 3) for p in result.population.tolist()]),
        zones,
        result.off_network.tolist(),
        times,
        strict=True,
    )
    return [
        f'{{"type":"Feature","id":{index},"geometry":{{"type":"Point","coordinates":'
        f'[{lon},{lat}]}},"properties":{{"distance_m":{distance},'
        f'"covered":{"true" if covered else "false"},"population":{population},'
        f'"zone":{zone},"off_network":{"true" if off else "false"}{time}}}}}'
        for index, (lon, lat, distance, covered, population, zone, off, time) in enumerate(columns)
    ]


def _rounded(value: float, digits: int) -> float | None:
    """Return a number rounded as the Feature dicts round it; None when infinite."""
    return round(value, digits) if math.isfinite(value) else None


def _column(values: npt.NDArray[np.float64] | list[float | None]) -> list[str]:
    """Return each number of a column as JSON text (null for None), encoded in one call."""
    if len(values) == 0:
        return []
    text = orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    return text[1:-1].split(",")
