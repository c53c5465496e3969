# SPDX-License-Identifier: MIT
"""Rail and metro stations from IDFM's "emplacement des gares et stations" GeoJSON.

The file has one point per station *and line*; a hub is a stop area, so the points are grouped
by ``ID_REF_ZDL`` (the stop-area id every line of one station shares), or by the normalised
``NOM_GARE`` when a point has no stop-area id. Each group becomes one hub:

* position: the mean of its points (they are metres apart, so degrees are fine here);
* id: ``idfm-<ID_REF_ZDL>`` (``idfm-name-<slug>`` for the name fallback);
* modes, from ``MODE_`` (or, when it is empty, the ``METRO``/``RER``/``TRAIN``/``TRAMWAY``/
  ``VAL``/``NAVETTE`` flags): Metro → metro, RER → rer, Train → rail, Tramway → tram.
  VAL (Orlyval) and Navette (CDGVAL and similar automated shuttles) become ``metro``: they are
  driverless rail people movers boarded like a metro, and no closer hub mode exists. Any other
  mode (e.g. a cable car) is not imported: its points are counted in ``skipped``;
* lines: ``RES_COM`` as written (``M5``, ``RER B``, ``LIGNE K``, ``T3a``), ordered by mode then
  line number;
* operator: the distinct ``EXPLOITANT`` values, sorted and joined with ", " (e.g. "RATP, SNCF");
* name: the most frequent ``NOM_GARE`` once names in capitals are put in French title case
  ("GARE DU NORD" → "Gare du Nord", "SAINT-GERMAIN-EN-LAYE" → "Saint-Germain-en-Laye").

A refused hub is reported on the line of its group's first point.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from mobility.assets import HUB_MODES, Hub, HubMode, Layer
from mobility.formats.geojson_common import (
    iter_features,
    load_feature_collection,
    locate,
    reject_validation,
    slug,
    text,
)
from mobility.formats.report import ParsedAsset, ReadReport, ReportBuilder

IDFM_FORMAT = "geojson-idfm"
IDFM_PROPERTIES = frozenset({"ID_REF_ZDL", "NOM_GARE", "MODE_"})
"""Property names that identify this flavour (``ID_REF_ZDL``, or ``NOM_GARE`` with ``MODE_``)."""

IDFM_MODES: dict[str, HubMode] = {
    "metro": "metro",
    "rer": "rer",
    "train": "rail",
    "tramway": "tram",
    "tram": "tram",
    "val": "metro",
    "navette": "metro",
}
"""``MODE_`` values (lower case, no accents) and the hub mode each maps to."""

IDFM_FLAGS: tuple[tuple[str, HubMode], ...] = (
    ("METRO", "metro"),
    ("RER", "rer"),
    ("TRAIN", "rail"),
    ("TRAMWAY", "tram"),
    ("VAL", "metro"),
    ("NAVETTE", "metro"),
)
"""Flag properties (1 when the point serves the mode), used when ``MODE_`` is empty."""

_SMALL_WORDS = frozenset(
    {"de", "du", "des", "la", "le", "les", "l", "d", "en", "et", "sur", "sous", "au", "aux", "à"}
    | {"lès", "lez"}
)
_WORD = re.compile(r"[^\s\-'’()/]+")


def french_title(name: str) -> str:
    """Put a name written in capitals in French title case; leave mixed-case names alone."""
    if not name.isupper():
        return name
    words = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal words
        word = match[0].lower()
        words += 1
        if words > 1 and word in _SMALL_WORDS:
            return word
        return word[:1].upper() + word[1:]

    return _WORD.sub(fix, name)


def _plain(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().strip().lower()


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    return isinstance(value, str) and value.strip() in {"1", "1.0", "true", "True"}


def _mode(properties: dict[str, Any]) -> tuple[HubMode | None, str]:
    """Return the hub mode of one point and the source label (for the skip reason)."""
    label = text(properties.get("MODE_"))
    if label is not None:
        return IDFM_MODES.get(_plain(label)), label
    for flag, mode in IDFM_FLAGS:
        if _truthy(properties.get(flag)):
            return mode, flag
    return None, "(empty)"


def _line_key(line: str) -> tuple[str, int, str]:
    match = re.search(r"\d+", line)
    number = int(match[0]) if match else -1
    return (re.sub(r"\d.*", "", line).upper(), number, line)


@dataclass
class _StopArea:
    """The points of one stop area gathered while walking the file."""

    first_line: int
    positions: list[tuple[float, float]] = field(default_factory=list)
    modes: set[HubMode] = field(default_factory=set)
    lines: dict[str, HubMode] = field(default_factory=dict)
    operators: set[str] = field(default_factory=set)
    names: list[str] = field(default_factory=list)
    source_id: str = ""

    def name(self) -> str | None:
        """Return the most frequent nicely cased name, preferring names given in mixed case."""
        if not self.names:
            return None
        counts = Counter(french_title(name) for name in self.names)
        mixed = {name for name in self.names if not name.isupper()}
        order = {name: index for index, name in enumerate(counts)}  # first seen wins ties
        return max(counts, key=lambda n: (counts[n], n in mixed, -order[n]))

    def hub(self) -> Hub:
        """Validate the stop area as a hub (raises pydantic's ValidationError)."""
        rank = {mode: index for index, mode in enumerate(HUB_MODES)}
        modes = sorted(self.modes, key=rank.__getitem__)
        lines = sorted(self.lines, key=lambda line: (rank[self.lines[line]], _line_key(line)))
        return Hub(
            name=self.name() or "",
            modes=modes,
            lines=lines,
            operator=", ".join(sorted(self.operators)) or None,
            source="idfm",
            source_id=self.source_id,
        )


def _group_key(properties: dict[str, Any]) -> tuple[str, str] | None:
    zone = text(properties.get("ID_REF_ZDL"))
    if zone is not None and slug(zone):
        return f"idfm-{slug(zone)}", zone
    name = text(properties.get("NOM_GARE"))
    if name is not None and slug(name):
        return f"idfm-name-{slug(name)}", name
    return None


def read_idfm_geojson(data: bytes, *, source_name: str = "") -> ReadReport:
    """Read an IDFM stations GeoJSON into one hub per stop area (see the module docstring)."""
    return idfm_from_features(load_feature_collection(data), source_name=source_name)


def idfm_from_features(features: list[Any], *, source_name: str = "") -> ReadReport:
    """Build the report from an already parsed ``features`` array."""
    builder = ReportBuilder(IDFM_FORMAT, source_name=source_name, id_field="ID_REF_ZDL")
    areas: dict[str, _StopArea] = {}
    for line, feature in iter_features(features, builder):
        properties = feature["properties"]
        key = _group_key(properties)
        if key is None:
            builder.reject(
                line, None, "ID_REF_ZDL", "The point has neither a stop-area id nor a name."
            )
            continue
        asset_id, source_id = key
        mode, label = _mode(properties)
        if mode is None:
            builder.skip(f"MODE_={label}: no hub mode matches")
            continue
        position = locate(builder, line, asset_id, feature)
        if position is None:
            continue
        area = areas.setdefault(asset_id, _StopArea(first_line=line, source_id=source_id))
        area.positions.append(position[:2])
        area.modes.add(mode)
        line_name = text(properties.get("RES_COM"))
        if line_name is not None:
            area.lines.setdefault(line_name, mode)
        operator = text(properties.get("EXPLOITANT"))
        if operator is not None:
            area.operators.add(operator)
        name = text(properties.get("NOM_GARE"))
        if name is not None:
            area.names.append(name)
    for asset_id, area in areas.items():
        try:
            hub = area.hub()
        except ValidationError as error:
            reject_validation(builder, area.first_line, asset_id, error, {"name": "NOM_GARE"})
            continue
        count = len(area.positions)
        lon = sum(lon for lon, _ in area.positions) / count
        lat = sum(lat for _, lat in area.positions) / count
        builder.add(ParsedAsset(Layer.HUBS, asset_id, lon, lat, hub, None, area.first_line))
    return builder.build()
