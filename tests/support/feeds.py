# SPDX-License-Identifier: MIT
"""GTFS and GBFS files built from the real stations shipped with the 10e.

Names, positions, lines and operators come from the IDFM stations file and the Vélib' snapshot
in ``data/paris-10e``; only the GTFS/GBFS wrapping (ids, trips, one trip per line) is made here.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tests.support.paths import FIXTURES, PARIS

IDFM_STATIONS = PARIS / "gares_idfm_75110_500m.geojson"
VELIB_STATIONS = PARIS / "velib_stations_75110_500m.geojson"

ROUTE_TYPES = {"Metro": 1, "RER": 2, "Train": 2, "Tramway": 0}


@dataclass
class Feed:
    """The tables of a GTFS feed, as header + rows, written to a zip on demand."""

    tables: dict[str, list[list[str]]] = field(default_factory=dict)

    def csv(self, name: str) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(self.tables[name])
        return buffer.getvalue().encode("utf-8")

    def zip(self, *, leave_out: tuple[str, ...] = ()) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in self.tables:
                if name not in leave_out:
                    archive.writestr(name, self.csv(name))
        return buffer.getvalue()


def _features(path: Any) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]  # type: ignore[no-any-return]


def idfm_gtfs() -> tuple[Feed, dict[str, dict[str, Any]]]:
    """Return a feed with one station per IDFM stop area and one stop per line serving it.

    Also returns, per station id, what the feed says of it (name, modes, lines, position).
    """
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for feature in _features(IDFM_STATIONS):
        groups[str(int(feature["properties"]["ID_REF_ZDL"]))].append(feature)
    stops = [["stop_id", "stop_name", "stop_lat", "stop_lon", "location_type", "parent_station"]]
    routes = [["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"]]
    agencies: dict[str, str] = {}
    trips = [["route_id", "service_id", "trip_id"]]
    stop_times = [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]]
    calls: dict[str, list[str]] = defaultdict(list)
    route_ids: dict[str, str] = {}
    expected: dict[str, dict[str, Any]] = {}
    for zone, features in sorted(groups.items()):
        lons = [f["geometry"]["coordinates"][0] for f in features]
        lats = [f["geometry"]["coordinates"][1] for f in features]
        lon, lat = sum(lons) / len(lons), sum(lats) / len(lats)
        name = features[0]["properties"]["NOM_GARE"]
        station_id = f"IDFM:{zone}"
        stops.append([station_id, name, f"{lat:.7f}", f"{lon:.7f}", "1", ""])
        modes, lines = set(), set()
        for feature in features:
            props = feature["properties"]
            line = props["RES_COM"]
            stop_id = f"{station_id}:{line.replace(' ', '')}"
            f_lon, f_lat = feature["geometry"]["coordinates"]
            stops.append([stop_id, name, f"{f_lat:.7f}", f"{f_lon:.7f}", "0", station_id])
            operator = props["EXPLOITANT"]
            agencies.setdefault(operator, f"A{len(agencies) + 1}")
            if line not in route_ids:
                route_ids[line] = f"R{len(route_ids) + 1}"
                short, long = line, line
                if props["MODE_"] == "RER":
                    short = line.removeprefix("RER ")
                routes.append(
                    [
                        route_ids[line],
                        agencies[operator],
                        short,
                        long,
                        str(ROUTE_TYPES[props["MODE_"]]),
                    ]
                )
            calls[route_ids[line]].append(stop_id)
            modes.add(
                {"Metro": "metro", "RER": "rer", "Train": "rail", "Tramway": "tram"}[props["MODE_"]]
            )
            lines.add(line.removeprefix("RER ") if props["MODE_"] == "RER" else line)
        expected[station_id] = {
            "name": name,
            "modes": modes,
            "lines": lines,
            "lon": lon,
            "lat": lat,
        }
    for route_id, called in calls.items():
        trip_id = f"T-{route_id}"
        trips.append([route_id, "WEEK", trip_id])
        for sequence, stop_id in enumerate(called, 1):
            clock = f"08:{sequence:02d}:00"
            stop_times.append([trip_id, clock, clock, stop_id, str(sequence)])
    agency = [["agency_id", "agency_name", "agency_url", "agency_timezone"]]
    agency += [
        [key, name, "https://www.iledefrance-mobilites.fr", "Europe/Paris"]
        for name, key in agencies.items()
    ]
    feed = Feed(
        {
            "agency.txt": agency,
            "stops.txt": stops,
            "routes.txt": routes,
            "trips.txt": trips,
            "stop_times.txt": stop_times,
        }
    )
    return feed, expected


def velib_gbfs(version: str = "2.3") -> tuple[bytes, list[dict[str, Any]]]:
    """Return a station_information.json (v2.3 or v3.0) of the Vélib' stations, and them."""
    stations = []
    for feature in _features(VELIB_STATIONS):
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        name: Any = props["name"]
        if version.startswith("3"):
            name = [{"text": props["name"], "language": "fr"}]
        stations.append(
            {
                "station_id": str(props["stationcode"]),
                "name": name,
                "lat": lat,
                "lon": lon,
                "capacity": props["capacity"],
            }
        )
    document = {
        "last_updated": "2026-03-16T23:46:45+00:00" if version.startswith("3") else 1773704805,
        "ttl": 60,
        "version": version,
        "data": {"stations": stations},
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8"), stations


GARE_DU_NORD_EXTRACT = FIXTURES / "osm" / "osm_extract_paris09-10_gare-du-nord.osm.gz"
BAD_PARKING_POSITION = 'lat="48.8795428" lon="2.3474051"'
"""Where the extract's parking with a bad ``capacity:disabled`` tag stands: in the 9e."""


def extract_with_the_bad_parking_in_the_10e() -> bytes:
    """Return the Gare du Nord OSM extract (XML) with its bad parking moved into the 10e.

    Where it stands, in the 9e, the parking is outside the shipped 10e and its surroundings:
    refused there, it would be counted only. Moved, it must refuse an all-or-nothing load.
    """
    xml = gzip.decompress(GARE_DU_NORD_EXTRACT.read_bytes()).decode("utf-8")
    assert xml.count(BAD_PARKING_POSITION) == 1
    return xml.replace(BAD_PARKING_POSITION, 'lat="48.8760" lon="2.3580"').encode("utf-8")
