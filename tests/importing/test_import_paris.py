# SPDX-License-Identifier: MIT
"""``mobility commune import`` on real files: the 10e, its neighbour the 9e, then Paris over them.

The inputs are the shipped region-wide files cut around the two arrondissements
(:mod:`tests.support.idf_import`). Every count of the report is computed again here from those
files with plain shapely; the store is checked after each import: no asset of a commune already
loaded moves or disappears, and a second import with ``--replace`` changes nothing.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from typing import Any

import pytest
from shapely.geometry import shape

from mobility.assets import Layer
from mobility.store import AssetQuery, SqlStore, open_store
from tests.support.idf_import import (
    CHARGING_POINTS_OF_THE_10E,
    MARGIN_M,
    ImportFiles,
    buffered,
    irve_point,
    outline_of,
    read_features,
    run_import,
)


def stage(report: dict[str, Any], name: str, filename: str | None = None) -> dict[str, Any]:
    """Return one stage of a report (by its source file when a stage comes more than once)."""
    found = [
        s
        for s in report["stages"]
        if s["stage"] == name and (filename is None or s["source"]["filename"] == filename)
    ]
    assert len(found) == 1
    return found[0]


def expected(region: ImportFiles, code: str) -> dict[str, int]:
    """What the report must say for an arrondissement, from the input files and plain shapely."""
    iris = read_features(region.iris)
    outline = outline_of(code, iris)
    around = buffered(outline, MARGIN_M)
    lines = [shape(f["geometry"]) for f in read_features(region.streets)]
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(region.irve.read_bytes()).decode())))
    points = [irve_point(row) for row in rows]
    stations = [shape(f["geometry"]) for f in read_features(region.velib)]
    return {
        "iris": len(iris),
        "lines": len(lines),
        "lines_kept": sum(line.intersection(around).length > 0 for line in lines),
        "parts_cut": sum(
            part.intersection(around).length > 0 and not around.covers(part)
            for line in lines
            for part in getattr(line, "geoms", [line])
        ),
        "zones_kept": sum(f["properties"]["DEPCOM"] == code for f in iris),
        "rows": len(rows),
        "points_kept": sum(around.covers(p) for p in points),
        "points_inside": sum(outline.covers(p) for p in points),
        "stations": len(stations),
        "stations_kept": sum(around.covers(s) for s in stations),
    }


def all_ids(store: SqlStore) -> set[tuple[str, str]]:
    """Return every stored asset as (layer, id)."""
    return {(a.layer.value, a.id) for layer in Layer for a in store.iter_assets(AssetQuery(layer))}


def seen_by(store: SqlStore, code: str, *, surroundings: bool = False) -> dict[str, set[str]]:
    """Return the ids a commune sees, per layer."""
    return {
        layer.value: {
            a.id
            for a in store.iter_assets(AssetQuery(layer, commune=code, surroundings=surroundings))
        }
        for layer in Layer
    }


def test_the_report_counts_what_the_files_hold(
    store_url: str, region: ImportFiles, capsys: pytest.CaptureFixture[str]
) -> None:
    report = run_import(store_url, capsys, region, "75110")
    want = expected(region, "75110")
    assert report["margin_m"] == MARGIN_M
    assert report["served_at"] == "/communes/75110"
    boundaries = stage(report, "boundaries")
    assert boundaries["read"] == want["iris"]
    streets = stage(report, "streets")
    assert (streets["read"], streets["kept"]) == (want["lines"], want["lines_kept"])
    assert streets["read"] == streets["kept"] + sum(streets["dropped"].values())
    assert streets["facts"]["lines_cut_at_the_edge"] == want["parts_cut"]
    zones = stage(report, "population")
    assert (zones["read"], zones["kept"]) == (want["iris"], want["zones_kept"])
    irve = stage(report, "irve")
    assert (irve["read"], irve["kept"]) == (want["rows"], want["points_kept"])
    assert irve["dropped"] == {
        "outside the commune and its surroundings": want["rows"] - want["points_kept"]
    }
    assert want["points_inside"] == CHARGING_POINTS_OF_THE_10E
    assert report["layers"]["charging-points"] == {
        "in_commune": CHARGING_POINTS_OF_THE_10E,
        "in_surroundings": want["points_kept"] - CHARGING_POINTS_OF_THE_10E,
    }
    velib = stage(report, "hubs", region.velib.name)
    assert (velib["read"], velib["kept"]) == (want["stations"], want["stations_kept"])
    assert report["existing_assets"]["new"] == sum(
        sum(counts.values()) for counts in report["layers"].values()
    )

    store = open_store(store_url)
    try:
        assert store.count_assets(Layer.CHARGING_POINTS, "75110") == CHARGING_POINTS_OF_THE_10E
        seen = seen_by(store, "75110", surroundings=True)
        assert len(seen["charging-points"]) == want["points_kept"]
        record = store.get_commune("75110")
        assert record.margin_m == MARGIN_M
        assert record.info["demand"]["population"] == {
            "field": "C11_POP15P",
            "description": "residents aged 15 or more",
            "age_group": None,
            "year": 2011,
            "source": stage(report, "population")["facts"]["stored_as"],
        }
        assert record.name == "PARIS 10E ARRONDISSEMENT"
        sources = {s["role"]: s for s in record.info["sources"] if s["role"] != "assets"}
        assert sources["streets"]["filename"] == region.streets.name
        assert sources["streets"]["bytes"] == region.streets.stat().st_size
        stored = store.get_commune_file("75110", "streets")
        assert stored is not None and stored.filename == sources["streets"]["stored_as"]["filename"]
        kept = json.loads(gzip.decompress(stored.content))["features"]
        assert len({f["properties"]["OBJECTID"] for f in kept}) == want["lines_kept"]
    finally:
        store.close()


def test_neighbours_and_paris_share_assets_without_moving_any(
    store_url: str, region: ImportFiles, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run_import(store_url, capsys, region, "75110")
    store = open_store(store_url)
    try:
        tenth = seen_by(store, "75110")
        tenth_around = seen_by(store, "75110", surroundings=True)

        again = run_import(store_url, capsys, region, "75110", "--replace")
        assert again["stages"] == first["stages"]
        assert again["layers"] == first["layers"]
        written = sum(sum(c.values()) for c in first["layers"].values())
        assert again["existing_assets"] == {
            "new": 0,
            "unchanged": written,
            "changed": 0,
            "changed_ids": [],
            "changed_ids_truncated": False,
        }

        before = all_ids(store)
        ninth = run_import(store_url, capsys, region, "75109")
        after = all_ids(store)
        ninth_written = sum(sum(c.values()) for c in ninth["layers"].values())
        assert ninth["existing_assets"]["new"] == len(after - before)
        assert ninth["existing_assets"]["unchanged"] == ninth_written - len(after - before)
        assert ninth["existing_assets"]["changed"] == 0
        assert seen_by(store, "75110") == tenth
        assert seen_by(store, "75110", surroundings=True) == tenth_around

        coded = {
            (a.layer.value, a.id): a.commune
            for layer in Layer
            for a in store.iter_assets(AssetQuery(layer))
        }
        paris = run_import(
            store_url, capsys, region, "75056", boundaries=str(region.communes), population=False
        )
        assert paris["name"] == "Paris"
        assert paris["existing_assets"]["changed"] == sum(c != "75056" for c in coded.values())
        assert seen_by(store, "75110") == tenth
        assert seen_by(store, "75110", surroundings=True) == tenth_around
        assert store.count_assets(Layer.CHARGING_POINTS, "75110") == CHARGING_POINTS_OF_THE_10E
        paris_points = seen_by(store, "75056")["charging-points"]
        assert tenth["charging-points"] <= paris_points
    finally:
        store.close()
