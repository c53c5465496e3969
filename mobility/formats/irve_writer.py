# SPDX-License-Identifier: MIT
"""Write IRVE statique CSV files (national schema v2.3), the format the national data set uses.

The export gives back a file any IRVE tool reads, and that the reader here reads again to the
same points: the schema's columns in order, its spellings for booleans, dates and positions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from mobility.assets import ChargingPoint
from mobility.formats.irve_schema import COORDINATES_COLUMN, IRVE_COLUMNS


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def format_coordinates(lon: float, lat: float) -> str:
    """Write a position as IRVE's ``coordonneesXY``: ``"[lon, lat]"``."""
    return f"[{lon!r}, {lat!r}]"


def write_irve_csv(rows: Iterable[tuple[float, float, ChargingPoint]]) -> Iterator[str]:
    """Yield an IRVE statique CSV, header first, one line per charging point.

    Columns are in schema order, ``coordonneesXY`` is ``"[lon, lat]"``, booleans ``true`` /
    ``false``, dates ``YYYY-MM-DD`` and unknown values empty. Lines end with a line feed.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(IRVE_COLUMNS)
    yield flush()
    for lon, lat, point in rows:
        writer.writerow(
            [
                format_coordinates(lon, lat)
                if name == COORDINATES_COLUMN
                else _cell(getattr(point, name))
                for name in IRVE_COLUMNS
            ]
        )
        yield flush()
