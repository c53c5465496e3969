# SPDX-License-Identifier: MIT
"""What a commune import is asked to do, checked before any file is read.

A request names the commune, the region-wide files it is cut from and the margin of its
surroundings. Everything that can be refused without reading a file (the code, the margin, a
population file without its field) is refused here, all problems at once, so a planner learns
every mistake of a long command line in one go.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from dataclasses import dataclass
from typing import Any, Literal

from mobility.commune import INSEE_CODE_PATTERN
from mobility.errors import FieldProblem, InvalidInputError, UnsupportedFormatError
from mobility.loading import LoadMode
from mobility.places import margin_problems

AssetKind = Literal["irve", "gtfs", "gbfs", "hubs", "osm"]
ASSET_KINDS: tuple[AssetKind, ...] = ("irve", "gtfs", "gbfs", "hubs")
"""The asset files given by kind (``--irve``...); ``osm`` is the OSM file's own asset stage."""
DEFAULT_MARGIN_M = 2_000.0
"""The surroundings kept around a commune by default: a 2 km walk or a short drive."""
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class InputFile:
    """A file given to the import, as read from disk (gzip kept as it came)."""

    name: str
    content: bytes

    def describe(self) -> dict[str, Any]:
        """Return the provenance facts of the original file: name, size and SHA-256."""
        return {
            "filename": self.name,
            "bytes": len(self.content),
            "sha256": hashlib.sha256(self.content).hexdigest(),
        }

    def plain(self) -> bytes:
        """Return the content, decompressed when it is gzip (asset readers want plain bytes)."""
        if not self.content.startswith(GZIP_MAGIC):
            return self.content
        try:
            return gzip.decompress(self.content)
        except (OSError, EOFError, zlib.error) as exc:
            raise UnsupportedFormatError(f"{self.name} is a broken gzip archive") from exc


@dataclass(frozen=True)
class AssetInput:
    """An asset file of the import and its kind: ``--irve``, ``--gtfs``, ``--gbfs``, ``--hubs``."""

    kind: AssetKind
    file: InputFile


@dataclass(frozen=True)
class ImportRequest:
    """Everything ``mobility commune import`` needs: the boundaries, and streets or an OSM file.

    ``osm`` is a region's ``.osm.pbf``: its streets (unless ``streets`` is given, which wins) and
    its parking and hubs. ``streets_layer`` names the layer of a street file holding several
    (by default its only layer of lines, or BD TOPO's ``troncon_de_route``).

    ``population`` is a zones file with a count (``population_field`` names it), INSEE's IRIS
    table (then ``zones`` are IGN's IRIS contours, and ``population_field`` picks a count column
    such as ``P21_POP1529``, the ``P??_POP`` total by default) or INSEE's Filosofi 200 m grid.

    ``name`` defaults to the name the boundaries file gives the commune. The population's
    description and year are stated in every answer that counts it (checked when the commune is
    built). ``mode`` is the policy
    for refused rows inside the commune and its surroundings: ``all-or-nothing`` (the default)
    writes nothing when one is refused, ``valid-rows`` writes the others.
    """

    code: str
    boundaries: InputFile
    streets: InputFile | None = None
    streets_layer: str | None = None
    osm: InputFile | None = None
    population: InputFile | None = None
    population_field: str | None = None
    zones: InputFile | None = None
    zone_id_field: str | None = None
    population_description: str | None = None
    population_year: int | None = None
    assets: tuple[AssetInput, ...] = ()
    margin_m: float = DEFAULT_MARGIN_M
    name: str | None = None
    replace: bool = False
    mode: LoadMode = "all-or-nothing"


def check_request(request: ImportRequest) -> None:
    """Refuse a request that cannot succeed, naming every field at fault.

    Raises
    ------
    InvalidInputError
        When the code is not an INSEE code, the margin is not between 0 and 10,000 metres
        (:func:`mobility.places.margin_problems`), a population field or IRIS contours come
        without a population file, neither streets nor an OSM file is given, a streets layer
        comes without its street file, or a name is given empty. A zones file without its field
        is refused once read (INSEE's files need none).
    """
    problems: list[FieldProblem] = []
    if not re.match(INSEE_CODE_PATTERN, request.code):
        problems.append(FieldProblem("code", "must be a 5-character INSEE code such as 75110"))
    problems += margin_problems(request.margin_m)
    if request.streets is None and request.osm is None:
        problems.append(FieldProblem("streets", "give a street file, or an OSM file (--osm)"))
    if request.streets_layer is not None and request.streets is None:
        problems.append(FieldProblem("streets_layer", "a layer needs a street file (--streets)"))
    if request.population is None and request.population_field:
        problems.append(FieldProblem("population", "a population field needs a population file"))
    if request.population is None and request.zones is not None:
        problems.append(
            FieldProblem("population", "IRIS contours (--zones) need INSEE's table (--population)")
        )
    if request.name is not None and not request.name.strip():
        problems.append(FieldProblem("name", "must not be empty"))
    if problems:
        raise InvalidInputError("the import cannot start", problems=problems)
