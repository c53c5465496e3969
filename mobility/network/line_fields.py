# SPDX-License-Identifier: MIT
"""What the fields of a line file say: who may travel a line, which way, how fast, at what level.

Line files name their fields in many ways. Each kind of file has a :class:`LineFields` rule set
that turns a row into OSM-style tags (``highway``, ``oneway``, ``maxspeed``, access tags...), so
that one rule table (:mod:`mobility.network.classes`, :mod:`mobility.network.speeds`) decides
walk, drive, direction and speed for every format, and into a level (0 on the ground, 1 a bridge,
-1 a tunnel) so that crossings at different levels stay apart.

:data:`mobility.network.line_rules.LINE_FIELD_RULES` is tried in order and the first rule set
whose ``matches`` accepts the file's columns reads it; :data:`OSM_STYLE` (the last) accepts any
file. IGN's BD TOPO (``nature``, ``sens_de_circulation``, ``position_par_rapport_au_sol``) has
its own rule set placed before it (:mod:`mobility.network.bdtopo_fields`).

OSM-style rules
    Field names are matched without regard to case (a Shapefile's ``HIGHWAY`` is ``highway``).
    ``highway``, ``oneway``, ``junction``, ``maxspeed`` (or ``maxspeed:type``, ``zone:maxspeed``),
    ``access``, ``foot``, ``motorcar``, ``motor_vehicle``, ``vehicle``, ``motorroad``, ``area``
    and ``name`` (or ``nom``) are read as OSM tags. A file without any ``highway`` value has no
    classes: every line is two-way (unless ``oneway`` says otherwise), walkable and drivable at
    the classless default speed, as for a GraphML without classes. The level is ``layer`` when it
    is an integer, else 1 for a ``bridge`` and -1 for a ``tunnel`` (not a ``building_passage``,
    which runs at street level), else 0; a file with none of these three fields has no level
    information.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from mobility.network.classes import split_values

TAG_FIELDS = (
    "highway",
    "oneway",
    "junction",
    "maxspeed",
    "maxspeed:type",
    "zone:maxspeed",
    "access",
    "foot",
    "motorcar",
    "motor_vehicle",
    "vehicle",
    "motorroad",
    "area",
    "service",
)
"""OSM keys read as tags when a file has a field of that name."""

NAME_FIELDS = ("name", "nom")
LEVEL_FIELDS = ("layer", "bridge", "tunnel")
_NOT_SET = frozenset({"", "no", "none", "false", "0", "nan", "null"})
_GROUND_TUNNELS = frozenset({"building_passage"})
_INTEGER = re.compile(r"^\s*([+-]?\d+)")


@dataclass(frozen=True, slots=True)
class FieldReading:
    """What a rule set read from a file's rows: per row its tags and, when known, its level.

    ``ends_only`` is true for a topological file, whose lines meet only at their ends (see
    :func:`mobility.network.noding.node_lines`).
    """

    rules: str
    tags: list[dict[str, str]]
    has_classes: bool
    levels: npt.NDArray[np.int64] | None
    level_fields: tuple[str, ...]
    ends_only: bool = False


class LineFields(Protocol):
    """A rule set for one kind of line file (see the module notes)."""

    @property
    def name(self) -> str:
        """Name the rule set in the report (``"osm-style"``)."""
        ...

    def matches(self, columns: Sequence[str]) -> bool:
        """Tell whether this rule set reads a file with these columns."""
        ...

    def read(self, rows: pd.DataFrame) -> FieldReading:
        """Read every row's tags and level."""
        ...


@dataclass(frozen=True, slots=True)
class OsmStyleFields:
    """OSM keys as fields (OSM exports, OSMnx edge files, most open-data street files)."""

    name: str = "osm-style"

    def matches(self, columns: Sequence[str]) -> bool:
        """Read any file: fields it lacks fall back to the documented defaults."""
        return True

    def read(self, rows: pd.DataFrame) -> FieldReading:
        """Read tags from the OSM-named fields and levels from ``layer``/``bridge``/``tunnel``."""
        columns = find_columns(rows.columns, (*TAG_FIELDS, *NAME_FIELDS, *LEVEL_FIELDS))
        values = {key: text_values(rows[column]) for key, column in columns.items()}
        tag_values = {key: values[key] for key in TAG_FIELDS if key in values}
        name_key = next((key for key in NAME_FIELDS if key in values), None)
        if name_key is not None:
            tag_values["name"] = values[name_key]
        tags = [present_values(tag_values, row) for row in range(len(rows))]
        has_classes = any(split_values(row.get("highway")) for row in tags)
        level_fields = tuple(key for key in LEVEL_FIELDS if key in values)
        levels = None
        if level_fields:
            blank: list[str | None] = [None] * len(rows)
            layer, bridge, tunnel = (values.get(key, blank) for key in LEVEL_FIELDS)
            levels = np.array(
                [osm_level(*row) for row in zip(layer, bridge, tunnel, strict=True)],
                dtype=np.int64,
            )
        return FieldReading(self.name, tags, has_classes, levels, level_fields)


OSM_STYLE = OsmStyleFields()


def osm_level(layer: str | None, bridge: str | None, tunnel: str | None) -> int:
    """Return a line's level from OSM's ``layer``, ``bridge`` and ``tunnel`` values."""
    if layer is not None and (match := _INTEGER.match(layer)):
        return int(match.group(1))
    if bridge is not None and bridge.strip().lower() not in _NOT_SET:
        return 1
    if tunnel is not None and tunnel.strip().lower() not in _NOT_SET | _GROUND_TUNNELS:
        return -1
    return 0


def find_columns(columns: Sequence[object], wanted: Sequence[str]) -> dict[str, str]:
    """Map each wanted key to the file's column of that name, compared without case."""
    by_lower = {str(column).lower(): str(column) for column in reversed(list(columns))}
    return {key: by_lower[key] for key in wanted if key in by_lower}


def text_values(column: pd.Series) -> list[str | None]:
    """Return a column's values as stripped text, ``None`` where empty or missing."""
    return [_text(value) for value in column.tolist()]


def _text(value: object) -> str | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool | np.bool_):
        value = "yes" if value else "no"
    text = str(value).strip()
    return text or None


def present_values(columns: Mapping[str, list[str | None]], row: int) -> dict[str, str]:
    """Return one row's values by key, leaving out the empty ones."""
    found: dict[str, str] = {}
    for key, values in columns.items():
        value = values[row]
        if value is not None:
            found[key] = value
    return found


def row_extras(rows: pd.DataFrame) -> list[dict[str, str]]:
    """Return every row's fields as raw text, kept on the edges as the graph contract says."""
    columns = {str(c): text_values(rows[c]) for c in rows.columns}
    return [present_values(columns, row) for row in range(len(rows))]
