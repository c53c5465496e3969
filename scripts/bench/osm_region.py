# SPDX-License-Identifier: MIT
"""A synthetic regional OpenStreetMap extract written as PBF, for ``make bench-import``.

What a regional download holds, at a size a benchmark can write in a minute: a street grid over
about 60 km × 55 km around Paris (each block side one way of five nodes, the class varying like
a real network: residential, tertiary, secondary, primary, footway, service; names, some
``oneway`` and ``maxspeed``), two buildings per block (closed ways of five nodes, the bulk of a
real extract's nodes), crossings and traffic signals on some junctions, and the assets the import
keeps: charging stations (``socket:*``, ``capacity``, operator), car parks as nodes, closed ways
and multipolygon relations, bicycle parking, bus stops and railway stations. Ids are ascending
and sparse like OSM's (nodes from 10⁹, ways from 10⁸, relations from 10⁶).

The commune imported is a 2 km square in the middle; the grid is the same whatever the commune,
so the floor (one pass over the same file) is comparable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import osmium

WEST, SOUTH = 2.0, 48.6
LON_STEP, LAT_STEP = 0.00205, 0.00135
"""Junction spacing (about 150 m): a block side is a way of five nodes (four segments)."""
NODES_PER_SIDE = 4
CLASSES = ("residential", "residential", "tertiary", "residential", "secondary", "footway")
"""Street classes by column or row number; every 40th line is a primary road, every 9th service."""
EDITED = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
"""The last edit of every tagged object (a charger's IRVE ``date_maj`` comes from it)."""
_SQUARE = ((0.0, 0.0), (0.0004, 0.0), (0.0004, 0.0003), (0.0, 0.0003))

WayRow = tuple[int, list[int], dict[str, str]]
RelationRow = tuple[int, list[tuple[str, int, str]], dict[str, str]]
NodeMaker = Callable[..., int]


@dataclass(frozen=True)
class Region:
    """The written file and what is in it."""

    path: Path
    columns: int
    rows: int
    nodes: int
    ways: int
    relations: int
    chargers: int
    commune: tuple[float, float, float, float]
    """West, south, east, north of the 2 km commune in the middle (lon/lat)."""


class _Ids:
    """Ascending, sparse ids (a gap of 1 to 3 between neighbours, as edits leave them)."""

    def __init__(self, start: int) -> None:
        self.next = start

    def take(self) -> int:
        value = self.next
        self.next += 1 + value % 3
        return value


def write_region(path: Path, columns: int = 360, rows: int = 400) -> Region:
    """Write the synthetic extract (``columns`` × ``rows`` junctions) to ``path``."""
    node_ids, way_ids, relation_ids = _Ids(1_000_000_000), _Ids(100_000_000), _Ids(1_000_000)
    ways: list[WayRow] = []
    relations: list[RelationRow] = []
    written = 0
    junction: dict[tuple[int, int], int] = {}
    step_lon, step_lat = LON_STEP / NODES_PER_SIDE, LAT_STEP / NODES_PER_SIDE

    writer = osmium.SimpleWriter(str(path))

    def node(lon: float, lat: float, tags: dict[str, str] | None = None) -> int:
        nonlocal written
        ident = node_ids.take()
        stamp = EDITED if tags else None
        located = osmium.osm.mutable.Node(
            id=ident, location=(lon, lat), tags=tags or {}, timestamp=stamp
        )
        writer.add_node(located)
        written += 1
        return ident

    for col in range(columns):
        for row in range(rows):
            tags = {}
            if (col * 7 + row) % 23 == 0:
                tags = {"highway": "traffic_signals"}
            elif (col + row * 5) % 17 == 0:
                tags = {"highway": "crossing", "crossing": "marked"}
            junction[col, row] = node(WEST + col * LON_STEP, SOUTH + row * LAT_STEP, tags)
    for col in range(columns):
        for row in range(rows):
            for horizontal in (True, False):
                end = (col + 1, row) if horizontal else (col, row + 1)
                if end not in junction:
                    continue
                line = row if horizontal else col
                refs = [junction[col, row]]
                for k in range(1, NODES_PER_SIDE):
                    lon = WEST + col * LON_STEP + (k * step_lon if horizontal else 0.0)
                    lat = SOUTH + row * LAT_STEP + (0.0 if horizontal else k * step_lat)
                    refs.append(node(lon, lat))
                refs.append(junction[end])
                ways.append((way_ids.take(), refs, _street_tags(line, horizontal)))
    chargers = 0
    for col in range(columns - 1):
        for row in range(rows - 1):
            west = WEST + col * LON_STEP + step_lon * 0.6
            south = SOUTH + row * LAT_STEP + step_lat * 0.6
            for half in (0, 2):
                corners = [
                    node(west + (half + dx) * step_lon, south + dy * step_lat)
                    for dx, dy in ((0, 0), (1.4, 0), (1.4, 2.6), (0, 2.6))
                ]
                levels = str(2 + (col + row) % 6)
                building = {"building": "yes", "building:levels": levels}
                ways.append((way_ids.take(), [*corners, corners[0]], building))
            chargers += _block_assets(
                (col, row), (west, south), node, ways, relations, (way_ids, relation_ids)
            )
    middle_lon = WEST + columns // 2 * LON_STEP
    middle_lat = SOUTH + rows // 2 * LAT_STEP
    half_lon, half_lat = 0.0136, 0.009  # about 1 km each way
    try:
        for ident, refs, tags in ways:
            writer.add_way(
                osmium.osm.mutable.Way(id=ident, nodes=refs, tags=tags, timestamp=EDITED)
            )
        for ident, members, tags in relations:
            writer.add_relation(
                osmium.osm.mutable.Relation(id=ident, members=members, tags=tags, timestamp=EDITED)
            )
    finally:
        writer.close()
    return Region(
        path=path,
        columns=columns,
        rows=rows,
        nodes=written,
        ways=len(ways),
        relations=len(relations),
        chargers=chargers,
        commune=(
            middle_lon - half_lon,
            middle_lat - half_lat,
            middle_lon + half_lon,
            middle_lat + half_lat,
        ),
    )


def _street_tags(line: int, horizontal: bool) -> dict[str, str]:
    """The tags of a block side on grid line ``line``: class, name, sometimes oneway, maxspeed."""
    kind = "primary" if line % 40 == 0 else "service" if line % 9 == 0 else CLASSES[line % 6]
    prefix = "Rue" if horizontal else "Avenue"
    tags = {"highway": kind, "name": f"{prefix} {line + 1}"}
    if kind in {"residential", "tertiary"} and line % 4 == 1:
        tags["oneway"] = "yes" if horizontal else "-1"
    if kind in {"primary", "secondary"}:
        tags["maxspeed"] = "50"
    if kind == "residential" and line % 5 == 0:
        tags["maxspeed"] = "30"
    return tags


def _block_assets(
    cell: tuple[int, int],
    corner: tuple[float, float],
    node: NodeMaker,
    ways: list[WayRow],
    relations: list[RelationRow],
    ids: tuple[_Ids, _Ids],
) -> int:
    """Place a block's assets (a few blocks in a hundred hold one); return the chargers added."""
    col, row = cell
    west, south = corner
    lon, lat = west + 0.0011, south + 0.0002
    way_ids, relation_ids = ids
    pick = (col * 31 + row * 17) % 97
    if pick == 0:
        sockets = "2" if (col + row) % 2 else "4"
        node(
            lon,
            lat,
            {
                "amenity": "charging_station",
                "capacity": sockets,
                "socket:type2": sockets,
                "socket:type2:output": "22 kW",
                "operator": "Réseau synthétique",
                "access": "yes",
                "fee": "yes",
            },
        )
        return 1
    if pick == 1:
        node(
            lon,
            lat,
            {
                "amenity": "charging_station",
                "socket:type2_combo": "2",
                "socket:type2_combo:output": "150 kW",
                "capacity": "2",
            },
        )
        return 1
    if pick == 2:
        node(lon, lat, {"highway": "bus_stop", "name": f"Arrêt {col}-{row}", "bus": "yes"})
    elif pick == 3:
        node(lon, lat, {"amenity": "bicycle_parking", "capacity": "10"})
    elif pick == 4:
        corners = [node(lon + dx, lat + dy) for dx, dy in _SQUARE]
        tags = {"amenity": "parking", "capacity": "40", "parking": "surface", "fee": "no"}
        ways.append((way_ids.take(), [*corners, corners[0]], tags))
    elif pick == 5:
        corners = [node(lon + dx, lat + dy) for dx, dy in _SQUARE]
        outline = way_ids.take()
        ways.append((outline, [*corners, corners[0]], {}))
        tags = {"type": "multipolygon", "amenity": "parking", "parking": "underground"}
        relations.append((relation_ids.take(), [("w", outline, "outer")], tags))
    elif pick == 6 and col % 5 == 0:
        tags = {"railway": "station", "name": f"Gare {col}-{row}", "train": "yes"}
        node(lon, lat, tags)
    return 0
