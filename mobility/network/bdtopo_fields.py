# SPDX-License-Identifier: MIT
"""IGN's BD TOPO road sections (``troncon_de_route``) read as streets: who, which way, how fast.

Source: IGN, « BD TOPO® Version 3 — Descriptif de contenu », theme Transport, class « Tronçon de
route » (geoservices.ign.fr, DC_BDTOPO_3-x.pdf), whose attribute names and values are used here,
and IGN's own route graph generator (github.com/IGNF/route-graph-generator, ``sql/bdtopo_v3.3.sql``)
for how a section becomes an edge. The GeoPackage's long names are read, and the Shapefile's short
ones (``SENS``, ``VIT_MOY_VL``, ``POS_SOL``, ``ACCES_VL``, ``ACCES_PED``, ``ETAT``). Values are
compared without case or accents (``À péage`` is ``A péage``).

Each section becomes OSM-style tags, so the one rule table of :mod:`mobility.network.classes`
decides walk and drive for BD TOPO as for every other source:

``nature``
    « Type autoroutier » (and BD TOPO 2's « Autoroute », « Quasi-autoroute ») is a motorway and
    « Bretelle » a motorway link: cars only. « Chemin » is a track, « Sentier » a path,
    « Escalier » steps, « Piste cyclable » a cycleway: pedestrians, no cars. « Bac ou liaison
    maritime » (« Bac auto », « Bac piéton ») is a timetabled crossing, not a street: no view
    holds it. Every other road (« Route à 1 chaussée », « Route à 2 chaussées », « Rond-point »,
    « Route empierrée »...) takes its class from ``importance`` (1 trunk, 2 primary,
    3 secondary, 4 tertiary, 5 residential, 6 service, else road), which only sets the speed
    assumed when BD TOPO gives none.
``acces_vehicule_leger``
    « Libre » and « A péage » open the section to cars; « Restreint aux ayants droit » (or any
    « restreint ») closes it (``motorcar=private``) and « Physiquement impossible » too
    (``motorcar=no``); an unknown or empty value leaves the decision to the nature.
``acces_pieton``
    The same for pedestrians (``foot``); « Passage difficile » stays open.
``prive``
    A private section is closed to whoever its access field does not explicitly open
    (``access=private``, overridden by ``motorcar``/``foot``): BD TOPO marks as private the
    roads of estates, car parks and sites whose owner may close them, and IGN itself gives them
    no light-vehicle speed. A planner's coverage should not rely on them unless BD TOPO states
    that they are open (« Libre »).
``sens_de_circulation``
    « Double sens » two-way, « Sens direct » one-way along the line's drawing direction,
    « Sens inverse » one-way against it, « Sans objet » no car traffic at all (paths, stairs,
    pedestrian streets): walk only, both ways. One-way streets are walked both ways, as always.
``vitesse_moyenne_vl``
    The mean light-vehicle speed (km/h) IGN computes per section becomes the drive speed (stored
    as ``maxspeed_kmh``); 0 or 1 (IGN's « no speed », given to tracks) and empty values fall
    back to the class speed of :mod:`mobility.network.speeds`.
``etat_de_l_objet``
    Only « En service » sections are streets; « En construction », « En projet » and the
    others (« Non exploité »...) are kept in the graph with no mode.
``position_par_rapport_au_sol``
    The level (0 on the ground, 1 to 4 above, -1 to -4 below, « Gué ou radier » a ford, on the
    ground), reported with the graph.
``nom_collaboratif_gauche``, ``nom_voie_ban_gauche`` (or the right side's)
    The street's name.
``fictif``
    Fictitious sections (drawn across a square or a car park to keep the network continuous)
    are routed like the others, as IGN's route graph does; the field is kept on the edges.

BD TOPO is topological: a section runs from one junction to the next, and IGN's graph joins
sections at their end points only (its inner vertices « do not form the topology »). So do we:
a bridge crossing a street, whatever its drawing, never becomes a junction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd

from mobility.network.line_fields import FieldReading, find_columns, text_values

FIELD_NAMES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "nature": ("nature",),
        "direction": ("sens_de_circulation", "sens"),
        "speed": ("vitesse_moyenne_vl", "vit_moy_vl"),
        "level": ("position_par_rapport_au_sol", "pos_sol"),
        "car_access": ("acces_vehicule_leger", "acces_vl"),
        "foot_access": ("acces_pieton", "acces_ped"),
        "state": ("etat_de_l_objet", "etat"),
        "private": ("prive",),
        "importance": ("importance",),
        "name": (
            "nom_collaboratif_gauche",
            "nom_voie_ban_gauche",
            "nom_1_gauche",
            "nom_coll_g",
            "nom_1_g",
            "nom_collaboratif_droite",
            "nom_voie_ban_droite",
            "nom_1_droite",
            "nom_coll_d",
            "nom_1_d",
        ),
    }
)
"""Each attribute the rules read, and the column names it goes by (GeoPackage, then Shapefile)."""

MOTORWAY_NATURES = frozenset({"type autoroutier", "autoroute", "quasi-autoroute"})
NATURE_CLASSES: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys(MOTORWAY_NATURES, "motorway"),
        "bretelle": "motorway_link",
        "chemin": "track",
        "sentier": "path",
        "escalier": "steps",
        "piste cyclable": "cycleway",
    }
)
"""The natures that are a class by themselves; other roads take theirs from ``importance``."""
FERRY_NATURES = frozenset({"bac ou liaison maritime", "bac auto", "bac pieton"})
IMPORTANCE_CLASSES: Mapping[str, str] = MappingProxyType(
    {
        "1": "trunk",
        "2": "primary",
        "3": "secondary",
        "4": "tertiary",
        "5": "residential",
        "6": "service",
    }
)
ROAD_WITHOUT_IMPORTANCE = "road"
DIRECTIONS: Mapping[str, str] = MappingProxyType(
    {"double sens": "no", "sens direct": "yes", "sens inverse": "-1", "sans objet": "no"}
)
"""``sens_de_circulation`` as an OSM ``oneway`` value."""
NO_CAR_TRAFFIC = "sans objet"
OPEN_ACCESS = frozenset({"libre", "a peage", "passage difficile"})
CLOSED_ACCESS = frozenset({"physiquement impossible", "interdit"})
IN_SERVICE = "en service"
NOT_IN_SERVICE_CLASSES: Mapping[str, str] = MappingProxyType(
    {"en construction": "construction", "en projet": "proposed", "projet": "proposed"}
)
"""Sections that are not streets yet, as OSM's lifecycle classes; any other state is disused."""
NO_SPEED_KMH = 1.0
"""IGN's speed for sections cars do not use (tracks): at or below it, the class speed applies."""
_TRUE = frozenset({"yes", "vrai", "true", "1", "oui", "t"})
_INTEGER = re.compile(r"^\s*([+-]?\d+)")


@dataclass(frozen=True, slots=True)
class BdTopoFields:
    """IGN BD TOPO's ``troncon_de_route`` (see the module notes for every rule and why)."""

    name: str = "bdtopo"

    def matches(self, columns: Sequence[str]) -> bool:
        """Read a file with BD TOPO's ``nature`` and direction, and its speed or access fields."""
        found = _found_fields(columns)
        return {"nature", "direction"} <= found.keys() and bool(
            {"speed", "car_access", "level"} & found.keys()
        )

    def read(self, rows: pd.DataFrame) -> FieldReading:
        """Turn every section into OSM-style tags and a level; sections meet at their ends."""
        found = _found_fields(rows.columns)
        blank: list[str | None] = [None] * len(rows)
        values = {key: text_values(rows[column]) for key, column in found.items()}
        keys = (
            "nature",
            "direction",
            "speed",
            "car_access",
            "foot_access",
            "state",
            "private",
            "importance",
        )
        columns = [values.get(key, blank) for key in keys]
        names = _first_names(rows, blank)
        tags: list[dict[str, str]] = []
        for row, name in enumerate(names):
            row_tags = dict(section_tags(*(column[row] for column in columns)))
            if name is not None:
                row_tags["name"] = name
            tags.append(row_tags)
        levels = None
        level_fields: tuple[str, ...] = ()
        if "level" in found:
            levels = np.array([section_level(value) for value in values["level"]], np.int64)
            level_fields = (found["level"],)
        return FieldReading(self.name, tags, True, levels, level_fields, ends_only=True)


BDTOPO = BdTopoFields()


@lru_cache(maxsize=4096)
def section_tags(
    nature: str | None,
    direction: str | None,
    speed: str | None,
    car_access: str | None,
    foot_access: str | None,
    state: str | None,
    private: str | None,
    importance: str | None,
) -> Mapping[str, str]:
    """Return the OSM-style tags of one section from its BD TOPO values (cached: few combine).

    Returns a read-only mapping: copy it before adding to it.
    """
    kind = _plain(nature)
    if kind in FERRY_NATURES:
        return MappingProxyType({"route": "ferry", "access": "no"})
    highway = NATURE_CLASSES.get(kind) or IMPORTANCE_CLASSES.get(
        (importance or "").strip(), ROAD_WITHOUT_IMPORTANCE
    )
    tags: dict[str, str] = {"highway": highway}
    condition = _plain(state)
    if condition and condition != IN_SERVICE:
        tags["highway"] = NOT_IN_SERVICE_CLASSES.get(condition, "disused")
        tags[tags["highway"]] = highway
    way = _plain(direction)
    tags["oneway"] = DIRECTIONS.get(way, "no")
    if kind == "rond-point":
        tags["junction"] = "roundabout"
    if _plain(private) in _TRUE:
        tags["access"] = "private"
    car = _access(car_access)
    if car is not None:
        tags["motorcar"] = car
    if way == NO_CAR_TRAFFIC:
        tags["motorcar"] = "no"
    foot = _access(foot_access)
    if foot is not None:
        tags["foot"] = foot
    kmh = _speed_kmh(speed)
    if kmh is not None:
        tags["maxspeed"] = f"{kmh:g}"
    return MappingProxyType(tags)


def section_level(position: str | None) -> int:
    """Return a section's level from ``position_par_rapport_au_sol`` (a ford is on the ground)."""
    match = _INTEGER.match(position or "")
    return int(match.group(1)) if match else 0


def _access(value: str | None) -> str | None:
    """Read an ``acces_*`` value as an OSM access value, ``None`` when it says nothing."""
    text = _plain(value)
    if text in OPEN_ACCESS:
        return "yes"
    if text in CLOSED_ACCESS:
        return "no"
    if "restreint" in text:
        return "private"
    return None


def _speed_kmh(value: str | None) -> float | None:
    try:
        kmh = float((value or "").replace(",", "."))
    except ValueError:
        return None
    return kmh if NO_SPEED_KMH < kmh <= 300.0 else None


def _plain(value: str | None) -> str:
    """Lower-case, accent-free, single-spaced text, so « À péage » equals « A peage »."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.lower().split())


def _found_fields(columns: Sequence[object]) -> dict[str, str]:
    """Map each attribute of :data:`FIELD_NAMES` but the name to the file's column holding it."""
    found: dict[str, str] = {}
    for key, names in FIELD_NAMES.items():
        if key == "name":
            continue
        present = find_columns(columns, names)
        column = next((present[name] for name in names if name in present), None)
        if column is not None:
            found[key] = column
    return found


def _first_names(rows: pd.DataFrame, blank: list[str | None]) -> list[str | None]:
    """Return each section's name: the first name field, in :data:`FIELD_NAMES` order, set."""
    present = find_columns(rows.columns, FIELD_NAMES["name"])
    columns = [text_values(rows[present[key]]) for key in FIELD_NAMES["name"] if key in present]
    if not columns:
        return list(blank)
    rows_of_names = zip(*columns, strict=True)
    return [next((value for value in row if value is not None), None) for row in rows_of_names]
