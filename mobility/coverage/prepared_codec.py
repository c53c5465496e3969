# SPDX-License-Identifier: MIT
"""A prepared commune as bytes: its arrays in one uncompressed ``.npz``, read in place.

What a commune's analyses build from its sources (per mode: the edge table, what the street
view kept, the demand points snapped onto it; and the demand points themselves) is written as
plain arrays and one JSON document, never as pickles: reading a payload runs no code it holds.
Street lines travel as their coordinates and offsets (shapely's ragged arrays), the demand
points as their columns, and the demand's columns for the analyses (lon, lat, population, the
sorted zone names and each point's row in them) as they are used.

Reading back makes no object the first answer does not need: the arrays are views of the
payload (:mod:`.prepared_arrays`), the street lines stay vertices until an analysis draws with
them, and the demand's GeoDataFrame is made when first asked for. Decoding gives back exactly
what was encoded (the tests compare every array and every answer with a fresh build); a payload
that does not decode raises :class:`PreparedPayloadError`, and the caller builds afresh.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict, dataclass, fields
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from mobility.commune import Mode
from mobility.coverage.demand_columns import DemandColumns, PreparedDemand
from mobility.coverage.poverty import PovertyPoints
from mobility.coverage.prepared_arrays import Arrays, read_arrays, write_arrays
from mobility.coverage.prepared_bands import PreparedBands, decode_bands, encode_bands
from mobility.demand import DemandMethod, DemandPoints, ZonesClip
from mobility.network.csr import EdgeTable
from mobility.network.ragged_lines import RaggedLines
from mobility.network.snapping import SnappedPoints
from mobility.network.views import ComponentReport

FORMAT = "mobility-prepared-commune/2"
"""Written in every payload; a payload of another format is not read."""

EDGE_ARRAYS = (
    "node_ids",
    "node_x_m",
    "node_y_m",
    "u_index",
    "v_index",
    "length_m",
    "travel_time_s",
    "reverse_of",
    "key",
)
COLUMN_ARRAYS = ("lon", "lat", "population", "zone_index")
"""The demand columns kept as :class:`DemandColumns` holds them (and the zone names)."""
POVERTY_ARRAYS = ("poor_households", "living_standard_sum")
"""What the demand points carry of poverty (:class:`PovertyPoints`), when the source gives it."""
SNAPPED_ARRAYS = (
    "edge_index",
    "offset_m",
    "edge_length_m",
    "off_street_m",
    "snapped_lon",
    "snapped_lat",
    "too_far",
)


class PreparedPayloadError(ValueError):
    """A payload that cannot be read back: truncated, corrupt, or of another format."""


@dataclass(frozen=True, eq=False)
class PreparedMode:
    """One mode of a prepared commune: its edge table, the demand snapped onto it, its bands.

    ``bands`` (the service areas' street bands, cut and arranged) is None when not prepared.
    """

    edges: EdgeTable
    demand: SnappedPoints
    bands: PreparedBands | None = None


@dataclass(frozen=True, eq=False)
class PreparedCommune:
    """What a commune's analyses build from its sources, under the key it was built for.

    ``reports`` says for every mode what its street view kept; ``modes`` holds the modes that
    have streets (a commune without a driving network has no ``"drive"`` entry, and asking for
    its engine fails as a fresh build does).
    """

    build_key: str
    demand: PreparedDemand | None
    reports: dict[Mode, ComponentReport]
    modes: dict[Mode, PreparedMode]


def encode_prepared(prepared: PreparedCommune) -> bytes:
    """Return the payload of a prepared commune (an uncompressed ``.npz``)."""
    arrays = Arrays()
    meta: dict[str, Any] = {
        "format": FORMAT,
        "build_key": prepared.build_key,
        "reports": {mode: asdict(report) for mode, report in prepared.reports.items()},
        "modes": {},
    }
    for mode, part in prepared.modes.items():
        meta["modes"][mode] = _encode_mode(part, f"{mode}.", arrays)
    meta["demand"] = None if prepared.demand is None else _encode_demand(prepared.demand, arrays)
    meta["aliases"] = arrays.aliases
    arrays.stored["meta"] = _json_array(meta)
    return write_arrays(arrays.stored)


def decode_prepared(payload: bytes) -> PreparedCommune:
    """Read a payload back; raise PreparedPayloadError when it cannot be trusted."""
    try:
        arrays = read_arrays(payload)  # read-only views of the payload
        meta = _read_json(arrays.pop("meta"))
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise PreparedPayloadError("the payload is of another format")
        for name, first in meta["aliases"].items():
            arrays[name] = arrays[first]  # the very same array: shared
        made: dict[tuple[int, ...], Any] = {}
        bands: dict[int, PreparedBands] = {}
        modes: dict[Mode, PreparedMode] = {
            mode: _decode_mode(part, f"{mode}.", arrays, made, bands)
            for mode, part in meta["modes"].items()
        }
        demand = None if meta["demand"] is None else _decode_demand(meta["demand"], arrays)
        reports: dict[Mode, ComponentReport] = {
            mode: ComponentReport(**report) for mode, report in meta["reports"].items()
        }
        return PreparedCommune(
            build_key=str(meta["build_key"]), demand=demand, reports=reports, modes=modes
        )
    except PreparedPayloadError:
        raise
    except (
        OSError,
        ValueError,
        KeyError,
        IndexError,
        TypeError,
        zipfile.BadZipFile,
        EOFError,
    ) as exc:
        raise PreparedPayloadError(f"the payload cannot be read: {exc}") from exc


def _encode_mode(part: PreparedMode, prefix: str, arrays: Arrays) -> Any:
    edges = part.edges
    for name in EDGE_ARRAYS:
        arrays[f"{prefix}edges.{name}"] = np.ascontiguousarray(getattr(edges, name))
    arrays[f"{prefix}edges.name"] = _json_array(list(edges.name))
    lines = edges.line_ragged
    if lines is None and edges.line_metric is not None:
        lines = RaggedLines.of(edges.line_metric)
    if lines is not None:
        arrays[f"{prefix}lines.coords"] = lines.coords
        arrays[f"{prefix}lines.offsets"] = lines.offsets
    for name in SNAPPED_ARRAYS:
        arrays[f"{prefix}demand.{name}"] = np.ascontiguousarray(getattr(part.demand, name))
    bands = None if part.bands is None else encode_bands(part.bands, f"{prefix}bands.", arrays)
    return {"lines": lines is not None, "bands": bands}


def _decode_mode(
    meta: Any,
    prefix: str,
    arrays: dict[str, npt.NDArray[Any]],
    made: dict[tuple[int, ...], Any],
    bands_made: dict[int, PreparedBands],
) -> PreparedMode:
    """Rebuild one mode; names and lines read from the same arrays as another mode's are shared.

    ``made`` holds what was made from arrays already, by their identity (an alias is the very
    same array object).
    """
    columns: dict[str, Any] = {name: arrays[f"{prefix}edges.{name}"] for name in EDGE_ARRAYS}
    written = arrays[f"{prefix}edges.name"]
    names = made.get((id(written),))
    if names is None:
        names = np.full(len(columns["u_index"]), None, dtype=object)
        names[:] = _read_json(written)
        made[(id(written),)] = names
    lines = None
    if meta["lines"]:
        coords, offsets = arrays[f"{prefix}lines.coords"], arrays[f"{prefix}lines.offsets"]
        lines = made.get((id(coords), id(offsets)))
        if lines is None:
            if coords.ndim != 2 or len(offsets) != len(columns["u_index"]) + 1:
                raise PreparedPayloadError("the street lines do not match the edges")
            lines = RaggedLines(coords=coords, offsets=offsets)
            made[(id(coords), id(offsets))] = lines
    edges = EdgeTable(**columns, name=names, line_ragged=lines)
    snapped = SnappedPoints(**{name: arrays[f"{prefix}demand.{name}"] for name in SNAPPED_ARRAYS})
    bands = meta.get("bands")
    if bands is not None:  # the same arrays as another mode's: the same objects
        kept = id(arrays[f"{prefix}bands.tile_of_piece"])
        bands = bands_made.get(kept)
        if bands is None:
            bands = bands_made[kept] = decode_bands(meta["bands"], f"{prefix}bands.", arrays)
    return PreparedMode(edges=edges, demand=snapped, bands=bands)


def _encode_demand(prepared: PreparedDemand, arrays: Arrays) -> Any:
    for name in COLUMN_ARRAYS:
        arrays[f"columns.{name}"] = getattr(prepared.columns, name)
    zone_names = prepared.columns.zone_names  # text as pandas gives it: objects, kept as such
    arrays["columns.zone_names"] = np.asarray(zone_names, dtype=np.str_)
    carried = {name: getattr(prepared.columns.poverty, name) for name in POVERTY_ARRAYS}
    for name, carried_values in carried.items():
        if carried_values is not None:
            arrays[f"columns.{name}"] = carried_values
    demand = prepared.points()
    points = demand.points
    columns: list[dict[str, Any]] = []
    values: dict[str, Any] = {}
    for name in points.columns:
        if name == points.geometry.name:
            continue
        column = points[name]
        columns.append({"name": name, "dtype": str(column.dtype)})
        if column.dtype.kind in "biuf":
            arrays[f"points.{name}"] = column.to_numpy()
        else:
            values[name] = column.tolist()
    arrays["points.values"] = _json_array(values)
    arrays["points.x"] = points.geometry.x.to_numpy()
    arrays["points.y"] = points.geometry.y.to_numpy()
    if not isinstance(points.index, pd.RangeIndex) or points.index.start != 0:
        raise ValueError("demand points are numbered from 0 by the spreading")
    return {
        "columns": columns,
        "poverty": [name for name, values in carried.items() if values is not None],
        "zone_names_dtype": zone_names.dtype.str,
        "geometry": points.geometry.name,
        "crs": None if points.crs is None else points.crs.to_string(),
        "method": asdict(demand.method),
    }


def _decode_demand(meta: Any, arrays: dict[str, npt.NDArray[Any]]) -> PreparedDemand:
    """Return the demand's columns now; its points are made from the arrays when asked."""
    kept = {name: arrays[f"columns.{name}"] for name in COLUMN_ARRAYS}
    kept["zone_names"] = arrays["columns.zone_names"].astype(np.dtype(meta["zone_names_dtype"]))
    size = len(kept["lon"])
    if any(len(kept[name]) != size for name in ("lat", "population", "zone_index")):
        raise PreparedPayloadError("the demand columns differ in length")
    if size and (
        kept["zone_index"].min() < 0 or kept["zone_index"].max() >= len(kept["zone_names"])
    ):
        raise PreparedPayloadError("a demand point names a zone the payload lacks")
    if any(len(arrays[f"columns.{name}"]) != size for name in meta["poverty"]):
        raise PreparedPayloadError("the demand columns differ in length")
    poverty = PovertyPoints(
        **{
            name: arrays[f"columns.{name}"] if name in meta["poverty"] else None
            for name in POVERTY_ARRAYS
        }
    )
    method = _decode_method(meta["method"])
    point_arrays = {name: array for name, array in arrays.items() if name.startswith("points.")}
    return PreparedDemand(
        DemandColumns.from_arrays(**kept, poverty=poverty),
        method,
        lambda: DemandPoints(points=_demand_frame(meta, point_arrays), method=method),
    )


def _demand_frame(meta: Any, arrays: dict[str, npt.NDArray[Any]]) -> gpd.GeoDataFrame:
    """Return the demand points' GeoDataFrame as it was written."""
    values = _read_json(arrays["points.values"])
    data: dict[str, Any] = {}
    for entry in meta["columns"]:
        name = entry["name"]
        column = values[name] if name in values else arrays[f"points.{name}"]
        data[name] = pd.Series(column, dtype=entry["dtype"])
    geometry = gpd.points_from_xy(arrays["points.x"], arrays["points.y"], crs=meta["crs"])
    points = gpd.GeoDataFrame(data, geometry=geometry, crs=meta["crs"])
    if meta["geometry"] != "geometry":
        points = points.rename_geometry(meta["geometry"])
    return points


def _decode_method(written: Any) -> DemandMethod:
    method = dict(written)
    for item in fields(DemandMethod):  # JSON gave lists where the method holds tuples
        if str(item.type).startswith("tuple") and item.name in method:
            method[item.name] = _as_tuples(method[item.name])
    clip = method.get("boundary_clip")
    if clip is not None:
        method["boundary_clip"] = ZonesClip(
            **{**clip, "zones_straddling": tuple(clip["zones_straddling"])}
        )
    return DemandMethod(**method)


def _json_array(value: Any) -> npt.NDArray[np.uint8]:
    """Return a JSON document as an array of its UTF-8 bytes."""
    return np.frombuffer(json.dumps(value).encode(), dtype=np.uint8)


def _read_json(array: npt.NDArray[Any]) -> Any:
    return json.loads(array.tobytes().decode())


def _as_tuples(value: Any) -> Any:
    """Return a JSON value with every list turned into a tuple, nested ones too."""
    if isinstance(value, list):
        return tuple(_as_tuples(item) for item in value)
    return value
