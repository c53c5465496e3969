# SPDX-License-Identifier: MIT
"""Bike-share stations from a GBFS ``station_information.json`` (v1.x, v2.x and v3.x).

The document is ``{"data": {"stations": [...]}}``. Each station becomes a hub with the single
mode ``bike_share``:

* id ``gbfs-<station_id>`` (made URL-safe when it is not), ``source="gbfs"``, ``source_id`` the
  station id;
* name: ``name``, a string up to v2.3, a list of localized strings ``[{"text", "language"}]``
  from v3.0 (the French text is preferred, then English, then the first one);
* position: ``lon``/``lat`` (numbers), checked like every other position (swapped, outside
  France);
* capacity: ``capacity`` when given (docks).

The operator is not part of ``station_information`` (it is in ``system_information``), so it
stays unknown. A station is refused with its 1-based index in ``stations`` as its line and the
GBFS field at fault.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from mobility.assets import Hub, Layer, is_valid_feature_id
from mobility.errors import UnsupportedFormatError
from mobility.formats.geojson_common import slug, text, whole_number
from mobility.formats.geometry import FeatureProblem, is_number, json_repr, position_problem
from mobility.formats.report import ParsedAsset, ReadReport, ReportBuilder, validation_problems

GBFS_FORMAT = "gbfs"
PREFERRED_LANGUAGES = ("fr", "en")


def load_gbfs_document(data: bytes) -> dict[str, Any]:
    """Parse a GBFS file and return its top-level object (raises UnsupportedFormatError)."""
    if not data or data.isspace():
        raise UnsupportedFormatError("The file is empty: expected a GBFS station_information.json.")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise UnsupportedFormatError(
            f"The file is not UTF-8 text (byte 0x{data[error.start : error.start + 1].hex()} at "
            f"offset {error.start}); GBFS files are UTF-8 JSON."
        ) from None
    except json.JSONDecodeError as error:
        raise UnsupportedFormatError(
            f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    if not isinstance(document, dict):
        raise UnsupportedFormatError("The file is not a GBFS document: expected a JSON object.")
    return document


def _stations(document: dict[str, Any]) -> list[Any]:
    payload = document.get("data")
    stations = payload.get("stations") if isinstance(payload, dict) else None
    if isinstance(stations, list):
        return stations
    hint = ""
    if document.get("type") == "FeatureCollection":
        hint = " This is a GeoJSON FeatureCollection: import it as geojson."
    elif isinstance(payload, dict) and ("bikes" in payload or "vehicles" in payload):
        hint = " This looks like free_bike_status / vehicle_status: send station_information."
    elif isinstance(payload, dict) and (
        "feeds" in payload
        or any(isinstance(value, dict) and "feeds" in value for value in payload.values())
    ):
        hint = " This is the gbfs.json discovery file: send the station_information.json it lists."
    raise UnsupportedFormatError(
        'The file is not a GBFS station_information.json: no "data": {"stations": [...]}.' + hint
    )


def localized_name(value: Any) -> str | None:
    """Return a station name given as text (v2) or as localized strings (v3), or ``None``."""
    if isinstance(value, list):
        texts: dict[str, str] = {}
        for item in value:
            if isinstance(item, dict):
                content = text(item.get("text"))
                language = str(item.get("language") or "").lower().split("-")[0]
                if content is not None:
                    texts.setdefault(language, content)
        for language in PREFERRED_LANGUAGES:
            if language in texts:
                return texts[language]
        return next(iter(texts.values()), None)
    return text(value) if isinstance(value, str) else None


def read_gbfs(data: bytes, *, source_name: str = "") -> ReadReport:
    """Read a GBFS ``station_information.json`` into bike-share hubs (see the module docstring).

    Raises
    ------
    UnsupportedFormatError
        When the file is empty, not UTF-8 JSON, or has no ``data.stations`` array.
    """
    document = load_gbfs_document(data)
    stations = _stations(document)
    builder = ReportBuilder(GBFS_FORMAT, source_name=source_name, id_field="station_id")
    for line, station in enumerate(stations, 1):
        builder.rows_read += 1
        if not isinstance(station, dict):
            builder.reject(line, None, "station", "The station is not a JSON object.")
            continue
        code = text(station.get("station_id"))
        if code is None:
            builder.reject(line, None, "station_id", "The station has no station_id.")
            continue
        asset_id = f"gbfs-{code}"
        if not is_valid_feature_id(asset_id):
            asset_id = f"gbfs-{slug(code)}"
        raw_lon: Any = station.get("lon")
        raw_lat: Any = station.get("lat")
        if not (is_number(raw_lon) and is_number(raw_lat)):
            bad = "lon" if not is_number(raw_lon) else "lat"
            builder.reject(
                line,
                asset_id,
                bad,
                f"The value {json_repr(station.get(bad))} is not a number (degrees).",
            )
            continue
        lon, lat = float(raw_lon), float(raw_lat)
        problem = position_problem(lon, lat)
        if problem is not None:
            builder.reject(line, asset_id, "lat", problem)
            continue
        builder.place(line, lon, lat)
        name = localized_name(station.get("name"))
        if name is None:
            builder.reject(line, asset_id, "name", "The station has no name.")
            continue
        try:
            capacity = whole_number(station.get("capacity"), "capacity")
            hub = Hub(
                name=name,
                modes=["bike_share"],
                capacity=capacity,
                source="gbfs",
                source_id=code,
            )
        except FeatureProblem as problem_:
            builder.reject(line, asset_id, problem_.field, problem_.reason)
            continue
        except ValidationError as error:
            for field_name, reason in validation_problems(error):
                builder.reject(line, asset_id, field_name, reason)
            continue
        builder.add(ParsedAsset(Layer.HUBS, asset_id, lon, lat, hub, None, line))
    return builder.build()
