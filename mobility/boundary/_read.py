# SPDX-License-Identifier: MIT
"""Commune outlines read from any boundary file, one commune or many.

The INSEE code of each feature is found among the usual fields, compared case-insensitively and
taken in this order, the most specific first: an arrondissement municipal's ``INSEE_ARM`` comes
before the ``INSEE_COM`` of the commune it belongs to (ADMIN EXPRESS gives both). A field counts
only when every value it holds looks like an INSEE code (five characters, Corsica's ``2A``/``2B``
included; numbers lose their leading zero in some files and get it back), so a ``code`` field of
IRIS or département codes is never mistaken for one. Features sharing a code (the IRIS of a
commune, with ``DEPCOM``) are dissolved into one outline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from shapely.geometry import MultiPolygon, Polygon, mapping

from mobility.errors import FieldProblem, InvalidInputError
from mobility.geo import in_france
from mobility.geo.vector_files import VectorSource, open_vector_file

CODE_FIELDS = (
    "INSEE_ARM",
    "INSEE_COM",
    "code_insee",
    "insee",
    "code_commune",
    "DEPCOM",
    "codgeo",
    "code",
)
"""Fields that may hold a feature's INSEE code, the most specific first (case-insensitive)."""

NAME_FIELDS = ("NOM_ARM", "NOM_COM", "nom_commune", "LIBGEO", "LIBCOM", "nom", "name", "libelle")
"""Fields that may hold a commune's name, taken when constant over the commune's features."""

INSEE_CODE = re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$")
_POLYGON, _MULTIPOLYGON = 3, 6
_CODES_IN_MESSAGE = 8


@dataclass(frozen=True)
class BoundaryRecord:
    """One commune of a boundary file: its INSEE code, name and outline (lon/lat).

    ``features`` says how many features of the file were dissolved into the outline (the IRIS
    of a commune, or 1).
    """

    code: str
    name: str | None
    geometry: Polygon | MultiPolygon
    features: int = 1

    @property
    def outline(self) -> dict[str, Any]:
        """Return the outline as a GeoJSON geometry mapping, as the store keeps it."""
        return dict(mapping(self.geometry))


@dataclass(frozen=True)
class _Features:
    """A file's polygon features: their code (None without one), name and geometry."""

    codes: NDArray[np.object_]
    names: NDArray[np.object_]
    geoms: NDArray[np.object_]
    code_field: str | None


def read_boundaries(
    source: bytes | Path, *, default_code: str | None = None
) -> list[BoundaryRecord]:
    """Return every commune of a boundary file (GeoJSON, GeoPackage, Shapefile; any CRS).

    Every polygon layer holding a code field is read (ADMIN EXPRESS: its ``COMMUNE`` and
    ``ARRONDISSEMENT_MUNICIPAL`` layers alike), and features of one code are dissolved. A file
    of a single feature without a code field is the commune ``default_code`` when one is given.
    The records come sorted by code.

    Raises
    ------
    UnsupportedFormatError
        The file is not one of the formats, or broken (a truncated GeoPackage).
    InvalidInputError
        No field holds INSEE codes (the message lists the fields present), no polygon, or an
        outline outside France.
    """
    with open_vector_file(source, what="boundary") as opened:
        features = _read_features(opened)
    if features.code_field is None:
        return [_single(features, default_code)]
    order = np.argsort(features.codes.astype(str), kind="stable")
    codes = features.codes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    records = [
        _record(
            str(codes[start]), features.names[order[start:end]], features.geoms[order[start:end]]
        )
        for start, end in zip(starts, ends, strict=True)
    ]
    _check_in_france(records)
    return records


def read_boundary(data: bytes | Path, *, code: str) -> dict[str, Any]:
    """Return one commune's outline as a GeoJSON (Multi)Polygon geometry in lon/lat.

    The file may hold the commune alone (no code field needed) or many communes, of which the
    one whose code equals ``code`` is taken (its features dissolved); several polygons without
    any code are refused rather than guessed at.
    """
    with open_vector_file(data, what="boundary") as opened:
        features = _read_features(opened)
    if features.code_field is None:
        record = _single(features, code)
    else:
        chosen = features.codes == code
        if not chosen.any():
            present = sorted(set(features.codes.astype(str)))
            shown = ", ".join(present[:_CODES_IN_MESSAGE])
            more = f" and {len(present) - _CODES_IN_MESSAGE} more" if len(present) > 8 else ""
            raise InvalidInputError(
                f"the boundary file holds no commune with code {code}",
                problems=[
                    FieldProblem(
                        "boundary",
                        f"no feature has {features.code_field} = {code}; the file holds "
                        f"{shown}{more}",
                    )
                ],
            )
        record = _record(code, features.names[chosen], features.geoms[chosen])
    _check_in_france([record])
    return record.outline


def _read_features(opened: VectorSource) -> _Features:
    """Read the polygon layers; keep those with a code field, or the only one without."""
    polygonal = [layer for layer in opened.layers if layer.polygonal] or list(opened.layers)
    read: list[tuple[str, gpd.GeoDataFrame]] = [
        (layer.name, opened.read(layer)) for layer in polygonal
    ]
    found = [(frame, _code_field(frame)) for _, frame in read]
    with_codes = [(frame, field) for frame, field in found if field is not None]
    if not with_codes:
        if len(read) == 1 and _polygon_count(read[0][1]) == 1:
            frame = read[0][1]
            return _features(frame, None, None)
        fields = "; ".join(
            f"{name}: {', '.join(_fields(frame)) or 'none'}"
            if len(read) > 1
            else ", ".join(_fields(frame)) or "none"
            for name, frame in read
        )
        raise InvalidInputError(
            "no field of the boundary file holds INSEE commune codes",
            problems=[
                FieldProblem(
                    "boundary",
                    f"name the commune code field one of {', '.join(CODE_FIELDS)} "
                    f"(five-character INSEE codes); fields present: {fields}",
                )
            ],
        )
    parts = [_features(frame, field, _name_field(frame)) for frame, field in with_codes]
    return _Features(
        codes=np.concatenate([p.codes for p in parts]),
        names=np.concatenate([p.names for p in parts]),
        geoms=np.concatenate([p.geoms for p in parts]),
        code_field=with_codes[0][1],
    )


def _fields(frame: gpd.GeoDataFrame) -> list[str]:
    return [str(c) for c in frame.columns if c != frame.geometry.name]


def _code_field(frame: gpd.GeoDataFrame) -> str | None:
    """Return the first code field (in ``CODE_FIELDS`` order) whose values are INSEE codes."""
    by_lower = {name.lower(): name for name in _fields(frame)}
    for wanted in CODE_FIELDS:
        name = by_lower.get(wanted.lower())
        if name is None:
            continue
        values = _codes(frame[name])
        present = values[pd.notna(values)]
        if len(present) and all(INSEE_CODE.match(str(v)) for v in present):
            return name
    return None


def _codes(column: pd.Series) -> NDArray[np.object_]:
    """Return a column's values as code strings (None when missing); numbers get their zero."""
    out = np.full(len(column), None, dtype=object)
    for i, value in enumerate(column.to_numpy(dtype=object)):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        if isinstance(value, int | np.integer) or (isinstance(value, float) and value.is_integer()):
            out[i] = f"{int(value):05d}"
        else:
            text = str(value).strip()
            out[i] = text or None
    return out


def _name_field(frame: gpd.GeoDataFrame) -> str | None:
    by_lower = {name.lower(): name for name in _fields(frame)}
    return next((by_lower[n.lower()] for n in NAME_FIELDS if n.lower() in by_lower), None)


def _features(frame: gpd.GeoDataFrame, code_field: str | None, name_field: str | None) -> _Features:
    """Keep each feature's polygonal part; features without one (points, nulls) are dropped."""
    geoms = _polygonal(np.asarray(frame.geometry.array, dtype=object))
    keep = ~shapely.is_missing(geoms)
    codes = _codes(frame[code_field]) if code_field else np.full(len(frame), None, dtype=object)
    names = (
        np.array([None if pd.isna(v) else str(v) for v in frame[name_field]], dtype=object)
        if name_field
        else np.full(len(frame), None, dtype=object)
    )
    if code_field:
        keep &= pd.notna(codes)
    return _Features(codes=codes[keep], names=names[keep], geoms=geoms[keep], code_field=code_field)


def _polygon_count(frame: gpd.GeoDataFrame) -> int:
    geoms = _polygonal(np.asarray(frame.geometry.array, dtype=object))
    return int((~shapely.is_missing(geoms)).sum())


def _polygonal(geoms: NDArray[np.object_]) -> NDArray[np.object_]:
    """Repair each geometry and keep its polygons (None when it has none)."""
    out = np.asarray(geoms, dtype=object).copy()
    present = ~shapely.is_missing(out)
    present[present] = ~shapely.is_empty(out[present])
    out[~present] = None
    out[present] = shapely.make_valid(out[present])
    for i in np.flatnonzero(present):
        kind = shapely.get_type_id(out[i])
        if kind in (_POLYGON, _MULTIPOLYGON):
            continue
        polygons = [
            part
            for part in shapely.get_parts(shapely.get_parts(out[i]))
            if shapely.get_type_id(part) == _POLYGON
        ]
        out[i] = shapely.multipolygons(polygons) if polygons else None
    return out


def _record(code: str, names: NDArray[np.object_], geoms: NDArray[np.object_]) -> BoundaryRecord:
    outline = geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
    polygons = _polygonal(np.array([outline], dtype=object))[0]
    if polygons is None:
        raise InvalidInputError(
            "the boundary is not a polygon",
            problems=[FieldProblem("boundary", f"commune {code} has no polygon")],
        )
    distinct = {n for n in names if n is not None}
    return BoundaryRecord(
        code=code,
        name=distinct.pop() if len(distinct) == 1 else None,
        geometry=polygons,
        features=len(geoms),
    )


def _single(features: _Features, code: str | None) -> BoundaryRecord:
    if len(features.geoms) == 0:
        raise InvalidInputError(
            "the boundary file holds no polygon",
            problems=[FieldProblem("boundary", "must hold a Polygon or MultiPolygon")],
        )
    if code is None:
        raise InvalidInputError(
            "the boundary file has no commune code",
            problems=[
                FieldProblem(
                    "boundary", f"add a field among {', '.join(CODE_FIELDS)} or name the commune"
                )
            ],
        )
    return _record(code, features.names, features.geoms)


def _check_in_france(records: Sequence[BoundaryRecord]) -> None:
    outside = []
    swapped = False
    for record in records:
        centre = record.geometry.representative_point()
        if not in_france(centre.x, centre.y):
            outside.append(record.code)
            swapped = swapped or in_france(centre.y, centre.x)
    if outside:
        hint = " (lon and lat look swapped)" if swapped else ""
        raise InvalidInputError(
            "the boundary is not in France",
            problems=[
                FieldProblem(
                    "boundary",
                    f"outline of {', '.join(outside[:_CODES_IN_MESSAGE])} lies outside "
                    f"France{hint}",
                )
            ],
        )
