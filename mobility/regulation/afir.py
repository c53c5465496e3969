# SPDX-License-Identifier: MIT
"""The fleet-based target of AFIR (Regulation (EU) 2023/1804, article 3(1)) for one commune.

Article 3(1) asks each Member State to provide, through publicly accessible recharging stations,
at least 1.3 kW of total power output per registered battery-electric light-duty vehicle and
0.8 kW per registered plug-in hybrid. The target binds the Member State as a whole; for a commune
it is an indicator. The installed power is the sum of the nominal powers of the distinct publicly
accessible points of the commune's charging-points layer. IRVE statique also lists points whose
access is reserved (``condition_acces`` "Accès réservé": a car park's subscribers, a fleet's
drivers); the article does not count them, so they are left out by default and reported apart,
and counted only when the caller asks for it.

IRVE statique states each point's nominal power, not the power of the grid connection a station's
points share: points on one delivery point (``num_pdl``) may be unable to deliver their nominal
powers at the same time. No cap is invented; the points sharing a delivery point and their power
are reported so that a reader can judge.

Arithmetic is exact (decimal): 1.3 × 1,000 cars is 1,300 kW, not 1,300.0000000000002.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from mobility.assets import Asset
from mobility.regulation.points import PublicPoint, distinct_points
from mobility.regulation.power_classes import (
    CLASS_LABELS,
    POWER_CLASSES,
    POWER_UNIT_ASSUMPTION,
    PowerClass,
)

REGULATION = "Regulation (EU) 2023/1804 (AFIR), article 3(1)"
KW_PER_BEV = Decimal("1.3")
KW_PER_PHEV = Decimal("0.8")
REPRESENTATIVE_KW: dict[PowerClass, Decimal] = {
    PowerClass.UP_TO_7_4: Decimal("7.4"),
    PowerClass.UP_TO_22: Decimal("22"),
    PowerClass.UP_TO_150: Decimal("50"),
    PowerClass.FROM_150: Decimal("150"),
}
"""The power a new point of each class is assumed to have when counting points to close a gap.

7.4 kW (single-phase 32 A, the top of class 1) and 22 kW (three-phase 32 A, the top of class 2)
are the usual AC ratings; 50 kW is the commonest DC rating between 22 and 150 kVA; 150 kW is the
bottom of class 4, so the class-4 count is an upper bound for faster chargers.
"""

FleetOrigin = Literal["request", "stored"]


@dataclass(frozen=True)
class FleetFigures:
    """The registered fleet the target is computed for, with its source and date."""

    bev: int
    phev: int
    source: str
    as_of: date | None
    origin: FleetOrigin
    stored_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the fleet as JSON-ready values."""
        return {
            "bev": self.bev,
            "phev": self.phev,
            "source": self.source,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "origin": self.origin,
            "stored_at": self.stored_at.isoformat() if self.stored_at else None,
        }


@dataclass(frozen=True)
class SharedSupply:
    """Points of one station that share a grid delivery point (``num_pdl``)."""

    delivery_points: int
    points: int
    power_kw: float
    points_with_known_delivery_point: int

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as JSON-ready values."""
        return {
            "delivery_points_shared": self.delivery_points,
            "points": self.points,
            "nominal_power_kw": self.power_kw,
            "points_with_known_delivery_point": self.points_with_known_delivery_point,
        }


@dataclass(frozen=True)
class ReservedAccess:
    """The points whose access is reserved, apart from the public ones, and whether they count."""

    points: int
    power_kw: float
    counted: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as JSON-ready values."""
        return {"points": self.points, "power_kw": self.power_kw, "counted": self.counted}


@dataclass(frozen=True)
class AfirCheck:
    """Installed public power of a commune against the AFIR fleet-based target."""

    commune: str
    scenario_id: str | None
    points: int
    stations: int
    duplicate_rows: int
    installed_kw: float
    installed_by_class: dict[PowerClass, tuple[int, float]]
    shared_supply: SharedSupply
    reserved: ReservedAccess
    fleet: FleetFigures | None
    required_kw: float | None
    gap_kw: float | None
    points_to_close_gap: dict[PowerClass, int] | None
    notes: tuple[str, ...]

    @property
    def target_met(self) -> bool | None:
        """Tell whether the installed power reaches the target (None without a fleet)."""
        return None if self.gap_kw is None else self.gap_kw == 0

    def to_dict(self) -> dict[str, Any]:
        """Return the check as JSON-ready values."""
        return {
            "commune": self.commune,
            "scenario": self.scenario_id,
            "regulation": REGULATION,
            "ratios_kw": {"bev": float(KW_PER_BEV), "phev": float(KW_PER_PHEV)},
            "fleet": self.fleet.to_dict() if self.fleet else None,
            "installed": {
                "power_kw": self.installed_kw,
                "points": self.points,
                "stations": self.stations,
                "duplicate_rows_dropped": self.duplicate_rows,
                "by_class": {
                    c.suffix: {"points": count, "power_kw": power}
                    for c, (count, power) in self.installed_by_class.items()
                },
                "shared_supply": self.shared_supply.to_dict(),
            },
            "reserved_access": self.reserved.to_dict(),
            "required_kw": self.required_kw,
            "gap_kw": self.gap_kw,
            "target_met": self.target_met,
            "points_to_close_gap": (
                None
                if self.points_to_close_gap is None
                else {
                    c.suffix: {
                        "points": count,
                        "representative_power_kw": float(REPRESENTATIVE_KW[c]),
                        "class_bounds": CLASS_LABELS[c],
                    }
                    for c, count in self.points_to_close_gap.items()
                }
            ),
            "notes": list(self.notes),
            "method": afir_method(include_reserved=self.reserved.counted),
        }


def required_power_kw(bev: int, phev: int) -> Decimal:
    """Return the AFIR target in kW: 1.3 per battery-electric car plus 0.8 per plug-in hybrid."""
    if bev < 0 or phev < 0:
        raise ValueError("fleet counts cannot be negative")
    return KW_PER_BEV * bev + KW_PER_PHEV * phev


def points_to_close(gap_kw: Decimal) -> dict[PowerClass, int]:
    """Return, for each class alone, how many points at its representative power close the gap."""
    if gap_kw < 0:
        raise ValueError("a gap cannot be negative")
    return {c: math.ceil(gap_kw / REPRESENTATIVE_KW[c]) for c in POWER_CLASSES}


def shared_supply(points: Iterable[PublicPoint]) -> SharedSupply:
    """Return the points that share a known delivery point with another point of their station."""
    groups: dict[tuple[str, str], list[PublicPoint]] = defaultdict(list)
    known = 0
    for point in points:
        if point.num_pdl is not None:
            known += 1
            groups[(point.station, point.num_pdl)].append(point)
    shared = [group for group in groups.values() if len(group) > 1]
    return SharedSupply(
        delivery_points=len(shared),
        points=sum(len(group) for group in shared),
        power_kw=_kw(sum((_decimal(p.power_kw) for g in shared for p in g), Decimal(0))),
        points_with_known_delivery_point=known,
    )


def afir_check(
    *,
    commune: str,
    assets: Sequence[Asset],
    fleet: FleetFigures | None,
    scenario_id: str | None = None,
    include_reserved: bool = False,
) -> AfirCheck:
    """Compare a commune's installed public charging power with the AFIR fleet-based target.

    Parameters
    ----------
    commune
        INSEE code of the commune.
    assets
        The commune's charging points (a scenario already applied when one is asked for).
    fleet
        The registered fleet with its source and date; None when none is known, in which case
        the target and the gap are None and a note says what is missing.
    include_reserved
        Count the points whose access is reserved as installed power too. Article 3(1) counts
        publicly accessible points only, so they are left out unless asked for; either way
        their number and power are reported apart.

    Returns
    -------
    AfirCheck
        Installed power (kW), required power, gap and points per class to close it.
    """
    point_set = distinct_points(assets)
    reserved_points = [p for p in point_set.points if p.reserved_access]
    counted = [p for p in point_set.points if include_reserved or not p.reserved_access]
    installed = _total_kw(counted)
    by_class: dict[PowerClass, tuple[int, float]] = {}
    for power_class in POWER_CLASSES:
        members = [p for p in counted if p.power_class is power_class]
        by_class[power_class] = (len(members), _kw(_total_kw(members)))
    supply = shared_supply(counted)
    reserved = ReservedAccess(
        points=len(reserved_points),
        power_kw=_kw(_total_kw(reserved_points)),
        counted=include_reserved,
    )
    notes: list[str] = []
    if reserved.points:
        notes.append(
            f"{reserved.points} points ({reserved.power_kw:g} kW) have reserved access: "
            + (
                "counted in the installed power as asked (include_reserved), although article "
                "3(1) counts publicly accessible points only"
                if include_reserved
                else "left out of the installed power, as article 3(1) counts publicly "
                "accessible points only (include_reserved=true counts them)"
            )
        )
    if supply.points:
        notes.append(
            f"{supply.points} points ({supply.power_kw:g} kW) share {supply.delivery_points} "
            "grid delivery points within their stations: their simultaneous power may be lower "
            "than the sum of their nominal powers, which IRVE statique does not state"
        )
    required = gap = None
    to_close = None
    if fleet is None:
        notes.append(
            "no registered fleet: give both bev and phev, or store the commune's fleet input "
            "(with its source and date), to get the required power and the gap"
        )
    else:
        required_decimal = required_power_kw(fleet.bev, fleet.phev)
        gap_decimal = max(Decimal(0), required_decimal - installed)
        required, gap = _kw(required_decimal), _kw(gap_decimal)
        to_close = points_to_close(gap_decimal)
        if fleet.as_of is None:
            notes.append("the fleet was given in the request without a date or source")
    return AfirCheck(
        commune=commune,
        scenario_id=scenario_id,
        points=len(counted),
        stations=len({p.station for p in counted}),
        duplicate_rows=point_set.duplicate_rows,
        installed_kw=_kw(installed),
        installed_by_class=by_class,
        shared_supply=supply,
        reserved=reserved,
        fleet=fleet,
        required_kw=required,
        gap_kw=gap,
        points_to_close_gap=to_close,
        notes=tuple(notes),
    )


def afir_method(*, include_reserved: bool = False) -> dict[str, str]:
    """Return how the check is computed, stated in every answer (which points were counted)."""
    return {
        "target": f"{REGULATION}: at least {KW_PER_BEV} kW of publicly accessible charging "
        f"power per registered battery-electric car and {KW_PER_PHEV} kW per plug-in hybrid; "
        "required_kw = 1.3 x bev + 0.8 x phev. The target binds the Member State nationally: "
        "for one commune it is an indicator",
        "installed": "sum of puissance_nominale (kW) of each distinct point of the commune's "
        "charging-points layer standing inside its boundary (the commune's own points: those "
        "of its surroundings are not counted), counted once (rows sharing id_pdc_itinerance, else "
        "id_pdc_local, are one point); "
        + (
            "every point counted, those with condition_acces 'Accès réservé' included, as "
            "include_reserved=true asked"
            if include_reserved
            else "publicly accessible points only: those with condition_acces 'Accès réservé' "
            "are left out and reported in reserved_access (include_reserved=true counts them)"
        ),
        "reserved_access": "points whose condition_acces is 'Accès réservé', with their "
        "nominal power; counted in the installed power only with include_reserved=true",
        "shared_supply": "IRVE statique gives no power per grid connection, so each point counts "
        "at its nominal power and no cap is assumed; points of one station sharing a delivery "
        "point (num_pdl; empty or all zeros taken as unknown) are reported, as their "
        "simultaneous power may be lower",
        "gap": "gap_kw = max(0, required_kw - installed_kw)",
        "points_to_close_gap": "for each class alone, ceil(gap_kw / representative power): "
        "7.4 kW and 22 kW (the usual AC ratings, tops of classes 1 and 2), 50 kW (the commonest "
        "DC rating of class 3), 150 kW (bottom of class 4, so an upper bound)",
        "power_classes": POWER_UNIT_ASSUMPTION,
    }


def _total_kw(points: Iterable[PublicPoint]) -> Decimal:
    return sum((_decimal(p.power_kw) for p in points), Decimal(0))


def _decimal(power_kw: float) -> Decimal:
    return Decimal(repr(power_kw))


def _kw(value: Decimal) -> float:
    return float(round(value, 3))
