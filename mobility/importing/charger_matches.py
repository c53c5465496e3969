# SPDX-License-Identifier: MIT
"""OSM charging stations that are IRVE stations already: the IRVE record wins.

An import given both the OSM file and the IRVE file meets most stations twice: once as the
operator declared it to IRVE, once as a mapper drew it in OSM. The IRVE record is the complete
one (operator, roaming ids, every point), so an OSM station standing within
:data:`SAME_PLACE_M` of an IRVE point is taken for the same place and not imported; the report
lists each match (OSM id, IRVE id, distance), so a planner can check the pairing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from mobility.assets import Asset, Layer
from mobility.geo import metric_transformer
from mobility.importing.assets import PlacedAssets

SAME_PLACE_M = 25.0
"""The distance (Lambert-93) within which an OSM station and an IRVE point are one place.

IRVE positions are declared by operators, often geocoded from the address or taken at the car
park's entrance, while OSM positions are drawn on the spot: for one station the two commonly
differ by 5 to 20 m. Two distinct public stations are rarely closer than a street's width and a
row of spaces (about 25 m): a wider radius would start merging the stations on either side of a
street, a narrower one would keep many stations twice."""


@dataclass(frozen=True)
class ChargerMatch:
    """An OSM station not imported because an IRVE point stands within the radius."""

    osm_id: str
    irve_id: str
    distance_m: float

    def to_dict(self) -> dict[str, Any]:
        """Return the match as a plain mapping for the report."""
        return {"osm": self.osm_id, "irve": self.irve_id, "distance_m": self.distance_m}


def drop_known_chargers(
    osm: PlacedAssets, irve: list[Asset], *, radius_m: float = SAME_PLACE_M
) -> tuple[PlacedAssets, list[ChargerMatch]]:
    """Return the OSM stage's assets without the stations an IRVE point stands near.

    Also return the matches: each such OSM station with its nearest IRVE point and the distance
    in metres (Lambert-93).
    """
    chargers = [i for i, a in enumerate(osm.assets) if a.layer is Layer.CHARGING_POINTS]
    points = [a for a in irve if a.layer is Layer.CHARGING_POINTS]
    if not chargers or not points:
        return osm, []
    tree = cKDTree(_metric(points))
    distances, nearest = tree.query(_metric([osm.assets[i] for i in chargers]))
    matches: dict[int, ChargerMatch] = {}
    for index, distance, other in zip(chargers, distances, nearest, strict=True):
        if distance <= radius_m:
            irve_id = points[int(other)].id
            matches[index] = ChargerMatch(osm.assets[index].id, irve_id, round(float(distance), 1))
    kept = [i for i in range(len(osm.assets)) if i not in matches]
    remaining = PlacedAssets(
        assets=[osm.assets[i] for i in kept],
        in_commune=[osm.in_commune[i] for i in kept],
        refused=osm.refused,
    )
    return remaining, list(matches.values())


def _metric(assets: list[Asset]) -> np.ndarray[Any, np.dtype[np.float64]]:
    x, y = metric_transformer().transform([a.lon for a in assets], [a.lat for a in assets])
    return np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
