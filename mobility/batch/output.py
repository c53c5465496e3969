# SPDX-License-Identifier: MIT
"""Writing a batch's rows: GeoParquet for the analyses, written aside then moved into place.

A reader never sees half a file: a run stopped while writing leaves the previous output whole.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from shapely.geometry import shape

from mobility.batch.tasks import Row

ROW_STATUS_COLUMNS = ("status", "reason")


def write_geoparquet(out: Path, rows: list[Row], columns: tuple[str, ...]) -> None:
    """Write the rows as GeoParquet in EPSG:4326, the columns in order then status and reason."""
    frame = gpd.GeoDataFrame(
        {name: [row.get(name) for row in rows] for name in (*columns, *ROW_STATUS_COLUMNS)},
        geometry=[shape(row["geometry"]) if row["geometry"] else None for row in rows],
        crs="EPSG:4326",
    )
    partial = out.with_name(out.name + ".partial")
    frame.to_parquet(partial, index=False)
    partial.replace(out)


def write_text(out: Path, text: str) -> None:
    """Write a text output (UTF-8) aside, then move it into place."""
    partial = out.with_name(out.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(out)
