# SPDX-License-Identifier: MIT
"""Vector files as planners get them: GeoJSON, GeoPackage or Shapefile, in any CRS.

Boundaries and population zones come in whichever format their producer chose: ADMIN EXPRESS is a
GeoPackage in Lambert-93, IRIS contours a zipped Shapefile, a city's open data a GeoJSON. Every
reader of such files opens them here, so that recognising the format from the bytes, refusing a
truncated or incomplete file before GDAL half-reads it, and reprojecting to EPSG:4326 happen in one
place and say the same things.

A file is recognised by its content, not its name: gzip (then looked at again), SQLite (a
GeoPackage), zip (Shapefiles inside: ``.shp`` with its ``.shx``, ``.dbf`` and, for the CRS,
``.prj``) or JSON text (GeoJSON). A path to a ``.shp`` is read in place with its sidecar files.
"""

from __future__ import annotations

import gzip
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

import geopandas as gpd
import pyogrio
import pyogrio.errors
from pyproj import CRS

from mobility.errors import FieldProblem, InvalidInputError, UnsupportedFormatError
from mobility.geo import FRANCE_BOUNDS, WIRE_CRS

VectorFormat = Literal["geojson", "gpkg", "shapefile"]

_GZIP_MAGIC = b"\x1f\x8b"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_SUFFIX: dict[VectorFormat, str] = {"geojson": ".geojson", "gpkg": ".gpkg", "shapefile": ".zip"}
_SHAPEFILE_PARTS = (".shx", ".dbf")
# Lambert-93 coordinates of metropolitan France, metres: a file without CRS whose coordinates
# fall here was written in EPSG:2154 and lost its declaration.
_LAMBERT93_BOUNDS = (50_000.0, 6_000_000.0, 1_300_000.0, 7_200_000.0)
_READ_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
    ValueError,
)


@dataclass(frozen=True)
class VectorLayer:
    """One layer of an opened file: its name, geometry type as GDAL states it, and path."""

    name: str
    geometry_type: str | None
    path: str

    @property
    def polygonal(self) -> bool:
        """Tell whether the layer may hold polygons (``Unknown`` types are given the benefit)."""
        kind = (self.geometry_type or "").lower()
        return "polygon" in kind or kind in ("unknown", "geometry", "geometrycollection")


@dataclass(frozen=True)
class VectorSource:
    """An opened vector file: its format and its layers, readable while the file is open."""

    fmt: VectorFormat
    layers: tuple[VectorLayer, ...]
    what: str

    def read(self, layer: VectorLayer | None = None) -> gpd.GeoDataFrame:
        """Read one layer (the only one when None) into a GeoDataFrame in EPSG:4326.

        A layer that declares no CRS is taken as lon/lat when its coordinates lie in France as
        lon/lat, and refused otherwise (the message says when they look like Lambert-93).
        """
        if layer is None:
            layer = self.only_layer()
        try:
            frame = pyogrio.read_dataframe(layer.path, layer=layer.name)
        except _READ_ERRORS as exc:
            raise UnsupportedFormatError(
                f"the {self.what} file cannot be read ({self.fmt}, layer {layer.name})"
            ) from exc
        if not isinstance(frame, gpd.GeoDataFrame):
            raise InvalidInputError(
                f"the {self.what} file has no geometry",
                problems=[FieldProblem(self.what, f"layer {layer.name} has no geometry column")],
            )
        return to_wire_crs(frame, what=self.what)

    def only_layer(self) -> VectorLayer:
        """Return the single layer, or refuse naming every layer when there are several."""
        if len(self.layers) == 1:
            return self.layers[0]
        names = ", ".join(layer.name for layer in self.layers)
        raise InvalidInputError(
            f"the {self.what} file holds {len(self.layers)} layers",
            problems=[FieldProblem(f"{self.what}.layer", f"choose one of: {names}")],
        )


def to_wire_crs(frame: gpd.GeoDataFrame, *, what: str) -> gpd.GeoDataFrame:
    """Reproject a frame to EPSG:4326; a frame without CRS must already be lon/lat in France.

    GeoJSON without a ``crs`` member is lon/lat by definition, so GDAL declares EPSG:4326 for
    it; coordinates beyond ±180/±90 then show a projected file that lost its declaration, and
    are refused the same way as a Shapefile without ``.prj`` holding metres.
    """
    lon_lat = frame.crs is not None and (
        frame.crs.equals(WIRE_CRS) or frame.crs.equals(CRS("OGC:CRS84"), ignore_axis_order=True)
    )
    if frame.crs is not None and not lon_lat:
        return frame.to_crs(WIRE_CRS)
    if frame.empty:
        return frame.set_crs(WIRE_CRS, allow_override=True)
    bounds = tuple(float(v) for v in frame.total_bounds)
    if lon_lat and _within(bounds, (-180.0, -90.0, 180.0, 90.0)):
        return frame.set_crs(WIRE_CRS, allow_override=True)
    if frame.crs is None and _within(bounds, FRANCE_BOUNDS):
        return frame.set_crs(WIRE_CRS)
    looks = (
        " (they look like Lambert-93, EPSG:2154: declare it, e.g. add the .prj or a crs member)"
        if _within(bounds, _LAMBERT93_BOUNDS)
        else ""
    )
    west, south, east, north = bounds
    raise InvalidInputError(
        f"the {what} file declares no CRS and its coordinates are not lon/lat",
        problems=[
            FieldProblem(
                f"{what}.crs",
                f"no CRS declared; coordinates span {west:.6g}, {south:.6g} to "
                f"{east:.6g}, {north:.6g}{looks}",
            )
        ],
    )


def _within(bounds: tuple[float, ...], box: tuple[float, ...]) -> bool:
    west, south, east, north = bounds
    return box[0] <= west <= east <= box[2] and box[1] <= south <= north <= box[3]


def sniff_format(data: bytes) -> VectorFormat | None:
    """Recognise a (decompressed) file from its first bytes; None when it is none of ours."""
    if data.startswith(_SQLITE_MAGIC):
        return "gpkg"
    if data.startswith(_ZIP_MAGICS):
        return "shapefile"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return "geojson"
    return None


@contextmanager
def open_vector_file(source: bytes | Path, *, what: str) -> Iterator[VectorSource]:
    """Open a vector file from its bytes or a path, for its layers to be listed and read.

    Bytes are written to a private temporary file named with the format's suffix (GDAL picks
    its driver and GeoPackage checks by the name), removed on leaving the block.

    Raises
    ------
    UnsupportedFormatError
        Not GeoJSON, GeoPackage nor zipped Shapefile; broken gzip or zip; a GeoPackage shorter
        than its header says (truncated); a Shapefile without its ``.shx`` or ``.dbf``.
    """
    if isinstance(source, Path) and source.suffix.lower() == ".shp":
        yield _source("shapefile", [_shapefile_layer(source, what=what)], what=what)
        return
    data = source.read_bytes() if isinstance(source, Path) else bytes(source)
    if data.startswith(_GZIP_MAGIC):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise UnsupportedFormatError(f"the {what} file is a broken gzip archive") from exc
    fmt = sniff_format(data)
    if fmt is None:
        raise UnsupportedFormatError(
            f"the {what} file is neither GeoJSON, GeoPackage nor a zipped Shapefile"
        )
    if fmt == "gpkg":
        _check_sqlite_length(data, what=what)
    with tempfile.TemporaryDirectory(prefix="mobility-vector-") as folder:
        path = Path(folder) / f"{what}{_SUFFIX[fmt]}"
        path.write_bytes(data)
        if fmt == "shapefile":
            layers = _zip_layers(path, what=what)
        else:
            layers = _listed_layers(str(path), fmt=fmt, what=what)
        yield _source(fmt, layers, what=what)


def _source(fmt: VectorFormat, layers: list[VectorLayer], *, what: str) -> VectorSource:
    if not layers:
        raise InvalidInputError(
            f"the {what} file holds no layer",
            problems=[FieldProblem(what, "the file holds no layer with features")],
        )
    return VectorSource(fmt=fmt, layers=tuple(layers), what=what)


def _check_sqlite_length(data: bytes, *, what: str) -> None:
    """Refuse a GeoPackage shorter than the page count its SQLite header states.

    The header gives the page size (bytes 16-17, 1 meaning 65,536) and, when bytes 24-27 equal
    bytes 92-95, the page count (bytes 28-31). A truncated file may still open and lose rows
    silently, so it is refused here.
    """
    if len(data) < 100:
        raise UnsupportedFormatError(f"the {what} file is a truncated GeoPackage (no header)")
    page_size = int.from_bytes(data[16:18], "big")
    page_size = 65_536 if page_size == 1 else page_size
    pages = int.from_bytes(data[28:32], "big")
    if data[24:28] == data[92:96] and pages > 0 and len(data) < page_size * pages:
        raise UnsupportedFormatError(
            f"the {what} file is a truncated GeoPackage: {len(data):,} bytes of the "
            f"{page_size * pages:,} its header announces"
        )


def _listed_layers(path: str, *, fmt: VectorFormat, what: str) -> list[VectorLayer]:
    try:
        listed = pyogrio.list_layers(path)
    except _READ_ERRORS as exc:
        raise UnsupportedFormatError(f"the {what} file cannot be opened as {fmt}") from exc
    return [
        VectorLayer(name=str(name), geometry_type=None if kind is None else str(kind), path=path)
        for name, kind in listed
        if kind is not None  # attribute tables of a GeoPackage carry no geometry
    ]


def _zip_layers(path: Path, *, what: str) -> list[VectorLayer]:
    """One layer per ``.shp`` inside the zip (at any depth), each checked for its parts."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [name for name in archive.namelist() if not name.endswith("/")]
    except zipfile.BadZipFile as exc:
        raise UnsupportedFormatError(f"the {what} file is a broken zip archive") from exc
    lowered = {name.lower(): name for name in members}
    shapefiles = [name for name in members if name.lower().endswith(".shp")]
    if not shapefiles:
        raise UnsupportedFormatError(
            f"the {what} zip holds no Shapefile (.shp); it holds: {', '.join(members) or 'nothing'}"
        )
    layers = []
    for member in sorted(shapefiles):
        stem = member[: -len(".shp")]
        missing = [part for part in _SHAPEFILE_PARTS if (stem + part).lower() not in lowered]
        if missing:
            raise UnsupportedFormatError(
                f"the {what} zip holds {member} without its {' and '.join(missing)} file"
            )
        inner = f"/vsizip/{path}/{member}"
        layers.append(
            VectorLayer(
                name=PurePosixPath(stem).name,
                geometry_type=_geometry_type(inner, shown=member, what=what),
                path=inner,
            )
        )
    return layers


def _shapefile_layer(path: Path, *, what: str) -> VectorLayer:
    missing = [part for part in _SHAPEFILE_PARTS if not _sidecar(path, part).is_file()]
    if missing:
        raise UnsupportedFormatError(
            f"the {what} Shapefile {path.name} has no {' nor '.join(missing)} file beside it"
        )
    return VectorLayer(
        name=path.stem,
        geometry_type=_geometry_type(str(path), shown=path.name, what=what),
        path=str(path),
    )


def _sidecar(path: Path, suffix: str) -> Path:
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.is_file():
            return candidate
    return path.with_suffix(suffix)


def _geometry_type(path: str, *, shown: str, what: str) -> str | None:
    try:
        listed = pyogrio.list_layers(path)
    except _READ_ERRORS as exc:
        raise UnsupportedFormatError(f"the {what} Shapefile {shown} cannot be opened") from exc
    return None if len(listed) == 0 or listed[0][1] is None else str(listed[0][1])
