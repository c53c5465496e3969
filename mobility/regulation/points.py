# SPDX-License-Identifier: MIT
"""Charging points as the regulations count them: each distinct point once, with its station.

A point is identified by its roaming id (``id_pdc_itinerance``), else its local id
(``id_pdc_local``), else the asset id; rows that share that identity are one point listed twice
and are counted once (the most recently updated row is kept). A station is identified the same
way (``id_station_itinerance``, else ``id_station_local``); a point without either, such as a
planned point of a scenario, is its own station.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from mobility.assets import NOT_CONCERNED, Asset, ChargingPointBase
from mobility.regulation.power_classes import PowerClass, empty_counts, power_class


@dataclass(frozen=True)
class PublicPoint:
    """One distinct charging point, reduced to what the diagnostics use."""

    key: str
    station: str
    asset_id: str
    lon: float
    lat: float
    power_kw: float
    power_class: PowerClass
    num_pdl: str | None
    reserved_access: bool
    date_maj: date | None


@dataclass(frozen=True)
class PointSet:
    """The distinct points of a set of assets and how many duplicate rows were dropped."""

    points: tuple[PublicPoint, ...]
    duplicate_rows: int = 0

    def counts_by_class(self) -> dict[PowerClass, int]:
        """Return the number of points in each power class."""
        counts = empty_counts()
        for point in self.points:
            counts[point.power_class] += 1
        return counts

    def stations(self) -> set[str]:
        """Return the distinct station keys."""
        return {point.station for point in self.points}

    def keys(self) -> set[str]:
        """Return the distinct point keys."""
        return {point.key for point in self.points}

    def latest_update(self) -> date | None:
        """Return the most recent ``date_maj`` among the points, when any is known."""
        dates = [point.date_maj for point in self.points if point.date_maj is not None]
        return max(dates) if dates else None


def _given(value: str | None) -> str | None:
    return value if value and value.strip() and value != NOT_CONCERNED else None


def point_key(asset: Asset, attributes: ChargingPointBase) -> str:
    """Return the identity of a charging point (roaming id, else local id, else asset id)."""
    roaming = _given(attributes.id_pdc_itinerance)
    if roaming:
        return f"itinerance:{roaming}"
    local = _given(attributes.id_pdc_local)
    return f"local:{local}" if local else f"asset:{asset.id}"


def station_key(attributes: ChargingPointBase, point: str) -> str:
    """Return the identity of a point's station; a point without station ids is its own."""
    roaming = _given(attributes.id_station_itinerance)
    if roaming:
        return f"itinerance:{roaming}"
    local = _given(attributes.id_station_local)
    return f"local:{local}" if local else f"point:{point}"


def supply_point(num_pdl: str | None) -> str | None:
    """Return the grid delivery point (PDL) number, or None when empty or a zeros placeholder."""
    if num_pdl is None:
        return None
    value = num_pdl.strip()
    if not value or set(value) <= {"0"}:
        return None
    return value


def distinct_points(assets: Iterable[Asset]) -> PointSet:
    """Return each distinct charging point of the assets once; other layers are ignored."""
    kept: dict[str, PublicPoint] = {}
    rows = 0
    for asset in assets:
        attributes = asset.attributes
        if not isinstance(attributes, ChargingPointBase):
            continue
        rows += 1
        key = point_key(asset, attributes)
        point = PublicPoint(
            key=key,
            station=station_key(attributes, key),
            asset_id=asset.id,
            lon=asset.lon,
            lat=asset.lat,
            power_kw=float(attributes.puissance_nominale),
            power_class=power_class(float(attributes.puissance_nominale)),
            num_pdl=supply_point(attributes.num_pdl),
            reserved_access=attributes.condition_acces == "Accès réservé",
            date_maj=attributes.date_maj,
        )
        previous = kept.get(key)
        if previous is None or _newer(point.date_maj, previous.date_maj):
            kept[key] = point
    return PointSet(points=tuple(kept.values()), duplicate_rows=rows - len(kept))


def _newer(candidate: date | None, current: date | None) -> bool:
    return candidate is not None and (current is None or candidate > current)
