# SPDX-License-Identifier: MIT
"""One commune imported from a regional OSM PBF, against the floor of a plain pyosmium pass.

The file is the synthetic region of :mod:`bench.osm_region` (over 2 million nodes). Each case
runs in its own process, so that its peak resident memory (``VmHWM``, the C++ location index
included; not ``ru_maxrss``, which Linux carries over from the parent across ``exec``) is that
run's:

* ``pbf-floor``: the floor, one plain pyosmium pass over the file with a location index
  (``FileProcessor(path).with_locations()``, the default ``flex_mem`` index), touching every
  way's node locations: what any reader that places the ways must at least do;
* ``pbf-libosmium``: the location index filled in C++ with no Python step at all
  (``NodeLocationsForWays``): the bare cost of decoding the file, shown for reference;
* ``pbf-osm-stage``: the import's OSM stage alone (:func:`mobility.importing.osm.read_osm`:
  streets cut to the surroundings, the stored streets PBF written, the OSM assets read);
* ``pbf-import``: the whole ``mobility commune import`` (:func:`import_commune`) of the 2 km
  commune with the default 2,000 m margin into a new SQLite store: boundaries, the OSM stage,
  the street graph and views built, the assets placed and written.

Wall-clock seconds and the process's CPU seconds (threads included: libosmium decodes blocks on
a thread pool) are both reported: on a shared machine the CPU time is the steadier figure.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import hwm_bytes
from bench.osm_region import Region

CODE = "75056"
FLOOR = "pbf-floor"
PBF_CASES = (FLOOR, "pbf-libosmium", "pbf-osm-stage", "pbf-import")


def write_boundaries(region: Region, path: Path) -> Path:
    """Write the commune's square as the boundaries file (GeoJSON, an ``INSEE_COM`` field)."""
    west, south, east, north = region.commune
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    feature = {
        "type": "Feature",
        "properties": {"INSEE_COM": CODE, "NOM": "Commune synthétique"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


def run_pbf_case(case: str, pbf: Path, boundaries: Path) -> dict[str, Any]:
    """Run one case in this process and return its figures."""
    started, cpu_started = time.perf_counter(), time.process_time()
    facts = _CASES[case](pbf, boundaries)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = hwm_bytes() / 1e6
    return {"case": case, "seconds": elapsed, "cpu_seconds": cpu, "maxrss_mb": peak_mb} | facts


def _floor(pbf: Path, _boundaries: Path) -> dict[str, Any]:
    import osmium

    refs = 0
    for item in osmium.FileProcessor(str(pbf)).with_locations():
        if isinstance(item, osmium.osm.Way):
            for node in item.nodes:
                node.location  # noqa: B018 - touching the location is the measured work
                refs += 1
    return {"summary": f"{refs:,} way node locations touched"}


def _libosmium(pbf: Path, _boundaries: Path) -> dict[str, Any]:
    import osmium

    osmium.apply(str(pbf), osmium.NodeLocationsForWays(osmium.index.create_map("flex_mem")))
    return {"summary": "location index filled, no Python step"}


def _osm_stage(pbf: Path, boundaries: Path) -> dict[str, Any]:
    from mobility.importing.area import read_area
    from mobility.importing.osm import read_osm
    from mobility.importing.request import DEFAULT_MARGIN_M, InputFile

    area, _ = read_area(
        InputFile(boundaries.name, boundaries.read_bytes()),
        code=CODE,
        margin_m=DEFAULT_MARGIN_M,
        name=None,
    )
    read = read_osm(InputFile(pbf.name, pbf.read_bytes()), area)
    report = read.streets_report
    return {
        "summary": f"{report.kept:,} of {report.read:,} street ways kept, "
        f"{len(read.assets.assets):,} OSM assets read, streets file "
        f"{len(read.streets.content) / 1e3:,.0f} kB"
    }


def _import(pbf: Path, boundaries: Path) -> dict[str, Any]:
    from mobility.importing import ImportRequest, import_commune
    from mobility.importing.request import InputFile
    from mobility.store import open_store

    with tempfile.TemporaryDirectory(prefix="bench-pbf-") as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'import.sqlite'}")
        try:
            request = ImportRequest(
                code=CODE,
                boundaries=InputFile(boundaries.name, boundaries.read_bytes()),
                osm=InputFile(pbf.name, pbf.read_bytes()),
            )
            report = import_commune(store, request)
        finally:
            store.close()
    layers = ", ".join(
        f"{layer} {counts['in_commune'] + counts['in_surroundings']:,}"
        for layer, counts in sorted(report.layers.items())
    )
    return {"summary": f"status {report.status}; {layers}"}


_CASES = {
    FLOOR: _floor,
    "pbf-libosmium": _libosmium,
    "pbf-osm-stage": _osm_stage,
    "pbf-import": _import,
}
