# SPDX-License-Identifier: MIT
"""What every GeoJSON flavour shares: loading the FeatureCollection, walking its features.

A problem with the whole file (not JSON, not UTF-8, not a FeatureCollection, a projected CRS)
raises :class:`~mobility.errors.UnsupportedFormatError`. A problem with one feature (no geometry,
non-numeric coordinates, a line where a point or area is expected) becomes a
:class:`~mobility.formats.report.RejectedRow` whose ``line`` is the 1-based feature index.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from mobility.errors import UnsupportedFormatError
from mobility.formats.geometry import FeatureProblem, json_repr, read_geometry
from mobility.formats.report import ReportBuilder, validation_problems

Feature = dict[str, Any]

_LONLAT_CRS = ("CRS84", "EPSG:4326", "EPSG::4326", "EPSG/0/4326")


def load_feature_collection(data: bytes) -> list[Any]:
    """Parse a GeoJSON FeatureCollection and return its ``features`` array.

    Raises
    ------
    UnsupportedFormatError
        When the file is empty, not UTF-8, not JSON, not a FeatureCollection, or declares a
        CRS other than longitude/latitude (WGS 84).
    """
    if not data.strip():
        raise UnsupportedFormatError("The file is empty: expected a GeoJSON FeatureCollection.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UnsupportedFormatError(
            f"The file is not UTF-8 text (byte 0x{data[error.start : error.start + 1].hex()} on "
            f"line {line}); GeoJSON must be UTF-8 (RFC 7946)."
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnsupportedFormatError(
            f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        what = (
            f"a GeoJSON {document['type']}"
            if isinstance(document, dict) and isinstance(document.get("type"), str)
            else f"a JSON {type(document).__name__}"
            if not isinstance(document, dict)
            else "a JSON object without a GeoJSON type"
        )
        raise UnsupportedFormatError(
            f"The file is {what}, not a GeoJSON FeatureCollection: wrap the features in "
            '{"type": "FeatureCollection", "features": [...]}.'
        )
    features = document.get("features")
    if not isinstance(features, list):
        raise UnsupportedFormatError("The FeatureCollection has no 'features' array.")
    _check_crs(document.get("crs"))
    return features


def _check_crs(crs: Any) -> None:
    if crs is None:
        return
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if isinstance(name, str) and any(name.upper().endswith(code) for code in _LONLAT_CRS):
        return
    raise UnsupportedFormatError(
        f"The GeoJSON declares the CRS {json_repr(name if name else crs)}: coordinates must be "
        "longitude/latitude in WGS 84 (RFC 7946). Reproject the file to EPSG:4326."
    )


def iter_features(features: list[Any], builder: ReportBuilder) -> Iterator[tuple[int, Feature]]:
    """Yield ``(line, feature)`` for each well-formed Feature, refusing the malformed ones.

    ``line`` is the 1-based index in the collection. Counts every item in ``rows_read``. The
    yielded feature always has a ``properties`` dict (``null`` becomes ``{}``).
    """
    for line, feature in enumerate(features, 1):
        builder.rows_read += 1
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            builder.reject(line, None, "feature", "The item is not a GeoJSON Feature object.")
            continue
        properties = feature.get("properties")
        if properties is None:
            feature = {**feature, "properties": {}}
        elif not isinstance(properties, dict):
            builder.reject(line, None, "properties", "The feature's properties are not an object.")
            continue
        yield line, feature


def locate(
    builder: ReportBuilder, line: int, row_id: str | None, feature: Feature
) -> tuple[float, float, dict[str, Any] | None] | None:
    """Return the feature's point and footprint, or record why not and return ``None``."""
    try:
        position = read_geometry(feature.get("geometry"))
    except FeatureProblem as problem:
        builder.reject(line, row_id, problem.field, problem.reason)
        return None
    builder.place(line, position[0], position[1])
    return position


def reject_validation(
    builder: ReportBuilder,
    line: int,
    row_id: str | None,
    error: ValidationError,
    renames: Mapping[str, str] | None = None,
    known_fields: tuple[str, ...] = (),
) -> None:
    """Record each pydantic error of a feature as a refusal tied to the source's field name."""
    problems = validation_problems(error, renames=renames, known_fields=known_fields)
    for field_name, reason in problems:
        builder.reject(line, row_id, field_name, reason)


def property_keys(features: list[Any]) -> set[str]:
    """Return every property name used by the features (ignoring malformed items)."""
    keys: set[str] = set()
    for feature in features:
        if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
            keys.update(feature["properties"])
    return keys


def slug(value: str) -> str:
    """Return a URL-safe id part: ASCII letters, digits and dashes (accents dropped)."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()


def text(value: Any) -> str | None:
    """Return a property as trimmed text, ``None`` when absent or blank (numbers kept as text)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).strip()
    return result or None


def whole_number(value: Any, field: str) -> int | None:
    """Parse a count given as a JSON number or as text; raise :class:`FeatureProblem` if not one.

    ``None`` and blank text give ``None``. Negative numbers are returned as is: the model's own
    rule refuses them with the field name.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise FeatureProblem(field, f"The value {value!r} is not a whole number.")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise FeatureProblem(field, f"The value {value!r} is not a whole number.")
    raw = str(value).strip()
    if not raw:
        return None
    if re.fullmatch(r"[+-]?\d+", raw) is None:
        raise FeatureProblem(field, f"The value {json_repr(raw)} is not a whole number.")
    return int(raw)
