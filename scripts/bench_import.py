# SPDX-License-Identifier: MIT
"""Import throughput: a large IRVE statique file, and one commune from a regional OSM PBF.

The file is built in a temporary folder from the real 3,679-row subset shipped in
``tests/fixtures/irve/`` (75/92/93/94), repeated with new roaming ids until it holds about
150,000 rows. It is loaded into one commune whose outline covers the four départements:

* ``load_asset_file`` into a temporary SQLite store;
* the same into PostGIS when ``MOBILITY_TEST_POSTGIS_URL`` is set (the ``bench_import`` commune is
  removed afterwards);
* ``POST /communes/{code}/imports/irve`` through the ASGI app (SQLite), body streamed.

And a national-size file (200,000 rows, ``scripts/bench/irve_national.py``) from which one
commune and its margin are selected and cleaned:

* ``national``: ``select_irve``, read in columns, only the kept rows checked row by row (goal:
  under 5 s);
* ``naive``: the row reader over the whole file, then the points in the outline; the ratio
  column is its time over ``national``'s.

And a synthetic regional OSM PBF of 2.2 million nodes (``scripts/bench/osm_region.py``) from
which one 2 km commune and its 2,000 m margin are imported (``scripts/bench/pbf_import.py``):
``pbf`` runs the floor (one plain pyosmium pass with a location index touching every way's node
locations), the bare libosmium pass, the OSM stage and the whole import, each three times in
turn; the table gives the medians, the ratios to the floor (goal: the import within 2×) and
the peak memory (goal: under 4 GB).

Each measurement runs in its own process so that ``ru_maxrss`` (the process's peak resident
memory) is that run's; a second run of the same case under ``tracemalloc`` gives the peak of
Python allocations (slower, so its time is not the one reported).

    .venv/bin/python scripts/bench_import.py [--rows 150000] [--national-rows 200000]
        [--cases sqlite,postgis,http,national,naive,pbf] [--pbf-columns 360 --pbf-rows 400]
    .venv/bin/python scripts/bench_import.py --quick    # 20,000 rows, a region of 0.5 M nodes

The figures of the last run are in ``docs/performance.md``.

This is not a test.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from importlib.metadata import version
from pathlib import Path

from bench.harness import bench_parser, describe_machine, max_rss_mb, use_repository
from bench.irve_national import build_national_file, run_selection
from bench.osm_region import write_region
from bench.pbf_import import FLOOR, PBF_CASES, run_pbf_case, write_boundaries
from bench.tables import table

ROOT = use_repository()
SELECTIONS = ("national", "naive")
PBF_REPEATS = 3

SUBSET = ROOT / "data" / "idf-context" / "irve_statique_subset_75_92_93_94.csv.gz"
CODE = "75056"
AREA = (2.0, 48.6, 2.7, 49.05)  # lon/lat box around Paris and the three inner départements
API_KEY = "bench-key-0123456789abcdef"


def build_file(target: Path, rows_wanted: int) -> int:
    """Write the repeated subset to ``target``; return the number of data rows."""
    text = gzip.decompress(SUBSET.read_bytes()).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    rows = list(reader)
    ids = [header.index(name) for name in ("id_pdc_itinerance", "id_station_itinerance")]
    local = [header.index(name) for name in ("id_pdc_local", "id_station_local")]
    copies = -(-rows_wanted // len(rows))
    written = 0
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for copy in range(copies):
            suffix = f"R{copy:03d}"
            for row in rows:
                if written == rows_wanted:
                    break
                new = list(row)
                if copy:
                    for position in ids:
                        if new[position] != "Non concerné":
                            new[position] = (new[position] + suffix)[-35:]
                    for position in local:
                        if new[position]:
                            new[position] = f"{new[position]}-{suffix}"
                writer.writerow(new)
                written += 1
    return written


def _commune_record() -> object:
    from mobility.store import CommuneRecord

    west, south, east, north = AREA
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return CommuneRecord(
        code=CODE,
        name="Bench area (75, 92, 93, 94)",
        boundary={"type": "Polygon", "coordinates": [ring]},
        info={"notes": ["benchmark"]},
    )


def run_case(case: str, path: Path, url: str, trace: bool) -> dict[str, object]:
    """Run one import in this process and return its figures."""
    if case in SELECTIONS:
        return run_selection(case, ROOT, path, trace)
    from mobility.store import open_store

    store = open_store(url)
    try:
        if store.has_commune(CODE):
            store.delete_commune(CODE)
        store.save_commune(_commune_record(), [])  # type: ignore[arg-type]
    finally:
        store.close()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    if case == "http":
        written = _import_over_http(path, url)
    else:
        written = _import_direct(path, url)
    elapsed = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    if case == "postgis":
        store = open_store(url)
        try:
            store.delete_commune(CODE)
        finally:
            store.close()
    return {
        "case": case,
        "written": written,
        "seconds": elapsed,
        "traced_peak_mb": None if traced is None else traced / 1e6,
        "maxrss_mb": max_rss_mb(),
    }


def _import_direct(path: Path, url: str) -> int:
    from mobility.loading import load_asset_file
    from mobility.store import open_store

    store = open_store(url)
    try:
        report = load_asset_file(store, CODE, path.read_bytes(), fmt="irve", source_name=path.name)
    finally:
        store.close()
    return report.written_total


def _import_over_http(path: Path, url: str) -> int:
    from fastapi.testclient import TestClient

    from api.main import create_app
    from api.settings import Settings

    settings = Settings(database_url=url, api_keys=[API_KEY])

    def chunks() -> object:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                yield chunk

    with TestClient(create_app(settings)) as client:
        response = client.post(
            f"/communes/{CODE}/imports/irve",
            content=chunks(),  # type: ignore[arg-type]
            headers={"X-API-Key": API_KEY, "Content-Type": "text/csv"},
        )
    if response.status_code != 200:
        raise SystemExit(f"HTTP import failed: {response.status_code} {response.text[:500]}")
    return int(response.json()["written_total"])


def _child(case: str, path: Path, url: str, trace: bool) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", case, str(path), url]
    if trace:
        command.append("--trace")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = bench_parser(__doc__.split("\n")[0], quick_help="20,000 rows instead of 150,000")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--national-rows", type=int, default=None)
    parser.add_argument("--cases", default="sqlite,postgis,http,national,naive,pbf")
    parser.add_argument("--pbf-columns", type=int, default=None, help="grid columns (360)")
    parser.add_argument("--pbf-rows", type=int, default=None, help="grid rows (400)")
    parser.add_argument("--child", nargs=3, metavar=("CASE", "FILE", "URL"))
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if args.child:
        case, file, url = args.child
        if case in PBF_CASES:
            print(json.dumps(run_pbf_case(case, Path(file), Path(url))))
        else:
            print(json.dumps(run_case(case, Path(file), url, args.trace)))
        return 0

    for text in describe_machine(("numpy", "pydantic", "shapely", "pyarrow")):
        print(text)
    cases = args.cases.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        if "pbf" in cases:
            columns = args.pbf_columns or (180 if args.quick else 360)
            _bench_pbf(Path(folder), columns, args.pbf_rows or (200 if args.quick else 400))
        loads = [case for case in cases if case not in (*SELECTIONS, "pbf")]
        if loads:
            _bench_loads(Path(folder), loads, args.rows or (20_000 if args.quick else 150_000))
        selections = [case for case in cases if case in SELECTIONS]
        if selections:
            rows = args.national_rows or (20_000 if args.quick else 200_000)
            _bench_selections(Path(folder), selections, rows)
    return 0


def _bench_loads(folder: Path, cases: list[str], rows_wanted: int) -> None:
    postgis = os.environ.get("MOBILITY_TEST_POSTGIS_URL")
    path = folder / "irve_statique_large.csv"
    rows = build_file(path, rows_wanted)
    size_mb = path.stat().st_size / 1e6
    print(f"file: {rows:,} rows, {size_mb:.1f} MB (the real subset repeated with new ids)")
    results = []
    for case in cases:
        if case == "postgis":
            if not postgis:
                print("postgis: skipped (MOBILITY_TEST_POSTGIS_URL is not set)")
                continue
            url = postgis
        else:
            url = f"sqlite:///{folder / f'{case}.sqlite'}"
            Path(folder, f"{case}.sqlite").unlink(missing_ok=True)
        timed = _child(case, path, url, trace=False)
        if case != "postgis":
            Path(folder, f"{case}.sqlite").unlink(missing_ok=True)
        traced = _child(case, path, url, trace=True)
        timed["traced_peak_mb"] = traced["traced_peak_mb"]
        results.append(timed)
    lines = []
    for item in results:
        seconds = float(item["seconds"])  # type: ignore[arg-type]
        written = int(item["written"])  # type: ignore[call-overload]
        lines.append(
            [
                str(item["case"]),
                f"{written:,}",
                f"{seconds:.1f}",
                f"{written / seconds:,.0f}",
                f"{float(item['traced_peak_mb']):.0f}",  # type: ignore[arg-type]
                f"{float(item['maxrss_mb']):.0f}",  # type: ignore[arg-type]
            ]
        )
    headers = ["case", "rows", "seconds", "rows/s", "tracemalloc peak MB", "ru_maxrss MB"]
    print(table(headers, lines, left=1))


def _bench_selections(folder: Path, cases: list[str], rows_wanted: int) -> None:
    path = folder / "consolidation-irve-statique-national.csv"
    rows = build_national_file(ROOT, path, rows_wanted)
    size_mb = path.stat().st_size / 1e6
    print(
        f"national file: {rows:,} rows, {size_mb:.1f} MB (the real subset, then copies spread "
        "over France); commune 93048 with a 2,000 m margin"
    )
    results = {}
    for case in cases:
        timed = _child(case, path, "-", trace=False)
        traced = _child(case, path, "-", trace=True)
        timed["traced_peak_mb"] = traced["traced_peak_mb"]
        results[case] = timed
        print(f"{case}: {timed['summary']}")
    national = results.get("national")
    fastest = None if national is None else float(national["seconds"])  # type: ignore[arg-type]
    cpu_fastest = None if national is None else float(national["cpu_seconds"])  # type: ignore[arg-type]
    lines = []
    for case, item in results.items():
        seconds = float(item["seconds"])  # type: ignore[arg-type]
        rows_read = int(item["rows"])  # type: ignore[call-overload]
        ratio = "" if fastest is None else f"{seconds / fastest:.1f}×"
        if fastest is not None and cpu_fastest:
            ratio += f" (cpu {float(item['cpu_seconds']) / cpu_fastest:.1f}×)"  # type: ignore[arg-type]
        lines.append(
            [
                case,
                f"{rows_read:,}",
                f"{int(item['kept']):,}",  # type: ignore[call-overload]
                f"{seconds:.2f}",
                f"{float(item['cpu_seconds']):.2f}",  # type: ignore[arg-type]
                f"{rows_read / seconds:,.0f}",
                ratio,
                f"{float(item['traced_peak_mb']):.0f}",  # type: ignore[arg-type]
                f"{float(item['arrow_peak_mb']):.0f}",  # type: ignore[arg-type]
                f"{float(item['maxrss_mb']):.0f}",  # type: ignore[arg-type]
            ]
        )
    headers = [
        "case",
        "rows",
        "kept",
        "seconds",
        "cpu s",
        "rows/s",
        "time / national",
        "tracemalloc peak MB",
        "arrow pool peak MB",
        "ru_maxrss MB",
    ]
    print(table(headers, lines, left=1))


def _bench_pbf(folder: Path, columns: int, rows: int) -> None:
    started = time.perf_counter()
    region = write_region(folder / "region-latest.osm.pbf", columns=columns, rows=rows)
    boundaries = write_boundaries(region, folder / "communes.geojson")
    print(
        f"pyosmium {version('osmium')}; regional PBF: {region.nodes:,} nodes, "
        f"{region.ways:,} ways, {region.relations:,} relations, "
        f"{region.chargers:,} charging stations, "
        f"{region.path.stat().st_size / 1e6:.1f} MB (written in "
        f"{time.perf_counter() - started:.0f} s); one 2 km commune, 2,000 m margin"
    )
    runs: dict[str, list[dict[str, object]]] = {case: [] for case in PBF_CASES}
    for _ in range(PBF_REPEATS):  # in turn, so a change of load touches every case alike
        for case in PBF_CASES:
            runs[case].append(_child(case, region.path, str(boundaries), trace=False))
    medians = {case: _median_run(items) for case, items in runs.items()}
    for case, item in medians.items():
        print(f"{case}: {item['summary']}")
    floor = float(medians[FLOOR]["seconds"])  # type: ignore[arg-type]
    floor_cpu = float(medians[FLOOR]["cpu_seconds"])  # type: ignore[arg-type]
    bare = float(medians["pbf-libosmium"]["seconds"])  # type: ignore[arg-type]
    lines = []
    for case, item in medians.items():
        seconds = float(item["seconds"])  # type: ignore[arg-type]
        cpu = float(item["cpu_seconds"])  # type: ignore[arg-type]
        peak = max(float(run["maxrss_mb"]) for run in runs[case])  # type: ignore[arg-type]
        lines.append(
            [
                case,
                f"{seconds:.2f}",
                f"{cpu:.2f}",
                f"{seconds / floor:.2f}×",
                f"{cpu / floor_cpu:.2f}×",
                f"{seconds / bare:.1f}×",
                f"{peak:,.0f}",
            ]
        )
    headers = [
        "case",
        "seconds",
        "cpu s",
        "time / floor",
        "cpu / floor",
        "time / libosmium",
        "peak VmHWM MB",
    ]
    print(f"medians of {PBF_REPEATS} runs each; goal: pbf-import within 2× pbf-floor, under 4 GB")
    print(table(headers, lines, left=1))


def _median_run(items: list[dict[str, object]]) -> dict[str, object]:
    """The run of median wall-clock time."""
    ordered = sorted(items, key=lambda item: float(item["seconds"]))  # type: ignore[arg-type]
    return ordered[len(ordered) // 2]


if __name__ == "__main__":
    sys.exit(main())
