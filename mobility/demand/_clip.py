# SPDX-License-Identifier: MIT
"""Population zones kept to the commune: clipped to its boundary, their population shared by area.

Zone files rarely follow the commune's line exactly: a regional IRIS file holds the neighbours'
zones, a grid square or a simplified outline straddles the boundary, and the streets now reach into
the surroundings. Homes are placed only inside the commune, so a straddling zone is cut at the
boundary and keeps the share of its population that its area inside stands for (areas in
Lambert-93): the part outside is left out and said so, never piled up inside. Spreading people
evenly over a zone's area is the only assumption a count per zone allows.

A zone inside within :data:`AREA_TOLERANCE` of its area (two sources digitising one line differ by
that much) keeps its whole population; one outside within the same tolerance is left out whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from mobility.demand._checks import names, polygonal, population_value, project
from mobility.errors import FieldProblem, InvalidInputError
from mobility.geo import metric_transformer, to_metric

AREA_TOLERANCE = 1e-3
"""Share of a zone's area below which it counts as wholly inside (or wholly outside)."""


@dataclass(frozen=True)
class ZonesClip:
    """What keeping the zones to the commune did.

    ``zones_inside + len(zones_straddling) + zones_outside == zones_read``.
    ``population_outside`` is the population of the straddling zones lying outside the boundary
    (by area), left out; zones wholly outside are not counted in it.
    """

    zones_read: int
    zones_inside: int
    zones_straddling: tuple[str, ...]
    zones_outside: int
    population_outside: float

    def to_dict(self) -> dict[str, object]:
        """Return the clip as a JSON-ready mapping, with its rule in words."""
        return {
            "zones_read": self.zones_read,
            "zones_inside": self.zones_inside,
            "zones_straddling": list(self.zones_straddling),
            "zones_outside": self.zones_outside,
            "population_outside": round(self.population_outside, 1),
            "rule": (
                "zones are cut at the commune's boundary; a straddling zone keeps the share of "
                "its population its area inside stands for (Lambert-93), the rest is left out; "
                f"a zone inside or outside within {AREA_TOLERANCE:.1%} of its area counts whole"
            ),
        }

    def sentence(self) -> str:
        """Say in words what was cut, or nothing when every zone lay inside."""
        if not self.zones_straddling:
            return ""
        n = len(self.zones_straddling)
        return (
            f" {n:,} zone{'s' if n > 1 else ''} ({names(self.zones_straddling)}) "
            f"{'straddle' if n > 1 else 'straddles'} the commune's boundary: "
            f"{self.population_outside:,.1f} inhabitants lying outside it by area are left out."
        )


def clip_zones(
    zones: gpd.GeoDataFrame,
    outline: BaseGeometry,
    *,
    population_field: str,
    zone_id_field: str | None = None,
) -> tuple[gpd.GeoDataFrame, ZonesClip]:
    """Keep the zones that lie in ``outline`` (lon/lat), cut at it, population shared by area.

    The zones come in EPSG:4326, as :func:`~mobility.demand.read_zones` gives them, and leave in
    their file's order with their fields; a straddling zone's population becomes a float. A
    value that is not a number is left as it is, for :func:`spread_population` to refuse.

    Raises
    ------
    InvalidInputError
        No zone lies in the commune (field ``population``).
    """
    if not outline.is_valid:
        outline = shapely.make_valid(outline)
    geoms = polygonal(np.asarray(zones.geometry.array, dtype=object))
    zones_m = project(geoms, metric_transformer())
    outline_m = to_metric(outline)
    candidates = shapely.STRtree(zones_m).query(outline_m, predicate="intersects")
    candidates = np.sort(candidates)
    inside_area = shapely.area(shapely.intersection(zones_m[candidates], outline_m))
    share = inside_area / shapely.area(zones_m[candidates])
    whole = share >= 1 - AREA_TOLERANCE
    cut = ~whole & (share > AREA_TOLERANCE)
    kept = candidates[whole | cut]
    if len(kept) == 0:
        raise InvalidInputError(
            "no population zone lies in the commune",
            problems=[FieldProblem("population", "no zone lies inside the boundary")],
        )
    labels = _labels(zones, zone_id_field)
    frame = zones.iloc[kept].copy()
    frame = frame.set_geometry(
        list(polygonal(np.asarray(shapely.intersection(geoms[kept], outline), dtype=object))),
        crs=zones.crs,
    )
    cut_rows = np.flatnonzero(cut[whole | cut])
    cut_share = share[cut]
    outside = 0.0
    values = frame[population_field].to_numpy(dtype=object).copy()
    for row, kept_share in zip(cut_rows, cut_share, strict=True):
        number = population_value(values[row])
        if isinstance(number, float):
            values[row] = number * kept_share
            outside += number * (1 - kept_share)
    numeric = all(isinstance(population_value(v), float) for v in values)
    frame[population_field] = (
        pd.Series(values, index=frame.index, dtype=np.float64) if numeric else values
    )
    clip = ZonesClip(
        zones_read=len(zones),
        zones_inside=int(whole.sum()),
        zones_straddling=tuple(labels[i] for i in candidates[cut]),
        zones_outside=len(zones) - len(kept),
        population_outside=outside,
    )
    return frame, clip


def _labels(zones: gpd.GeoDataFrame, zone_id_field: str | None) -> list[str]:
    if zone_id_field is None or zone_id_field not in zones.columns:
        return [str(i) for i in zones.index]
    return [
        str(index) if pd.isna(value) else str(value)
        for index, value in zip(zones.index, zones[zone_id_field], strict=True)
    ]
