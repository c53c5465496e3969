# SPDX-License-Identifier: MIT
"""One entry point for every asset file: sniff the format and, for GeoJSON, the flavour.

The format, when not given, is sniffed from the first bytes:

* a zip archive → a GTFS feed; a CSV whose header has ``stop_id`` → a bare GTFS ``stops.txt``;
* ``<`` (or gzip) → OpenStreetMap XML; an ``OSMHeader`` block → OpenStreetMap PBF;
* ``{`` → JSON: a GBFS ``station_information.json`` when its start shows ``"data"`` and
  ``"stations"`` and no GeoJSON ``Feature``, else GeoJSON;
* anything else → an IRVE statique CSV.

A GeoJSON's flavour comes from its property names, checked in this order:

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
from mobility.formats.gbfs import read_gbfs
from mobility.formats.geojson_common import load_feature_collection, property_keys
from mobility.formats.geojson_idfm import idfm_from_features
from mobility.formats.geojson_native import infer_layer, native_from_features
from mobility.formats.geojson_osm import OSM_PROPERTIES, osm_from_features
from mobility.formats.geojson_velib import VELIB_PROPERTIES, velib_from_features
from mobility.formats.gtfs import read_gtfs
from mobility.formats.gtfs_feed import ZIP_MAGIC
from mobility.formats.irve_reader import read_irve_csv
from mobility.formats.osm_pbf import read_osm_pbf_assets
from mobility.formats.osm_xml import GZIP_MAGIC, read_osm_xml
from mobility.formats.report import ProgressFn, ReadReport
from mobility.network.sources import PBF_HEADER

AssetFormat = Literal["irve", "gtfs", "gbfs", "osm", "geojson"]
ASSET_FORMATS: tuple[AssetFormat, ...] = ("irve", "gtfs", "gbfs", "osm", "geojson")
FORMAT_LAYERS: dict[AssetFormat, frozenset[Layer]] = {
    "irve": frozenset({Layer.CHARGING_POINTS}),
    "gtfs": frozenset({Layer.HUBS}),
    "gbfs": frozenset({Layer.HUBS}),
    "osm": frozenset({Layer.PARKING, Layer.HUBS}),
    "geojson": frozenset(Layer),
}
"""The layers each format can hold."""
_FORMAT_NAMES: dict[AssetFormat, str] = {
    "irve": "An IRVE statique CSV holds charging points",
    "gtfs": "A GTFS feed holds hubs (stations and stops)",
    "gbfs": "A GBFS station_information.json holds hubs (bike-share stations)",
    "osm": "An OpenStreetMap XML file gives parking and hubs",
    "geojson": "",
}
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


def is_blank(data: bytes) -> bool:
    """Tell whether a file holds nothing but a BOM and white space (without copying it)."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    return not body or body.isspace()


def sniff_format(data: bytes) -> AssetFormat:
    """Tell the format of a file from its first bytes (see the module docstring)."""
    if data.startswith(ZIP_MAGIC):
        return "gtfs"
    if data.startswith(GZIP_MAGIC) or data[4 : 4 + len(PBF_HEADER)] == PBF_HEADER:
        return "osm"
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return "osm"
    if head.startswith(b"{"):
        compact = head.replace(b" ", b"").replace(b"\n", b"").replace(b"\t", b"")
        is_gbfs = b'"data":' in compact and b'"stations":' in compact
        return "gbfs" if is_gbfs and b'"Feature' not in compact else "geojson"
    first_line = head.split(b"\n", 1)[0]
    if b"stop_id" in first_line and b"id_pdc_itinerance" not in first_line:
        return "gtfs"
    return "irve"


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
    progress: ProgressFn | None = None,
) -> ReadReport:
    """Read any supported asset file into a :class:`~mobility.formats.report.ReadReport`.

    ``progress(done, total)`` is called while the file is read, for the long ones (IRVE, GTFS,
    OSM): how far the reader is, in bytes or steps.

    Raises
    ------
    UnsupportedFormatError
        When the file is empty, malformed as a whole, of no known flavour, or cannot hold
        ``layer``.
    """
    if is_blank(data):
        raise UnsupportedFormatError("The file is empty.")
    fmt = fmt or sniff_format(data)
    if fmt not in FORMAT_LAYERS:
        known = ", ".join(repr(name) for name in ASSET_FORMATS)
        raise UnsupportedFormatError(f"Unknown format {fmt!r}: expected one of {known}.")
    if fmt != "geojson" and layer is not None and layer not in FORMAT_LAYERS[fmt]:
        raise UnsupportedFormatError(f"{_FORMAT_NAMES[fmt]}, not {layer}.")
    if fmt == "irve":
        return read_irve_csv(data, source_name=source_name, progress=progress)
    if fmt == "gtfs":
        return read_gtfs(data, source_name=source_name, progress=progress)
    if fmt == "gbfs":
        return read_gbfs(data, source_name=source_name)
    if fmt == "osm" and data[4 : 4 + len(PBF_HEADER)] == PBF_HEADER:
        return read_osm_pbf_assets(data, source_name=source_name, layer=layer)
    if fmt == "osm":
        return read_osm_xml(data, source_name=source_name, layer=layer, progress=progress)
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
