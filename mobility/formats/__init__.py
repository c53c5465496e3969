# SPDX-License-Identifier: MIT
"""Readers that turn the files communes hold into validated asset attributes.

Every reader takes the file's bytes and returns a :class:`ReadReport`: the assets it could
validate and, row by row, what it refused and why. Only a file that is not of the expected
format at all raises :class:`~mobility.errors.UnsupportedFormatError`.
"""

from mobility.formats.geojson_idfm import read_idfm_geojson
from mobility.formats.geojson_native import read_native_geojson
from mobility.formats.geojson_osm import read_osm_geojson
from mobility.formats.geojson_velib import read_velib_geojson
from mobility.formats.irve_reader import read_irve_csv
from mobility.formats.irve_schema import IRVE_COLUMNS, irve_schema_path
from mobility.formats.irve_writer import write_irve_csv
from mobility.formats.reader import read_asset_file, sniff_format
from mobility.formats.report import ParsedAsset, ReadReport, RejectedRow

__all__ = [
    "IRVE_COLUMNS",
    "ParsedAsset",
    "ReadReport",
    "RejectedRow",
    "irve_schema_path",
    "read_asset_file",
    "read_idfm_geojson",
    "read_irve_csv",
    "read_native_geojson",
    "read_osm_geojson",
    "read_velib_geojson",
    "sniff_format",
    "write_irve_csv",
]
