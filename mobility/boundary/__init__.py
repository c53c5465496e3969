# SPDX-License-Identifier: MIT
"""Commune outlines from boundary files, and the commune each point lies in.

A boundary file may hold the commune alone, or every commune of a département or of France with
the INSEE code in a field (``INSEE_COM``, ``INSEE_ARM``, ``code``, ``DEPCOM`` …), or the commune's
IRIS to be dissolved; as GeoJSON, GeoPackage or Shapefile, in any CRS. :func:`read_boundary` gives
one commune's outline as the store keeps it, :func:`read_boundaries` every commune of the file,
and :class:`BoundaryIndex` the commune code at any point over those outlines.
"""

from mobility.boundary._index import BoundaryIndex, codes_at
from mobility.boundary._read import (
    CODE_FIELDS,
    INSEE_CODE,
    NAME_FIELDS,
    BoundaryRecord,
    read_boundaries,
    read_boundary,
)

__all__ = [
    "CODE_FIELDS",
    "INSEE_CODE",
    "NAME_FIELDS",
    "BoundaryIndex",
    "BoundaryRecord",
    "codes_at",
    "read_boundaries",
    "read_boundary",
]
