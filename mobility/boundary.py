# SPDX-License-Identifier: MIT
"""Reading a commune's boundary from a GeoJSON file, whichever way it was published.

A boundary file may hold the commune alone, or every commune of a département with the INSEE code
in a property (``code``, ``INSEE_COM``, ``insee``, ``DEPCOM`` …), or the commune's IRIS to be
dissolved. The outline is returned valid, as a (Multi)Polygon in lon/lat.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

from shapely import make_valid
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from mobility.errors import FieldProblem, InvalidInputError, UnsupportedFormatError
from mobility.geo import in_france

CODE_PROPERTIES = ("code", "insee", "INSEE_COM", "insee_com", "code_insee", "DEPCOM", "codgeo")


def read_geojson(data: bytes, *, what: str) -> dict[str, Any]:
    """Decode a (possibly gzipped) GeoJSON document, refusing what is not JSON."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise UnsupportedFormatError(f"the {what} file is a broken gzip archive") from exc
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UnsupportedFormatError(f"the {what} file is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise UnsupportedFormatError(
            f"the {what} file is not valid JSON (line {exc.lineno}: {exc.msg})"
        ) from exc
    if not isinstance(document, dict) or document.get("type") not in (
        "FeatureCollection",
        "Feature",
        "Polygon",
        "MultiPolygon",
    ):
        raise UnsupportedFormatError(f"the {what} file is not a GeoJSON object")
    return document


def read_boundary(data: bytes, *, code: str) -> dict[str, Any]:
    """Return the commune's outline as a GeoJSON (Multi)Polygon geometry.

    With several features, the one whose code property equals ``code`` is taken; failing that,
    features that all carry ``code`` (e.g. IRIS with DEPCOM) are dissolved; a file of several
    unrelated polygons is refused rather than guessed at.
    """
    document = read_geojson(data, what="boundary")
    if document["type"] in ("Polygon", "MultiPolygon"):
        features = [{"type": "Feature", "properties": {}, "geometry": document}]
    elif document["type"] == "Feature":
        features = [document]
    else:
        features = [f for f in document.get("features") or [] if isinstance(f, dict)]
    if not features:
        raise InvalidInputError(
            "the boundary file holds no feature", problems=[FieldProblem("boundary", "empty")]
        )
    if len(features) > 1:
        matching = [f for f in features if _code_of(f) == code]
        if not matching:
            raise InvalidInputError(
                f"the boundary file holds {len(features)} features and none has code {code}",
                problems=[
                    FieldProblem(
                        "boundary",
                        f"add a property among {', '.join(CODE_PROPERTIES)} equal to {code}, "
                        "or give a file with the commune alone",
                    )
                ],
            )
        features = matching
    parts: list[BaseGeometry] = []
    for feature in features:
        try:
            geometry = shape(feature.get("geometry"))
        except (AttributeError, TypeError, ValueError, KeyError) as exc:
            raise InvalidInputError(
                "the boundary geometry cannot be read",
                problems=[FieldProblem("boundary", "malformed geometry")],
            ) from exc
        parts.append(make_valid(geometry))
    outline = unary_union(parts)
    polygons = _polygons_of(outline)
    if polygons is None or polygons.is_empty:
        raise InvalidInputError(
            "the boundary is not a polygon",
            problems=[FieldProblem("boundary", "must be a Polygon or MultiPolygon")],
        )
    centre = polygons.representative_point()
    if not in_france(centre.x, centre.y):
        hint = " (lon and lat look swapped)" if in_france(centre.y, centre.x) else ""
        raise InvalidInputError(
            "the boundary is not in France",
            problems=[FieldProblem("boundary", f"outline lies outside France{hint}")],
        )
    return dict(mapping(polygons))


def _code_of(feature: dict[str, Any]) -> str | None:
    properties = feature.get("properties") or {}
    for name in CODE_PROPERTIES:
        if name in properties and properties[name] is not None:
            return str(properties[name])
    return None


def _polygons_of(geometry: BaseGeometry) -> Polygon | MultiPolygon | None:
    if isinstance(geometry, Polygon | MultiPolygon):
        return geometry
    polygons = [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon)]
    return MultiPolygon(polygons) if polygons else None
