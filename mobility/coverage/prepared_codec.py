# SPDX-License-Identifier: MIT
"""A prepared commune as bytes: its arrays in one uncompressed ``.npz``, read in one go.

What a commune's analyses build from its sources (per mode: the edge table, what the street
view kept, the demand points snapped onto it; and the demand points themselves) is written as
plain arrays and one JSON document, never as pickles: reading a payload runs no code it holds.
Street lines travel as their coordinates and offsets (shapely's ragged arrays), the demand
points as their columns. Decoding gives back exactly what was encoded (the tests compare every
array and every answer with a fresh build); a payload that does not decode raises
:class:`PreparedPayloadError`, and the caller builds afresh.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import asdict, dataclass, fields
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from mobility.commune import Mode
from mobility.coverage.prepared_bands import PreparedBands, decode_bands, encode_bands
from mobility.demand import DemandMethod, DemandPoints, ZonesClip
from mobility.network.csr import EdgeTable
from mobility.network.snapping import SnappedPoints
from mobility.network.views import ComponentReport

FORMAT = "mobility-prepared-commune/1"
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
    demand: DemandPoints | None
    reports: dict[Mode, ComponentReport]
    modes: dict[Mode, PreparedMode]


class _Arrays:
    """The arrays of a payload, each distinct one written once.

    Walking and driving often share most of their table (a source without road classes gives
    both modes the same graph): an array equal to one already written is written as an alias.
    """

    def __init__(self) -> None:
        self.stored: dict[str, npt.NDArray[Any]] = {}
        self.aliases: dict[str, str] = {}
        self._by_content: dict[tuple[str, tuple[int, ...], bytes], str] = {}

    def __setitem__(self, name: str, array: npt.NDArray[Any]) -> None:
        array = np.ascontiguousarray(array)
        digest = hashlib.blake2b(array.view(np.uint8).data, digest_size=16).digest()
        content = (array.dtype.str, array.shape, digest)
        first = self._by_content.get(content)
        if first is not None and np.array_equal(self.stored[first], array):
            self.aliases[name] = first
            return
        self._by_content[content] = name
        self.stored[name] = array


def encode_prepared(prepared: PreparedCommune) -> bytes:
    """Return the payload of a prepared commune (an uncompressed ``.npz``)."""
    arrays = _Arrays()
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
    arrays.stored["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays.stored)
    return buffer.getvalue()


def decode_prepared(payload: bytes) -> PreparedCommune:
    """Read a payload back; raise PreparedPayloadError when it cannot be trusted."""
    try:
        with np.load(io.BytesIO(payload), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        meta = json.loads(arrays.pop("meta").tobytes().decode())
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise PreparedPayloadError("the payload is of another format")
        for name, first in meta["aliases"].items():
            arrays[name] = arrays[first]  # shared, read-only like every decoded array
        for array in arrays.values():
            array.flags.writeable = False
        lines: dict[tuple[int, int], npt.NDArray[np.object_]] = {}
        bands: dict[int, PreparedBands] = {}
        modes: dict[Mode, PreparedMode] = {
            mode: _decode_mode(part, f"{mode}.", arrays, lines, bands)
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
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError) as exc:
        raise PreparedPayloadError(f"the payload cannot be read: {exc}") from exc


def _encode_mode(part: PreparedMode, prefix: str, arrays: _Arrays) -> Any:
    edges = part.edges
    for name in EDGE_ARRAYS:
        arrays[f"{prefix}edges.{name}"] = np.ascontiguousarray(getattr(edges, name))
    lines = edges.line_metric
    if lines is not None:
        _, coords, (offsets,) = shapely.to_ragged_array(lines)
        arrays[f"{prefix}lines.coords"] = coords
        arrays[f"{prefix}lines.offsets"] = offsets
    for name in SNAPPED_ARRAYS:
        arrays[f"{prefix}demand.{name}"] = np.ascontiguousarray(getattr(part.demand, name))
    bands = None if part.bands is None else encode_bands(part.bands, f"{prefix}bands.", arrays)
    return {
        "names": list(edges.name),
        "lines": lines is not None,
        "bands": bands,
    }


def _decode_mode(
    meta: Any,
    prefix: str,
    arrays: dict[str, npt.NDArray[Any]],
    lines_made: dict[tuple[int, int], npt.NDArray[np.object_]],
    bands_made: dict[int, PreparedBands],
) -> PreparedMode:
    """Rebuild one mode; lines drawn from the same coordinates as another mode's are shared."""
    columns: dict[str, Any] = {name: arrays[f"{prefix}edges.{name}"] for name in EDGE_ARRAYS}
    names = np.full(len(columns["u_index"]), None, dtype=object)
    names[:] = meta["names"]
    lines = None
    if meta["lines"]:
        coords, offsets = arrays[f"{prefix}lines.coords"], arrays[f"{prefix}lines.offsets"]
        made = (id(coords), id(offsets))  # an alias is the very same array object
        lines = lines_made.get(made)
        if lines is None:
            lines = np.asarray(
                shapely.from_ragged_array(shapely.GeometryType.LINESTRING, coords, (offsets,)),
                dtype=object,
            )
            lines_made[made] = lines
    edges = EdgeTable(**columns, name=names, line_metric=lines)
    snapped = SnappedPoints(**{name: arrays[f"{prefix}demand.{name}"] for name in SNAPPED_ARRAYS})
    bands = meta.get("bands")
    if bands is not None:  # the same arrays as another mode's: the same objects
        kept = id(arrays[f"{prefix}bands.tile_of_piece"])
        bands = bands_made.get(kept)
        if bands is None:
            bands = bands_made[kept] = decode_bands(meta["bands"], f"{prefix}bands.", arrays)
    return PreparedMode(edges=edges, demand=snapped, bands=bands)


def _encode_demand(demand: DemandPoints, arrays: _Arrays) -> Any:
    points = demand.points
    columns: list[dict[str, Any]] = []
    for name in points.columns:
        if name == points.geometry.name:
            continue
        column = points[name]
        entry: dict[str, Any] = {"name": name, "dtype": str(column.dtype)}
        if column.dtype.kind in "biuf":
            arrays[f"points.{name}"] = column.to_numpy()
        else:
            entry["values"] = column.tolist()
        columns.append(entry)
    arrays["points.x"] = points.geometry.x.to_numpy()
    arrays["points.y"] = points.geometry.y.to_numpy()
    if not isinstance(points.index, pd.RangeIndex) or points.index.start != 0:
        raise ValueError("demand points are numbered from 0 by the spreading")
    method = asdict(demand.method)
    return {
        "columns": columns,
        "geometry": points.geometry.name,
        "crs": None if points.crs is None else points.crs.to_string(),
        "method": method,
    }


def _decode_demand(meta: Any, arrays: dict[str, npt.NDArray[Any]]) -> DemandPoints:
    data: dict[str, Any] = {}
    for entry in meta["columns"]:
        name = entry["name"]
        values = arrays[f"points.{name}"] if "values" not in entry else entry["values"]
        data[name] = pd.Series(values, dtype=entry["dtype"])
    geometry = gpd.points_from_xy(arrays["points.x"], arrays["points.y"], crs=meta["crs"])
    points = gpd.GeoDataFrame(data, geometry=geometry, crs=meta["crs"])
    if meta["geometry"] != "geometry":
        points = points.rename_geometry(meta["geometry"])
    method = dict(meta["method"])
    for item in fields(DemandMethod):  # JSON gave lists where the method holds tuples
        if str(item.type).startswith("tuple") and item.name in method:
            method[item.name] = _as_tuples(method[item.name])
    clip = method.get("boundary_clip")
    if clip is not None:
        method["boundary_clip"] = ZonesClip(
            **{**clip, "zones_straddling": tuple(clip["zones_straddling"])}
        )
    return DemandPoints(points=points, method=DemandMethod(**method))


def _as_tuples(value: Any) -> Any:
    """Return a JSON value with every list turned into a tuple, nested ones too."""
    if isinstance(value, list):
        return tuple(_as_tuples(item) for item in value)
    return value
