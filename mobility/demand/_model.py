# SPDX-License-Identifier: MIT
"""The result of spreading population: the points and the statement of how they were made."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd

from mobility.demand._clip import ZonesClip

Weighting = Literal["street_length", "building_floor_area", "mixed"]
PointSource = Literal["street", "building", "zone_centre"]

# How many zone ids a sentence lists before saying "and N more".
_IDS_IN_SENTENCE = 5


@dataclass(frozen=True)
class DemandMethod:
    """How the demand points were made, to be stated in every analysis response.

    ``zones_by_buildings + zones_by_streets + len(zones_without_streets)
    + len(zones_with_zero_population) == zones_count``.
    """

    weighting: Weighting
    population_source: str
    population_field: str
    spacing_m: float
    zones_count: int
    zones_by_buildings: int
    zones_by_streets: int
    zones_without_streets: tuple[str, ...]
    zones_with_zero_population: tuple[str, ...]
    total_population: float
    points_count: int
    description: str
    levels_field: str | None = None
    default_levels: float = 1.0
    population_description: str | None = None
    population_year: int | None = None
    boundary_clip: ZonesClip | None = None
    age_group: str | None = None
    commune_total: float | None = None
    commune_total_rule: str | None = None
    carried: tuple[tuple[str, str], ...] = ()
    """The figures the points carry beside the inhabitants: (name, source field) pairs."""

    def population(self) -> dict[str, object]:
        """Name the population counted: its field, what it counts, its age group, year and file.

        ``description``, ``age_group`` and ``year`` are what the commune's loader stated or the
        INSEE column's name tells (``P21_POP1529``: 2021, aged 15 to 29), None when nobody said:
        the field's name is then all an answer can tell, and nothing is guessed from it.
        """
        return {
            "field": self.population_field,
            "description": self.population_description,
            "age_group": self.age_group,
            "year": self.population_year,
            "source": self.population_source,
        }

    def totals(self) -> dict[str, object] | None:
        """Return the commune's own total in the source next to the total used, or None.

        Known when the source counts the commune itself (INSEE's table by its ``COM`` code, the
        grid by the squares' area inside): the difference is what the zones without a row,
        the rows without a zone and the cuts at the boundary left out.
        """
        if self.commune_total is None:
            return None
        return {
            "commune_total_in_source": round(self.commune_total, 1),
            "used": round(self.total_population, 1),
            "difference": round(self.total_population - self.commune_total, 1),
            "rule": self.commune_total_rule,
        }

    def to_dict(self) -> dict[str, object]:
        """Return the method as a plain JSON-ready mapping (zone id tuples become lists)."""
        return {
            "weighting": self.weighting,
            "population_source": self.population_source,
            "population_field": self.population_field,
            "spacing_m": self.spacing_m,
            "zones_count": self.zones_count,
            "zones_by_buildings": self.zones_by_buildings,
            "zones_by_streets": self.zones_by_streets,
            "zones_without_streets": list(self.zones_without_streets),
            "zones_with_zero_population": list(self.zones_with_zero_population),
            "total_population": self.total_population,
            "points_count": self.points_count,
            "levels_field": self.levels_field,
            "default_levels": self.default_levels,
            "description": self.description,
            "population": self.population(),
            "boundary_clip": None if self.boundary_clip is None else self.boundary_clip.to_dict(),
            "totals": self.totals(),
            "carried": {name: field for name, field in self.carried},
        }


@dataclass
class DemandPoints:
    """Weighted demand points and the method that made them.

    ``points`` is a GeoDataFrame in EPSG:4326 with the columns ``point_id`` (0..n-1), ``zone``
    (the zone id, str), ``population`` (float, the inhabitants the point stands for), ``source``
    (``"street"``, ``"building"`` or ``"zone_centre"``) and ``geometry`` (Point).
    """

    points: gpd.GeoDataFrame
    method: DemandMethod

    @property
    def total_population(self) -> float:
        """Return the population carried by all the points."""
        return float(self.points["population"].sum())


def _count(n: int, singular: str, plural: str | None = None) -> str:
    word = singular if n == 1 else (plural or singular + "s")
    return f"{n:,} {word}"


def _metres(value: float) -> str:
    return f"{value:,.0f} m" if value == round(value) else f"{value:,.2f} m"


def _people(value: float) -> str:
    if abs(value - round(value)) < 1e-6:
        return _count(round(value), "inhabitant")
    return f"{value:,.1f} inhabitants"


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:_IDS_IN_SENTENCE])
    more = len(ids) - _IDS_IN_SENTENCE
    return f"{shown} and {more:,} more" if more > 0 else shown


def _levels_rule(levels_field: str | None, default_levels: float) -> str:
    default = f"{default_levels:g}"
    if levels_field is None:
        return f"no level count given, {default} assumed"
    return f"levels from '{levels_field}', the mean when several are listed, {default} when unknown"


def describe(method: DemandMethod) -> str:
    """Write the plain sentence(s) a planner can read out in a council meeting."""
    m = method
    zones_by_buildings, zones_by_streets = m.zones_by_buildings, m.zones_by_streets
    zones_without_streets = m.zones_without_streets
    zones_with_zero_population = m.zones_with_zero_population
    source = f" from {m.population_source}" if m.population_source else ""
    head = (
        f"Population of {_count(m.zones_count, 'zone')}{source} "
        f"({m.population_field}, {_people(m.total_population)}) spread onto "
        f"{_count(m.points_count, 'point')}"
    )
    along_streets = (
        f"every {_metres(m.spacing_m)} along the streets inside each zone, "
        "in proportion to street length"
    )
    floor_area = (
        f"floor area (footprint × levels; {_levels_rule(m.levels_field, m.default_levels)})"
    )
    if zones_by_buildings == 0:
        sentence = f"{head} {along_streets}."
    elif zones_by_streets == 0:
        sentence = f"{head} at the buildings inside each zone, in proportion to {floor_area}."
    elif zones_by_buildings <= zones_by_streets:
        sentence = (
            f"{head} {along_streets}; {_count(zones_by_buildings, 'zone')} used "
            f"{'its' if zones_by_buildings == 1 else 'their'} buildings instead, "
            f"in proportion to {floor_area}."
        )
    else:
        sentence = (
            f"{head} at the buildings inside each zone, in proportion to {floor_area}; "
            f"{_count(zones_by_streets, 'zone')} without buildings used points "
            f"{along_streets} instead."
        )
    if zones_without_streets:
        n = len(zones_without_streets)
        verb = "has" if n == 1 else "have"
        sentence += (
            f" {_count(n, 'zone')} with no street inside ({_ids(zones_without_streets)}) "
            f"{verb} a single point at {'its' if n == 1 else 'their'} centre."
        )
    if zones_with_zero_population:
        n = len(zones_with_zero_population)
        verb = "has" if n == 1 else "have"
        sentence += (
            f" {_count(n, 'zone')} ({_ids(zones_with_zero_population)}) {verb} no population "
            "and no point."
        )
    if m.boundary_clip is not None:
        sentence += m.boundary_clip.sentence()
    if m.commune_total is not None:
        sentence += (
            f" The source counts {_people(m.commune_total)} in the commune itself; "
            f"{_people(m.total_population)} are used."
        )
    return sentence
