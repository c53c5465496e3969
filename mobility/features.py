# SPDX-License-Identifier: MIT
"""GeoJSON features to assets and back, with every problem of a feature reported at once.

This is where a feature sent by a client (or read from a file) becomes an asset: its geometry must
be a lon/lat point inside a loaded commune or its surroundings, its attributes must satisfy the
layer's model. All the
problems found are gathered into one InvalidInputError, each naming its field as a path such as
``properties.puissance_nominale`` or ``geometry.coordinates``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from mobility.assets import (
    UNKNOWN_COMMUNE,
    Asset,
    AssetAttributes,
    Layer,
    is_valid_feature_id,
    natural_id_problem,
    parse_json_attributes,
)
from mobility.errors import FieldProblem, InvalidInputError
from mobility.geo import in_france
from mobility.geojson import encode_json, with_members
from mobility.places import INSEE_CODE_PATTERN, Place
from mobility.store.base import (
    ASSET_PAGE_SIZE,
    AssetJson,
    AssetQuery,
    CommuneRecord,
    Store,
)

READ_ONLY_PROPERTIES = frozenset({"commune", "updated_at", "footprint", "in_commune"})
"""Properties the API adds to a served feature; a client may send them back, they are not data."""


class CommuneLocator:
    """Finds the commune a point falls in, from the stored outlines (prepared for speed).

    "In" is :mod:`mobility.places`' rule, the one the store and the analyses use: inside or on
    the boundary. The surroundings of a commune are a separate question (:meth:`sees`).
    """

    def __init__(self, communes: Iterable[CommuneRecord]) -> None:
        self._places: dict[str, Place] = {record.code: Place.of(record) for record in communes}
        # where communes overlap (Paris and its arrondissements) the smallest is the point's own
        self._by_size = sorted(
            self._places, key=lambda code: (self._places[code].commune_outline.area, code)
        )

    @property
    def codes(self) -> list[str]:
        """Return the codes of the communes known to the locator."""
        return sorted(self._places)

    def contains(self, code: str, lon: float, lat: float) -> bool:
        """Tell whether the point lies in (or on the edge of) the named commune."""
        place = self._places.get(code)
        return place is not None and bool(place.inside_commune([lon], [lat])[0])

    def sees(self, code: str, lon: float, lat: float) -> bool:
        """Tell whether the point lies in the named commune or in its surroundings."""
        place = self._places.get(code)
        return place is not None and bool(place.inside_surroundings([lon], [lat])[0])

    def sees_any(self, lon: float, lat: float) -> bool:
        """Tell whether the point lies in some commune or in its surroundings."""
        return any(place.inside_surroundings([lon], [lat])[0] for place in self._places.values())

    def locate(self, lon: float, lat: float) -> str | None:
        """Return the code of the smallest commune covering the point, or None."""
        return self.locate_many([lon], [lat])[0]

    def locate_many(self, lons: npt.ArrayLike, lats: npt.ArrayLike) -> list[str | None]:
        """Return, for each point, the code of the smallest commune covering it, or None."""
        x = np.asarray(lons, dtype=float)
        y = np.asarray(lats, dtype=float)
        codes: list[str | None] = [None] * len(x)
        pending = np.ones(len(x), dtype=bool)
        for code in self._by_size:
            if not pending.any():
                break
            index = np.flatnonzero(pending)
            inside = index[self._places[code].inside_commune(x[index], y[index])]
            for i in inside:
                codes[int(i)] = code
            pending[inside] = False
        return codes


def problems_from_validation(error: ValidationError, *, prefix: str) -> list[FieldProblem]:
    """Turn pydantic's errors into field problems with dotted paths under ``prefix``."""
    problems = []
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"])
        field = f"{prefix}.{path}" if path else prefix
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(FieldProblem(field, message))
    return problems


def read_point(geometry: Any, problems: list[FieldProblem]) -> tuple[float, float] | None:
    """Return (lon, lat) from a GeoJSON Point, recording what is wrong otherwise."""
    if not isinstance(geometry, Mapping):
        problems.append(FieldProblem("geometry", "must be a GeoJSON Point object"))
        return None
    if geometry.get("type") != "Point":
        problems.append(FieldProblem("geometry.type", "must be 'Point' (assets are points)"))
        return None
    coordinates = geometry.get("coordinates")
    if isinstance(coordinates, list | tuple) and len(coordinates) == 3:
        problems.append(
            FieldProblem(
                "geometry.coordinates",
                "a height (z) is not kept: send [lon, lat] only, rather than lose it silently",
            )
        )
        return None
    if (
        not isinstance(coordinates, list | tuple)
        or len(coordinates) != 2
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates)
    ):
        problems.append(FieldProblem("geometry.coordinates", "must be [lon, lat] with two numbers"))
        return None
    lon, lat = float(coordinates[0]), float(coordinates[1])
    if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
        problems.append(FieldProblem("geometry.coordinates", "lon/lat out of range"))
        return None
    if not in_france(lon, lat):
        reason = "point is outside France"
        if in_france(lat, lon):
            reason += " (lon and lat look swapped: the order is [lon, lat])"
        problems.append(FieldProblem("geometry.coordinates", reason))
        return None
    return lon, lat


def asset_from_feature(
    layer: Layer,
    feature: Any,
    *,
    locator: CommuneLocator,
    feature_id: str | None = None,
    parse: Callable[[Layer, dict[str, Any]], AssetAttributes] = parse_json_attributes,
) -> Asset:
    """Build a validated asset from a GeoJSON Feature, or raise InvalidInputError.

    The commune is the asset's own (see :func:`_own_commune`): the smallest loaded commune whose
    outline covers the point, or the one a ``commune`` property names, which must agree with it
    when that commune is loaded. ``feature_id`` (from the URL of a PUT or a PATCH) is the asset's
    id: a feature id in the body must be the same, as an item's id cannot change. A charging
    point's id must be its roaming (else local) id, see
    :func:`~mobility.assets.natural_id_problem`.
    """
    problems: list[FieldProblem] = []
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise InvalidInputError(
            "the body must be a GeoJSON Feature",
            problems=[FieldProblem("type", "must be 'Feature'")],
        )
    properties = feature.get("properties")
    if not isinstance(properties, Mapping):
        problems.append(FieldProblem("properties", "must be an object"))
        properties = {}
    attributes_in = {k: v for k, v in properties.items() if k not in READ_ONLY_PROPERTIES}
    attributes = None
    try:
        attributes = parse(layer, attributes_in)
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc, prefix="properties"))

    point = read_point(feature.get("geometry"), problems)
    commune = None
    if point is not None:
        commune = _own_commune(properties.get("commune"), point, locator, problems)

    asset_id = feature_id
    raw_id = feature.get("id")
    if feature_id is not None and raw_id is not None and str(raw_id) != feature_id:
        problems.append(
            FieldProblem(
                "id",
                f"the body's id {str(raw_id)!r} differs from the id in the path {feature_id!r}: "
                "an item's id cannot change (add the new item, then delete the old one)",
            )
        )
    if asset_id is None:
        if raw_id is None and attributes is not None:
            asset_id = _natural_id(attributes)
        elif raw_id is not None:
            asset_id = str(raw_id)
    if asset_id is None:
        problems.append(FieldProblem("id", "a feature id is required for this layer"))
    elif not is_valid_feature_id(asset_id):
        problems.append(
            FieldProblem("id", "use 1 to 128 letters, digits, '.', '_', ':', '*' or '-'")
        )
    elif attributes is not None and (mismatch := natural_id_problem(asset_id, attributes)):
        problems.append(FieldProblem(f"properties.{mismatch[0]}", mismatch[1]))

    if problems or attributes is None or point is None or commune is None or asset_id is None:
        raise InvalidInputError(f"the feature is not a valid {layer.value} item", problems=problems)
    return Asset(
        layer=layer, id=asset_id, commune=commune, lon=point[0], lat=point[1], attributes=attributes
    )


def _own_commune(
    wanted: Any, point: tuple[float, float], locator: CommuneLocator, problems: list[FieldProblem]
) -> str | None:
    """Return the code of the commune the point stands in, or None with the problem recorded.

    A loaded commune named by the feature must hold the point. A code of a commune not loaded
    cannot be checked against a boundary and is kept as given, for a point a loaded commune sees
    (in its boundary or its surroundings). Without a code, the smallest loaded commune holding
    the point names it; a point only in a commune's surroundings has no known code.
    """
    if wanted is not None and (
        not isinstance(wanted, str) or not re.match(INSEE_CODE_PATTERN, wanted)
    ):
        problems.append(FieldProblem("properties.commune", "must be an INSEE code string"))
        return None
    if wanted is not None and wanted in locator.codes:
        if locator.contains(wanted, *point):
            return wanted
        problems.append(
            FieldProblem("geometry", f"point lies outside the boundary of commune {wanted}")
        )
        return None
    located = locator.locate(*point)
    if located is None and not locator.sees_any(*point):
        problems.append(
            FieldProblem("geometry", "point lies outside every loaded commune and its surroundings")
        )
        return None
    if wanted is not None:
        return wanted
    return located if located is not None else UNKNOWN_COMMUNE


def _natural_id(attributes: Any) -> str | None:
    """Return the id an attribute set carries itself (a charging point's roaming id)."""
    natural = getattr(attributes, "feature_id", None)
    return natural if isinstance(natural, str) else None


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply an RFC 7396 JSON merge patch (``null`` removes a member)."""
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def feature_from_asset(asset: Asset, *, in_commune: bool | None = None) -> dict[str, Any]:
    """Return the GeoJSON Feature the API serves for an asset (lon/lat, EPSG:4326).

    ``in_commune`` is given when the asset is served for a commune: whether it stands inside
    that commune's boundary (false: in its surroundings).
    """
    properties = asset.properties()
    properties["commune"] = asset.commune or None  # unknown for a margin asset of no loaded commune
    properties["updated_at"] = _iso(asset.updated_at)
    if asset.footprint is not None:
        properties["footprint"] = asset.footprint
    if in_commune is not None:
        properties["in_commune"] = in_commune
    return {
        "type": "Feature",
        "id": asset.id,
        "geometry": {"type": "Point", "coordinates": [asset.lon, asset.lat]},
        "properties": properties,
    }


def commune_place(store: Store, code: str | None) -> Place | None:
    """Return the outline of a loaded commune, or None (no commune named, or none loaded)."""
    if code is None or not store.has_commune(code):
        return None
    return Place.of(store.get_commune(code))


def features_in_place(assets: Sequence[Asset], place: Place | None) -> list[dict[str, Any]]:
    """Return the assets' features, each saying whether it stands in the commune (with a place)."""
    if place is None:
        return [feature_from_asset(asset) for asset in assets]
    inside = place.inside_commune([a.lon for a in assets], [a.lat for a in assets])
    return [
        feature_from_asset(asset, in_commune=bool(flag))
        for asset, flag in zip(assets, inside.tolist(), strict=True)
    ]


def page_features(store: Store, query: AssetQuery) -> tuple[list[dict[str, Any]], int]:
    """Return one page of a layer as features and how many match in all.

    Served for a commune (``query.commune``), each feature carries ``in_commune``, computed with
    the same rule of "inside" the store used to select it.
    """
    page = store.query_assets(query)
    return features_in_place(page.assets, commune_place(store, query.commune)), page.number_matched


def stream_features(
    store: Store, query: AssetQuery, *, batch: int = ASSET_PAGE_SIZE
) -> Iterator[dict[str, Any]]:
    """Yield every feature of a whole query in id order, ``in_commune`` marked as a page is."""
    place = commune_place(store, query.commune)
    assets = store.iter_assets(query, page_size=batch)
    while chunk := list(islice(assets, batch)):
        yield from features_in_place(chunk, place)


def feature_json(asset: AssetJson, *, in_commune: bool | None = None, **members: Any) -> str:
    """Return the Feature served for a stored asset as JSON text, built from the stored text.

    Parsed, it equals :func:`feature_from_asset` of the same asset read and validated (a test
    holds every shipped asset to it), plus ``members`` (such as ``links``): the stored properties
    are the layer model's own JSON, and only what the API adds is encoded here. This is how a
    page of features is served without parsing, validating and encoding every record again.
    """
    added = (
        ',"commune":'
        + (encode_json(asset.commune) if asset.commune else "null")
        + ',"updated_at":'
        + (f'"{asset.updated_at.isoformat()}"' if asset.updated_at else "null")
    )
    if asset.footprint_json is not None:
        added += ',"footprint":' + asset.footprint_json
    if in_commune is not None:
        added += ',"in_commune":' + ("true" if in_commune else "false")
    stored = asset.properties_json.strip()
    if not (stored.startswith("{") and stored.endswith("}")):
        raise ValueError(f"the stored properties of {asset.id!r} are not a JSON object")
    body = stored[1:-1].strip()
    properties = "{" + (body + added if body else added[1:]) + "}"
    head = (
        '{"type":"Feature","id":'
        + encode_json(asset.id)
        + ',"geometry":{"type":"Point","coordinates":'
        + _coordinates(asset.lon, asset.lat)
        + '},"properties":'
        + properties
        + "}"
    )
    return with_members(head, members) if members else head


def _coordinates(lon: float, lat: float) -> str:
    """Return ``[lon,lat]`` as the JSON encoder writes it (``repr`` of finite floats)."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError("a stored position is not finite")
    return f"[{lon!r},{lat!r}]"


def page_features_json(store: Store, query: AssetQuery) -> tuple[list[str], int]:
    """Return one page as features' JSON text, and how many match: :func:`page_features` fast.

    The same features, ``in_commune`` included, from the stored text (see :func:`feature_json`).
    """
    page = store.query_asset_json(query)
    place = commune_place(store, query.commune)
    if place is None:
        return [feature_json(asset) for asset in page.assets], page.number_matched
    inside = place.inside_commune([a.lon for a in page.assets], [a.lat for a in page.assets])
    features = [
        feature_json(asset, in_commune=bool(flag))
        for asset, flag in zip(page.assets, inside.tolist(), strict=True)
    ]
    return features, page.number_matched


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
