# SPDX-License-Identifier: MIT
"""Read population zones from a GeoJSON file or upload."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import geopandas as gpd
import pyogrio.errors
from pyproj import CRS

from mobility.errors import FieldProblem, InvalidInputError, UnsupportedFormatError
from mobility.geo import WIRE_CRS

_GZIP_MAGIC = b"\x1f\x8b"
_READ_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
    ValueError,
)


def read_zones(
    source: Path | bytes, *, population_field: str, zone_id_field: str | None = None
) -> gpd.GeoDataFrame:
    """Read population zones from GeoJSON (gzip-compressed accepted) into EPSG:4326.

    A file that declares CRS84 or no CRS is taken as EPSG:4326 lon/lat; a file in another CRS is
    reprojected to EPSG:4326. The values themselves are checked by
    :func:`~mobility.demand.spread_population`.

    Raises
    ------
    UnsupportedFormatError
        The content is not readable GeoJSON (or not valid gzip).
    InvalidInputError
        ``population_field`` or ``zone_id_field`` is not a field of the file; the message lists
        the fields present.
    """
    data = source.read_bytes() if isinstance(source, Path) else bytes(source)
    if data.startswith(_GZIP_MAGIC):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise UnsupportedFormatError("The zones file is not valid gzip") from exc
    if not data.lstrip()[:1] == b"{":
        raise UnsupportedFormatError("The zones file is not GeoJSON (it does not start with '{')")
    try:
        frame = gpd.read_file(io.BytesIO(data), engine="pyogrio")
    except _READ_ERRORS as exc:
        raise UnsupportedFormatError(f"The zones file cannot be read as GeoJSON: {exc}") from exc
    if not isinstance(frame, gpd.GeoDataFrame):
        raise UnsupportedFormatError("The zones file has no geometry")

    if frame.crs is None or frame.crs.equals(CRS("OGC:CRS84"), ignore_axis_order=True):
        frame = frame.set_crs(WIRE_CRS, allow_override=True)
    elif not frame.crs.equals(WIRE_CRS):
        frame = frame.to_crs(WIRE_CRS)

    fields = [str(c) for c in frame.columns if c != frame.geometry.name]
    absent = {
        name: wanted
        for name, wanted in (
            ("population_field", population_field),
            ("zone_id_field", zone_id_field),
        )
        if wanted is not None and wanted not in fields
    }
    if absent:
        present = ", ".join(fields) or "none"
        raise InvalidInputError(
            "The zones file has no field " + " nor ".join(f"'{w}'" for w in absent.values()),
            problems=[
                FieldProblem(
                    name, f"the zones file has no field '{wanted}'; fields present: {present}"
                )
                for name, wanted in absent.items()
            ],
        )
    return frame
