# SPDX-License-Identifier: MIT
"""A national-size IRVE file, and one commune selected from it: columns against rows.

The file is synthesised from the real 3,679-row subset (75/92/93/94): the real rows at their real
positions, then copies with new ids spread over metropolitan France until it holds the wanted
rows (200,000 by default, the size of the national consolidated file), with the consolidation's
twelve extra columns and what that file holds: 2 % of points declared again with an older
``date_maj``, 0.5 % of positions written latitude first, 1 % of commune codes missing, and a
22,000 kW typo. The commune is Montreuil (93048) with the default 2,000 m margin.

Two ways of getting the commune's points from it, each in its own process (so that ``ru_maxrss``
is that run's), timed on the wall clock and in CPU seconds of the process (on a shared machine
the CPU time is the steadier figure):

* ``national``: :func:`mobility.formats.irve_national.select_irve` (columns, then the per-row
  rules on the rows kept);
* ``naive``: the row reader over the whole file, then the points in the outline
  (what ``assets load`` does with a file).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from bench.harness import max_rss_mb
from mobility.formats.irve_cleaning import (
    CONSOLIDATED_LAT,
    CONSOLIDATED_LON,
    CONSOLIDATION_COLUMNS,
)

COMMUNE = "93048"
MARGIN_M = 2000.0
FRANCE_BOX = (-4.5, 43.0, 7.5, 50.5)


def _data(root: Path, name: str) -> bytes:
    return gzip.decompress((root / "data" / "idf-context" / name).read_bytes())


def build_national_file(root: Path, target: Path, rows_wanted: int, seed: int = 15) -> int:
    """Write the synthesised national file to ``target``; return its number of data rows."""
    text = _data(root, "irve_statique_subset_75_92_93_94.csv.gz").decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    base = list(reader)
    at = {name: position for position, name in enumerate(header)}
    rng = random.Random(seed)
    west, south, east, north = FRANCE_BOX
    written = 0
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*header, *CONSOLIDATION_COLUMNS])
        copy = 0
        while written < rows_wanted:
            for row in base:
                if written == rows_wanted:
                    break
                new = list(row)
                if copy:
                    for name in ("id_pdc_itinerance", "id_station_itinerance"):
                        if new[at[name]] != "Non concerné":
                            new[at[name]] = (new[at[name]] + f"R{copy:03d}")[-35:]
                    for name in ("id_pdc_local", "id_station_local"):
                        if new[at[name]]:
                            new[at[name]] = f"{new[at[name]]}-R{copy:03d}"
                    lon, lat = rng.uniform(west, east), rng.uniform(south, north)
                    new[at["coordonneesXY"]] = f"[{lon:.6f}, {lat:.6f}]"
                lon, lat = json.loads(new[at["coordonneesXY"]])
                draw = rng.random()
                if draw < 0.005:
                    new[at["coordonneesXY"]] = f"[{lat}, {lon}]"
                elif draw < 0.015:
                    new[at["code_insee_commune"]] = ""
                extra = dict.fromkeys(CONSOLIDATION_COLUMNS, "")
                extra[CONSOLIDATED_LON], extra[CONSOLIDATED_LAT] = str(lon), str(lat)
                consolidated = list(extra.values())
                writer.writerow([*new, *consolidated])
                written += 1
                if draw > 0.98 and written < rows_wanted:
                    older = list(new)
                    older[at["date_maj"]] = "2020-01-01"
                    writer.writerow([*older, *consolidated])
                    written += 1
            if copy == 1:
                typo = list(base[0])
                typo[at["puissance_nominale"]] = "22000"
                typo[at["id_pdc_itinerance"]] = "FRTYPO0000001"
                typo[at["coordonneesXY"]] = "[5.369780, 43.296482]"
                if written < rows_wanted:
                    writer.writerow([*typo, *([""] * len(CONSOLIDATION_COLUMNS))])
                    written += 1
            copy += 1
    return written


def commune_outlines(root: Path) -> dict[str, BaseGeometry]:
    """Return the shipped outlines of the communes of 75/92/93/94 by code."""
    name = "communes_75_92_93_94_adminexpress2018_simplified.geojson.gz"
    features = json.loads(_data(root, name))["features"]
    return {f["properties"]["code"]: shape(f["geometry"]) for f in features}


def commune_outline(root: Path) -> BaseGeometry:
    """Return Montreuil and its margin, buffered in Lambert-93, in lon/lat."""
    from mobility.geo import to_metric, to_wire

    return to_wire(to_metric(commune_outlines(root)[COMMUNE]).buffer(MARGIN_M))


def codes_lookup(root: Path) -> Any:
    """Return a ``codes(lons, lats)`` over the shipped outlines, one array test per commune."""
    outlines = commune_outlines(root)
    for outline in outlines.values():
        shapely.prepare(outline)

    def codes(lons: np.ndarray, lats: np.ndarray) -> list[str | None]:
        found = np.full(len(lons), None, dtype=object)
        for code, outline in outlines.items():
            hit = shapely.intersects_xy(outline, lons, lats) & (found == None)  # noqa: E711
            found[hit] = code
        return list(found)

    return codes


def run_selection(case: str, root: Path, path: Path, trace: bool) -> dict[str, object]:
    """Select the commune's points from the file in this process; return the figures."""
    import pyarrow as pa

    outline = commune_outline(root)
    codes = codes_lookup(root)
    data = path.read_bytes()
    if trace:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    if case == "national":
        from mobility.formats.irve_national import select_irve

        read, cleaning = select_irve(data, outline=outline, commune_codes=codes)
        kept, summary = len(read.assets), cleaning.summary()
    else:
        from mobility.formats import read_irve_csv

        read = read_irve_csv(data)
        shapely.prepare(outline)
        inside = [a for a in read.assets if shapely.intersects_xy(outline, a.lon, a.lat)]
        kept = len(inside)
        summary = f"{len(read.assets):,} points read, {read.rejected_rows:,} rows refused"
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    traced = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    return {
        "case": case,
        "rows": read.rows_read,
        "kept": kept,
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "traced_peak_mb": None if traced is None else traced / 1e6,
        "arrow_peak_mb": pa.default_memory_pool().max_memory() / 1e6,
        "maxrss_mb": max_rss_mb(),
        "summary": summary,
    }
