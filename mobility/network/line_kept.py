# SPDX-License-Identifier: MIT
"""The lines of a line file kept inside an outline, in Lambert-93, and how to store them.

Reading a regional file for one commune keeps the lines touching the commune and its margin, cut
at the outline's edge. :func:`write_kept_lines` stores exactly those lines (with their fields) as
a small gzipped GeoJSON in Lambert-93, with every coordinate written to the last bit, so reading
that file again without a clip gives the very same lines, hence the same graph: a commune keeps
its streets, never the region's.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from mobility.errors import UnsupportedFormatError
from mobility.geo import METRIC_CRS, WIRE_CRS, in_france
from mobility.network.line_clip import ClippedLines, clip_lines
from mobility.network.line_source import LineRows, project_outline, read_line_rows

FloatArray = npt.NDArray[np.float64]
_LINE_TYPES = (shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING)
_METRIC_CRS_MEMBER = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}


@dataclass(frozen=True, slots=True)
class KeptLines:
    """Lines kept from a file: ``cut.lines`` in Lambert-93, each from row ``line_row[i]``."""

    rows: LineRows
    attributes: pd.DataFrame
    not_lines: int
    lines_read: int
    cut: ClippedLines
    line_row: npt.NDArray[np.int64]

    @property
    def crs_name(self) -> str | None:
        """Name the CRS the file stated (``"EPSG:2154"``), or ``None`` when it stated none."""
        crs = self.rows.crs
        if crs is None:
            return None
        authority = crs.to_authority()
        return ":".join(authority) if authority else str(crs.name)


def read_kept_lines(
    source: Path | bytes, *, clip: BaseGeometry | None = None, layer: str | None = None
) -> KeptLines:
    """Read a file's lines (multi-lines exploded) in Lambert-93, cut at ``clip``'s edge.

    Raises
    ------
    UnsupportedFormatError
        When the file holds no line (inside the clip) or lies outside France.
    """
    rows = read_line_rows(source, clip=clip, layer=layer)
    geometries = np.asarray(rows.frame.geometry.array, dtype=object)
    is_line = np.isin(shapely.get_type_id(geometries), _LINE_TYPES)
    parts, part_row = shapely.get_parts(geometries[is_line], return_index=True)
    part_row = np.flatnonzero(is_line)[part_row]
    where = " inside the clip outline" if clip is not None else ""
    if len(parts) == 0:
        raise UnsupportedFormatError(f"The street file holds no line{where}.")
    metric = _to_metric(parts, rows.crs)
    outline = project_outline(clip, CRS(METRIC_CRS)) if clip is not None else None
    cut = clip_lines(metric, outline)
    if cut.row_index.size == 0:
        raise UnsupportedFormatError(f"The street file holds no line{where}.")
    return KeptLines(
        rows=rows,
        attributes=pd.DataFrame(rows.frame.drop(columns=rows.frame.geometry.name)),
        not_lines=int(np.count_nonzero(~is_line)),
        lines_read=len(parts),
        cut=cut,
        line_row=part_row[cut.row_index],
    )


@dataclass(frozen=True, slots=True)
class ClippedLineFile:
    """A file's lines inside an outline, as a gzipped GeoJSON in Lambert-93, and the counts."""

    content: bytes
    report: dict[str, Any]


def clip_line_file(
    source: Path | bytes, *, clip: BaseGeometry, layer: str | None = None
) -> ClippedLineFile:
    """Keep a line file's lines inside ``clip`` (lon/lat), cut at its edge, as a small file.

    ``load_streets(result.content)`` gives the same graph as ``load_streets(source, clip=clip)``:
    store ``content`` as a commune's streets file rather than a regional file.

    Raises
    ------
    UnsupportedFormatError
        As :func:`read_kept_lines`.
    """
    kept = read_kept_lines(source, clip=clip, layer=layer)
    report = {
        "driver": kept.rows.driver,
        "layer": kept.rows.layer,
        "crs_read": kept.crs_name,
        "features_read": len(kept.rows.frame),
        "not_lines": kept.not_lines,
        "lines_read": kept.lines_read,
        "lines_outside_clip": kept.cut.outside,
        "lines_cut_at_clip": kept.cut.cut,
        "lines_kept": len(kept.cut.lines),
    }
    return ClippedLineFile(write_kept_lines(kept), report)


def write_kept_lines(kept: KeptLines) -> bytes:
    """Return the kept lines and their fields as a gzipped GeoJSON in Lambert-93."""
    columns = [str(column) for column in kept.attributes.columns]
    values = [kept.attributes[column].tolist() for column in kept.attributes.columns]
    features = []
    for line, row in zip(kept.cut.lines, kept.line_row, strict=True):
        properties = {
            name: _json_value(column[row]) for name, column in zip(columns, values, strict=True)
        }
        coordinates = [[float(x), float(y)] for x, y in shapely.get_coordinates(line)]
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": {"type": "LineString", "coordinates": coordinates},
            }
        )
    document = {
        "type": "FeatureCollection",
        "name": kept.rows.layer,
        "crs": _METRIC_CRS_MEMBER,
        "features": features,
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), mtime=0)


def _json_value(value: object) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, str):
        return value
    return str(value)


def _to_metric(parts: npt.NDArray[np.object_], crs: CRS | None) -> npt.NDArray[np.object_]:
    """Project lines to Lambert-93 after checking that they lie in France.

    A file that states no CRS (a Shapefile without its .prj) is taken as lon/lat; if its
    coordinates are not, the check says so. Coordinates already in Lambert-93 are kept to the bit.
    """
    source = crs if crs is not None else CRS(WIRE_CRS)
    xy, index = shapely.get_coordinates(parts, return_index=True)
    if not np.all(np.isfinite(xy)):
        raise UnsupportedFormatError("A line of the street file has a non-finite coordinate.")
    lon, lat = _transform(source, WIRE_CRS, xy)
    _check_in_france(lon, lat, stated=crs is not None)
    x, y = _transform(source, METRIC_CRS, xy)
    metric = np.column_stack([x, y])
    if not np.all(np.isfinite(metric)):
        raise UnsupportedFormatError("Some lines of the street file cannot be placed in France.")
    return np.asarray(shapely.linestrings(metric, indices=index), dtype=object)


def _transform(source: CRS, target: str, xy: FloatArray) -> tuple[FloatArray, FloatArray]:
    if source.equals(target, ignore_axis_order=True):
        return xy[:, 0].copy(), xy[:, 1].copy()
    x, y = Transformer.from_crs(source, target, always_xy=True).transform(xy[:, 0], xy[:, 1])
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def _check_in_france(lon: FloatArray, lat: FloatArray, *, stated: bool) -> None:
    inside = np.array([in_france(a, b) for a, b in zip(lon, lat, strict=True)], dtype=bool)
    if np.count_nonzero(~inside) * 2 <= len(inside):
        return
    if np.any(np.abs(lon) > 180.0) or np.any(np.abs(lat) > 90.0):
        hint = (
            " The coordinates look projected, but the file states no coordinate system: add"
            " the Shapefile's .prj."
            if not stated
            else " The coordinates look projected, but the file says they are lon/lat: state"
            " its coordinate system (the GeoJSON crs member)."
        )
    elif np.count_nonzero([in_france(b, a) for a, b in zip(lon, lat, strict=True)]) * 2 > len(
        inside
    ):
        hint = " x and y look swapped (x must be the longitude or the easting)."
    else:
        hint = " Only streets in metropolitan France and Corsica are supported."
    raise UnsupportedFormatError(
        f"{np.count_nonzero(~inside)} of {len(inside)} line vertices lie outside France.{hint}"
    )
