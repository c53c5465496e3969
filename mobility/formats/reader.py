# SPDX-License-Identifier: MIT
"""One entry point for every asset file: sniff the format and, for GeoJSON, the flavour.

A file whose first non-blank character is ``{`` is GeoJSON, anything else is taken for an IRVE
statique CSV. A GeoJSON's flavour comes from its property names, checked in this order:

* ``stationcode`` and ``capacity`` → bike-share stations (Vélib' open data), hubs;
* ``ID_REF_ZDL``, or ``NOM_GARE`` with ``MODE_`` → IDFM stations, hubs grouped by stop area;
* exactly one layer's model fields → our own ("native") format, that layer;
* ``amenity``, ``public_transport``, ``railway`` or ``highway`` → OpenStreetMap tags, parking
  and hubs.

``layer`` says which layer the caller expects: a native file needs it when its properties do not
tell, an OSM file keeps only that layer (the rest is counted in ``skipped``), and a flavour that
cannot hold that layer is refused.
"""

from __future__ import annotations

from typing import Literal

from mobility.assets import Layer
from mobility.errors import UnsupportedFormatError
from mobility.formats.geojson_common import load_feature_collection, property_keys
from mobility.formats.geojson_idfm import idfm_from_features
from mobility.formats.geojson_native import infer_layer, native_from_features
from mobility.formats.geojson_osm import OSM_PROPERTIES, osm_from_features
from mobility.formats.geojson_velib import VELIB_PROPERTIES, velib_from_features
from mobility.formats.irve import read_irve_csv
from mobility.formats.report import ReadReport

AssetFormat = Literal["irve", "geojson"]
GeoJsonFlavour = Literal["velib", "idfm", "native", "osm"]

FLAVOUR_LAYERS: dict[GeoJsonFlavour, frozenset[Layer]] = {
    "velib": frozenset({Layer.HUBS}),
    "idfm": frozenset({Layer.HUBS}),
    "osm": frozenset({Layer.PARKING, Layer.HUBS}),
    "native": frozenset(Layer),
}
_FLAVOUR_NAMES: dict[GeoJsonFlavour, str] = {
    "velib": "bike-share stations (stationcode, capacity)",
    "idfm": "IDFM stations (ID_REF_ZDL, NOM_GARE, MODE_)",
    "osm": "OpenStreetMap tags (amenity, public_transport...)",
    "native": "this service's own attributes",
}


def sniff_format(data: bytes) -> AssetFormat:
    """Tell a GeoJSON file (starts with ``{``) from an IRVE CSV (anything else)."""
    head = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip()
    return "geojson" if head.startswith(b"{") else "irve"


def detect_geojson_flavour(keys: set[str]) -> GeoJsonFlavour | None:
    """Return the GeoJSON flavour its property names reveal, or ``None`` (module docstring)."""
    if VELIB_PROPERTIES <= keys:
        return "velib"
    if "ID_REF_ZDL" in keys or {"NOM_GARE", "MODE_"} <= keys:
        return "idfm"
    if infer_layer(keys) is not None:
        return "native"
    if keys & OSM_PROPERTIES:
        return "osm"
    return None


def read_asset_file(
    data: bytes,
    *,
    fmt: AssetFormat | None = None,
    layer: Layer | None = None,
    source_name: str = "",
) -> ReadReport:
    """Read any supported asset file into a :class:`~mobility.formats.report.ReadReport`.

    Raises
    ------
    UnsupportedFormatError
        When the file is empty, malformed as a whole, of no known flavour, or cannot hold
        ``layer``.
    """
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise UnsupportedFormatError("The file is empty.")
    fmt = fmt or sniff_format(data)
    if fmt == "irve":
        if layer not in (None, Layer.CHARGING_POINTS):
            raise UnsupportedFormatError(
                f"An IRVE statique CSV holds charging points, not {layer}."
            )
        return read_irve_csv(data, source_name=source_name)
    if fmt != "geojson":
        raise UnsupportedFormatError(f"Unknown format {fmt!r}: expected 'irve' or 'geojson'.")
    features = load_feature_collection(data)
    flavour = detect_geojson_flavour(property_keys(features))
    if flavour is None:
        if layer is None and features:
            known = "; ".join(_FLAVOUR_NAMES.values())
            raise UnsupportedFormatError(
                f"The GeoJSON's properties match no known kind of file ({known}). "
                "If it holds this service's own attributes, say which layer it is."
            )
        flavour = "native"
    if layer is not None and layer not in FLAVOUR_LAYERS[flavour]:
        raise UnsupportedFormatError(
            f"This GeoJSON holds {_FLAVOUR_NAMES[flavour]}, which cannot be {layer}."
        )
    if flavour == "velib":
        return velib_from_features(features, source_name=source_name)
    if flavour == "idfm":
        return idfm_from_features(features, source_name=source_name)
    if flavour == "osm":
        return osm_from_features(features, source_name=source_name, layer=layer)
    return native_from_features(features, layer=layer, source_name=source_name)
