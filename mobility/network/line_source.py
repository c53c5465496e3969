# SPDX-License-Identifier: MIT
"""Open a line file GDAL reads (GeoJSON, GeoPackage, zipped Shapefile) and read its rows.

Uploads arrive as bytes whose name may be lost, so the container is told by its first bytes
(gzip, SQLite, zip, ``{``) and checked before GDAL sees it: a truncated GeoPackage or zip is
refused here with a message a user can act on, instead of a partial read. GDAL then reads from a
temporary file named with the right suffix (its drivers and spatial indexes want a real file),
or straight from the user's path, which keeps a large regional file out of memory. With a clip
polygon only the features touching it are read (GDAL's spatial filter, indexed in a GeoPackage).
"""

from __future__ import annotations

import io
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from mobility.errors import FieldProblem, InvalidInputError, NotFoundError, UnsupportedFormatError
from mobility.geo import WIRE_CRS
from mobility.network.sources import (
    GZIP_MAGIC,
    SHAPEFILE_MAGIC,
    SQLITE_MAGIC,
    UTF8_BOM,
    ZIP_MAGIC,
    decompress_if_gzip,
)

LineKind = Literal["geojson", "gpkg", "zip"]

LINE_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")
"""Suffixes (after an optional ``.gz``) that name a line file."""

PREFERRED_LAYERS = ("troncon_de_route",)
"""Line layers read first in a file holding several (IGN BD TOPO's road sections)."""

CLIP_STEP_DEGREES = 0.0005
"""Vertex spacing (about 50 m) given to the clip outline before it is projected, so its edges
follow the curvature of the target coordinate system."""

_HEADER_BYTES = 100
"""Length of an SQLite header, enough to tell every container apart too."""
_KIND_NAMES = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "zip": "zipped Shapefile"}
_READ_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
    ValueError,
)


@dataclass(frozen=True, slots=True)
class LineRows:
    """The rows read from one layer, in the file's own CRS, with what was found about it."""

    frame: gpd.GeoDataFrame
    crs: CRS | None
    driver: str
    layer: str
    features_in_layer: int


def sniff_line_kind(data: bytes) -> LineKind | None:
    """Name the container of (already decompressed) data, or ``None`` when it is not one."""
    if data.startswith(SQLITE_MAGIC):
        return "gpkg"
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.removeprefix(UTF8_BOM).lstrip()[:1] == b"{":
        return "geojson"
    return None


def is_line_file_name(path: Path) -> bool:
    """Tell whether the suffix (ignoring ``.gz``) names a line file."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return bool(suffixes) and suffixes[-1] in LINE_SUFFIXES


def read_line_rows(
    source: Path | bytes, *, clip: BaseGeometry | None = None, layer: str | None = None
) -> LineRows:
    """Read the rows of a line file's layer, only those touching ``clip`` (lon/lat) when given.

    Raises
    ------
    NotFoundError
        When the path does not exist.
    UnsupportedFormatError
        When the content is no GeoJSON, GeoPackage or zipped Shapefile, is truncated or broken,
        or holds no line layer (or several and none preferred).
    InvalidInputError
        When ``layer`` names no layer of the file.
    """
    with _opened(source) as (path, kind):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL's notes on odd fields are not errors here
            try:
                name = _choose_layer(path, layer)
                info = pyogrio.read_info(path, layer=name)
                crs = _file_crs(info.get("crs"))
                mask = project_outline(clip, crs) if clip is not None else None
                frame = pyogrio.read_dataframe(path, layer=name, mask=mask)
            except _READ_ERRORS:
                what = _KIND_NAMES.get(kind or "", "line file GDAL reads")
                raise UnsupportedFormatError(
                    f"The street file cannot be read as a {what} (broken or truncated)."
                ) from None
    return LineRows(frame, crs, str(info.get("driver")), name, int(info.get("features") or 0))


@contextmanager
def _opened(source: Path | bytes) -> Iterator[tuple[str, LineKind | None]]:
    if isinstance(source, Path):
        if not source.exists():
            raise NotFoundError(f"Street file {source.name} does not exist.")
        with source.open("rb") as handle:
            head = handle.read(_HEADER_BYTES)
        if not head.startswith(GZIP_MAGIC):
            kind = sniff_line_kind(head)
            if kind is not None:
                _check_container(kind, head, source.stat().st_size, source)
            yield str(source), kind
            return
        source = source.read_bytes()
    data = decompress_if_gzip(bytes(source))
    kind = sniff_line_kind(data)
    if kind is None:
        if data.startswith(SHAPEFILE_MAGIC):
            raise UnsupportedFormatError(
                "A Shapefile needs its .shx, .dbf and .prj: send the four files in one .zip."
            )
        raise UnsupportedFormatError(
            "The street file is not GeoJSON, a GeoPackage or a zipped Shapefile."
        )
    _check_container(kind, data[:_HEADER_BYTES], len(data), io.BytesIO(data))
    with tempfile.TemporaryDirectory(prefix="mobility-lines-") as folder:
        path = Path(folder) / f"streets.{kind}"
        path.write_bytes(data)
        yield str(path), kind


def _check_container(kind: LineKind, head: bytes, size: int, archive: Path | io.BytesIO) -> None:
    """Refuse a truncated GeoPackage or zip before GDAL reads part of it.

    A GeoPackage is an SQLite file whose header gives its page size and page count: a file
    shorter than both multiplied lost its end. A zip's directory sits at its end, and every
    member's checksum is tested.
    """
    if kind == "gpkg":
        complete = len(head) >= _HEADER_BYTES
        page_size = int.from_bytes(head[16:18], "big") if complete else 0
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(head[28:32], "big") if complete else 0
        if page_size == 0 or size < page_size * max(pages, 1):
            raise UnsupportedFormatError("The GeoPackage is truncated.")
    elif kind == "zip":
        try:
            with zipfile.ZipFile(archive) as opened:
                names = [name.lower() for name in opened.namelist()]
                broken = opened.testzip()
        except zipfile.BadZipFile:
            raise UnsupportedFormatError("The zip file is truncated or broken.") from None
        if broken is not None:
            raise UnsupportedFormatError(f"The zip file is damaged ({broken}).")
        stems = {name.rsplit(".", 1)[0] for name in names if name.endswith(".shp")}
        if not stems:
            raise UnsupportedFormatError("The zip file holds no Shapefile (.shp).")
        missing = [ext for ext in (".shx", ".dbf") if not any(s + ext in names for s in stems)]
        if missing:
            raise UnsupportedFormatError(
                f"The zipped Shapefile lacks its {' and '.join(missing)} file."
            )


def _choose_layer(path: str, wanted: str | None) -> str:
    layers = [(str(name), str(kind)) for name, kind in pyogrio.list_layers(path)]
    if wanted is not None:
        if wanted not in {name for name, _ in layers}:
            present = ", ".join(name for name, _ in layers)
            raise InvalidInputError(
                f"The street file has no layer {wanted!r}.",
                problems=[FieldProblem("layer", f"no layer {wanted!r}; layers: {present}")],
            )
        return wanted
    lines = [name for name, kind in layers if "line" in kind.lower() or kind == "Unknown"]
    if len(lines) == 1:
        return lines[0]
    preferred = [name for name in PREFERRED_LAYERS if name in lines]
    if preferred:
        return preferred[0]
    if not lines:
        raise UnsupportedFormatError("The street file holds no line (no layer of lines).")
    raise UnsupportedFormatError(
        f"The street file holds several layers of lines ({', '.join(lines)}); keep one."
    )


def _file_crs(text: object) -> CRS | None:
    if not text:
        return None
    try:
        return CRS.from_user_input(text)
    except CRSError:
        raise UnsupportedFormatError(f"The street file's CRS {text!s:.80} is unknown.") from None


def project_outline(outline: BaseGeometry, crs: CRS | None) -> BaseGeometry:
    """Project a lon/lat outline into ``crs`` (unchanged when ``crs`` is lon/lat or unknown)."""
    if crs is None or crs.equals(WIRE_CRS, ignore_axis_order=True):
        return outline
    transformer = Transformer.from_crs(WIRE_CRS, crs, always_xy=True)

    def project(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        xs, ys = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([xs, ys])

    dense = shapely.segmentize(outline, CLIP_STEP_DEGREES)
    return shapely.transform(dense, project)
