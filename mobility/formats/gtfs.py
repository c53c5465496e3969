# SPDX-License-Identifier: MIT
"""Intermodal hubs from a GTFS feed (a zip) or a bare ``stops.txt``.

A hub is a place where one boards: a GTFS *station* (``location_type`` 1) with every stop whose
``parent_station`` names it, or a stop (``location_type`` 0 or empty) that belongs to no station.
Entrances, generic nodes and boarding areas (``location_type`` 2, 3, 4) are parts of a station,
not hubs: they are counted in ``skipped``.

* id: ``gtfs-<stop_id>`` (the stop id made URL-safe when it is not), ``source="gtfs"`` and
  ``source_id`` the stop id; position: the station's (or stop's) own ``stop_lat``/``stop_lon``;
  name: ``stop_name``.
* modes: the ``route_type`` of every route a trip of which calls at the station or one of its
  stops (``stop_times.txt`` → ``trips.txt`` → ``routes.txt``): 0 tram, 1 metro, 2 rail, 3 bus,
  5 cable tram → tram, 7 funicular → rail (boarded from a platform like a train; a
  ``skip`` would lose Montmartre's), 11 trolleybus → bus, 12 monorail → metro; extended types
  100-117 rail, 400-405 metro, 700-716 bus, 900-906 tram. A rail route named ``RER …`` (short or
  long name) is ``rer``. Other types (ferry, aerial lift, coach...) give no mode. Without trip
  data (a bare ``stops.txt``) the only mode source is the ``vehicle_type`` column some feeds add
  to ``stops.txt`` (same codes); a hub with no mode is skipped and counted, never guessed.
* lines: the ``route_short_name`` (else ``route_long_name``) of those routes, by mode then name.
* operator: the ``agency_name`` of the agencies running those routes, sorted, joined with ", ".

Rows are refused with the ``stops.txt`` line and column at fault (a problem in another file of
the feed names it: ``routes.txt:route_type``). A file that is not a GTFS feed at all (a broken
zip, no ``stops.txt``, no ``stop_id`` column, not UTF-8) raises
:class:`~mobility.errors.UnsupportedFormatError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from mobility.assets import HUB_MODES, Hub, HubMode, Layer, is_valid_feature_id
from mobility.errors import UnsupportedFormatError
from mobility.formats.geojson_common import slug
from mobility.formats.geometry import position_problem
from mobility.formats.gtfs_feed import FeedTable, GtfsFeed
from mobility.formats.report import (
    ParsedAsset,
    ProgressFn,
    ReadReport,
    ReportBuilder,
    validation_problems,
)

GTFS_FORMAT = "gtfs"

BASIC_ROUTE_TYPES: dict[int, HubMode] = {
    0: "tram",
    1: "metro",
    2: "rail",
    3: "bus",
    5: "tram",
    7: "rail",
    11: "bus",
    12: "metro",
}
EXTENDED_ROUTE_TYPES: tuple[tuple[range, HubMode], ...] = (
    (range(100, 118), "rail"),
    (range(400, 406), "metro"),
    (range(700, 717), "bus"),
    (range(900, 907), "tram"),
)
LOCATION_TYPES = {
    2: "location_type=2 (entrance or exit): part of a station, not a hub",
    3: "location_type=3 (generic node): part of a station, not a hub",
    4: "location_type=4 (boarding area): part of a station, not a hub",
}
NO_TRIPS = "no trip of the feed calls at this station or stop"
NO_MODE_DATA = (
    "no mode: stops.txt alone does not say which vehicles call here (send the whole feed with "
    "routes.txt, trips.txt and stop_times.txt, or a vehicle_type column)"
)

_RER = re.compile(r"^RER\b", re.IGNORECASE)


def route_type_mode(route_type: int) -> HubMode | None:
    """Return the hub mode of a GTFS ``route_type`` (basic or extended), or ``None``."""
    mode = BASIC_ROUTE_TYPES.get(route_type)
    if mode is not None:
        return mode
    for codes, extended in EXTENDED_ROUTE_TYPES:
        if route_type in codes:
            return extended
    return None


@dataclass
class _Route:
    mode: HubMode | None
    line: str | None
    agency: str | None


@dataclass
class _Place:
    """A station, or a stop of no station, gathered while reading ``stops.txt``."""

    stop_id: str
    line: int
    name: str
    lon: float
    lat: float
    vehicle_modes: set[HubMode] = field(default_factory=set)
    route_ids: set[str] = field(default_factory=set)


def read_gtfs(
    data: bytes, *, source_name: str = "", progress: ProgressFn | None = None
) -> ReadReport:
    """Read a GTFS feed (zip) or a bare ``stops.txt`` into hubs (see the module docstring).

    ``progress(done, total)`` is called as the files are read (``total`` is the number of steps).

    Raises
    ------
    UnsupportedFormatError
        When the file is empty, a broken zip, a zip without ``stops.txt``, not UTF-8, or a CSV
        without the ``stop_id``, ``stop_lat`` and ``stop_lon`` columns.
    """
    if not data or data.isspace():
        raise UnsupportedFormatError("The file is empty: expected a GTFS feed or stops.txt.")
    feed = GtfsFeed(data)
    builder = ReportBuilder(GTFS_FORMAT, source_name=source_name, id_field="stop_id")
    try:
        places, parents = _read_stops(feed.table("stops.txt"), builder)
        trip_files = ("routes.txt", "trips.txt", "stop_times.txt")
        with_trips = all(feed.has(name) for name in trip_files)
        steps = 4
        if progress is not None:
            progress(1, steps)
        routes: dict[str, _Route] = {}
        if with_trips:
            agencies = _read_agencies(feed) if feed.has("agency.txt") else {}
            routes = _read_routes(feed.table("routes.txt"), agencies, builder)
            trips = _read_trips(feed.table("trips.txt"))
            if progress is not None:
                progress(2, steps)
            _read_stop_times(feed.table("stop_times.txt"), trips, places, parents)
        if progress is not None:
            progress(3, steps)
    finally:
        feed.close()
    for place in places.values():
        _add_hub(place, routes, with_trips, builder)
    if progress is not None:
        progress(steps, steps)
    return builder.build()


def _coordinate(
    value: str, column: str, line: int, stop_id: str, builder: ReportBuilder
) -> float | None:
    if not value:
        builder.reject(line, stop_id, column, "The value is required for a station or stop.")
        return None
    try:
        return float(value)
    except ValueError:
        hint = " (use a dot as the decimal separator)" if "," in value else ""
        builder.reject(line, stop_id, column, f"The value {value!r} is not a number{hint}.")
        return None


def _read_stops(
    table: FeedTable, builder: ReportBuilder
) -> tuple[dict[str, _Place], dict[str, str]]:
    """Return the hubs-to-be by stop id and, for each stop of a station, its station's id."""
    missing = [c for c in ("stop_id", "stop_lat", "stop_lon") if c not in table.index]
    if missing:
        shown = ", ".join(table.header[:8]) or "none"
        raise UnsupportedFormatError(
            f"This is not a GTFS stops.txt: it lacks the column(s) {', '.join(missing)} "
            f"(found: {shown})."
        )
    stop_id_of = table.getter("stop_id")
    name_of = table.getter("stop_name")
    lat_of, lon_of = table.getter("stop_lat"), table.getter("stop_lon")
    type_of, parent_of = table.getter("location_type"), table.getter("parent_station")
    vehicle_of = table.getter("vehicle_type")
    places: dict[str, _Place] = {}
    stations: set[str] = set()
    children: dict[str, tuple[str, int, set[HubMode]]] = {}
    seen: dict[str, int] = {}
    for line, record in table.rows():
        builder.rows_read += 1
        stop_id = stop_id_of(record)
        if not stop_id:
            builder.reject(line, None, "stop_id", "The value is required.")
            continue
        if stop_id in seen:
            builder.duplicate(_asset_id(stop_id), seen[stop_id], line)
            places.pop(stop_id, None)
            children.pop(stop_id, None)
            stations.discard(stop_id)
        seen[stop_id] = line
        raw_type = type_of(record) or "0"
        if raw_type not in {"0", "1", "2", "3", "4"}:
            builder.reject(
                line,
                stop_id,
                "location_type",
                f"The value {raw_type!r} is not a location type (0 to 4).",
            )
            continue
        location_type = int(raw_type)
        if location_type in LOCATION_TYPES:
            builder.skip(LOCATION_TYPES[location_type])
            continue
        parent = parent_of(record)
        if location_type == 1 and parent:
            builder.reject(
                line, stop_id, "parent_station", "A station (location_type 1) cannot have one."
            )
            continue
        vehicle_modes: set[HubMode] = set()
        vehicle = vehicle_of(record)
        if vehicle:
            mode = route_type_mode(int(vehicle)) if vehicle.isdigit() else None
            if not vehicle.isdigit():
                builder.reject(
                    line, stop_id, "vehicle_type", f"The value {vehicle!r} is not a route type."
                )
                continue
            if mode is not None:
                vehicle_modes.add(mode)
        if parent:
            children[stop_id] = (parent, line, vehicle_modes)
            continue
        lat = _coordinate(lat_of(record), "stop_lat", line, stop_id, builder)
        lon = _coordinate(lon_of(record), "stop_lon", line, stop_id, builder)
        if lat is None or lon is None:
            continue
        problem = position_problem(lon, lat)
        if problem is not None:
            builder.reject(line, stop_id, "stop_lat", problem)
            continue
        builder.place(line, lon, lat)
        name = name_of(record)
        if not name:
            builder.reject(line, stop_id, "stop_name", "The value is required for a hub.")
            continue
        if location_type == 1:
            stations.add(stop_id)
        places[stop_id] = _Place(stop_id, line, name, lon, lat, vehicle_modes)
    parents: dict[str, str] = {}
    for child, (parent, line, vehicle_modes) in children.items():
        if parent not in stations:
            builder.reject(
                line,
                child,
                "parent_station",
                f"The station {parent!r} is not in stops.txt (or is not a location_type 1).",
            )
            continue
        parents[child] = parent
        places[parent].vehicle_modes |= vehicle_modes
    return places, parents


def _read_agencies(feed: GtfsFeed) -> dict[str, str]:
    table = feed.table("agency.txt")
    id_of, name_of = table.getter("agency_id"), table.getter("agency_name")
    return {id_of(record): name_of(record) for _, record in table.rows() if name_of(record)}


def _read_routes(
    table: FeedTable, agencies: dict[str, str], builder: ReportBuilder
) -> dict[str, _Route]:
    if "route_id" not in table.index or "route_type" not in table.index:
        raise UnsupportedFormatError("routes.txt lacks the route_id or route_type column.")
    id_of, type_of = table.getter("route_id"), table.getter("route_type")
    short_of, long_of = table.getter("route_short_name"), table.getter("route_long_name")
    agency_of = table.getter("agency_id")
    single_agency = next(iter(agencies.values())) if len(agencies) == 1 else None
    routes: dict[str, _Route] = {}
    for line, record in table.rows():
        raw = type_of(record)
        if not raw.isdigit():
            builder.reject(
                line,
                id_of(record) or None,
                "routes.txt:route_type",
                f"The value {raw!r} of routes.txt line {line} is not a GTFS route type.",
            )
            continue
        short, long = short_of(record), long_of(record)
        mode = route_type_mode(int(raw))
        if mode == "rail" and (_RER.match(short) or _RER.match(long)):
            mode = "rer"
        agency = agencies.get(agency_of(record)) or single_agency
        routes[id_of(record)] = _Route(mode, short or long or None, agency)
    return routes


def _read_trips(table: FeedTable) -> dict[str, str]:
    if "trip_id" not in table.index or "route_id" not in table.index:
        raise UnsupportedFormatError("trips.txt lacks the trip_id or route_id column.")
    trip_of, route_of = table.getter("trip_id"), table.getter("route_id")
    return {trip_of(record): route_of(record) for _, record in table.rows()}


def _read_stop_times(
    table: FeedTable, trips: dict[str, str], places: dict[str, _Place], parents: dict[str, str]
) -> None:
    """Stream stop_times.txt, adding each trip's route to the hub its stop belongs to."""
    if "trip_id" not in table.index or "stop_id" not in table.index:
        raise UnsupportedFormatError("stop_times.txt lacks the trip_id or stop_id column.")
    trip_position, stop_position = table.index["trip_id"], table.index["stop_id"]
    width = max(trip_position, stop_position) + 1
    for _, record in table.rows():
        if len(record) < width:
            continue
        stop_id = record[stop_position].strip()
        place = places.get(parents.get(stop_id, stop_id))
        route = trips.get(record[trip_position].strip())
        if place is not None and route is not None:
            place.route_ids.add(route)


def _asset_id(stop_id: str) -> str:
    asset_id = f"gtfs-{stop_id}"
    return asset_id if is_valid_feature_id(asset_id) else f"gtfs-{slug(stop_id)}"


def _line_order(line: str) -> tuple[int, int, str]:
    match = re.search(r"\d+", line)
    return (0 if match else 1, int(match[0]) if match else 0, line)


def _add_hub(
    place: _Place, routes: dict[str, _Route], with_trips: bool, builder: ReportBuilder
) -> None:
    served = [routes[route_id] for route_id in place.route_ids if route_id in routes]
    modes = {route.mode for route in served if route.mode is not None} | place.vehicle_modes
    if not modes:
        builder.skip(NO_TRIPS if with_trips and not served else NO_MODE_DATA)
        return
    rank = {mode: index for index, mode in enumerate(HUB_MODES)}
    lines: dict[str, int] = {}
    for route in served:
        if route.line is not None and route.mode is not None:
            lines.setdefault(route.line, rank[route.mode])
    ordered = sorted(lines, key=lambda line: (lines[line], _line_order(line)))
    agencies = sorted({route.agency for route in served if route.agency})
    asset_id = _asset_id(place.stop_id)
    try:
        hub = Hub(
            name=place.name,
            modes=sorted(modes, key=rank.__getitem__),
            lines=ordered,
            operator=", ".join(agencies) or None,
            source="gtfs",
            source_id=place.stop_id,
        )
    except ValidationError as error:
        renames = {"name": "stop_name"}
        for field_name, reason in validation_problems(error, renames=renames):
            builder.reject(place.line, asset_id, field_name, reason)
        return
    builder.add(ParsedAsset(Layer.HUBS, asset_id, place.lon, place.lat, hub, None, place.line))
