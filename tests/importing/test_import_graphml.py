# SPDX-License-Identifier: MIT
"""An import whose streets come as a prepared graph (GraphML): kept as given, assets cut around.

The shipped 10e's GraphML stands for a graph its producer already cut; the boundaries and the
IRVE points come from the region files, so the 10e's 89 points are kept with those of its
surroundings, each coded where it stands, and importing the same files again changes nothing.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from typing import Any

import pytest

from mobility.assets import Layer
from mobility.store import AssetQuery, open_store
from tests.support.communes import run_cli
from tests.support.idf_import import (
    CHARGING_POINTS_OF_THE_10E,
    MARGIN_M,
    ImportFiles,
    buffered,
    import_command,
    irve_point,
    outline_of,
    read_features,
)
from tests.support.paths import PARIS

GRAPH = PARIS / "voies_paris_75110_graph.graphml"


def _import(url: str, region: ImportFiles, capsys: pytest.CaptureFixture[str], *extra: str) -> Any:
    capsys.readouterr()
    files = ("--streets", str(GRAPH), "--irve", str(region.irve), *extra)
    code = run_cli(url, *import_command(region, *files))
    assert code == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_a_graph_is_kept_as_given_and_the_points_around_are_coded_where_they_stand(
    store_url: str, region: ImportFiles, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _import(store_url, region, capsys)
    outline = outline_of("75110", read_features(region.iris))
    around = buffered(outline, MARGIN_M)
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(region.irve.read_bytes()).decode())))
    kept = [row for row in rows if around.covers(irve_point(row))]
    streets = next(s for s in report["stages"] if s["stage"] == "streets")
    assert streets["unit"] == "graph file"
    assert report["layers"]["charging-points"] == {
        "in_commune": CHARGING_POINTS_OF_THE_10E,
        "in_surroundings": len(kept) - CHARGING_POINTS_OF_THE_10E,
    }
    assert report["existing_assets"]["new"] == len(kept)

    store = open_store(store_url)
    try:
        stored = store.get_commune_file("75110", "streets")
        assert stored is not None and stored.content == GRAPH.read_bytes()
        assert store.count_assets(Layer.CHARGING_POINTS, "75110") == CHARGING_POINTS_OF_THE_10E
        query = AssetQuery(Layer.CHARGING_POINTS, commune="75110", surroundings=True)
        points = {a.id: a for a in store.iter_assets(query)}
        assert set(points) == {row["id_pdc_itinerance"] for row in kept}
        for point in points.values():
            inside = outline.covers(irve_point({"coordonneesXY": f"[{point.lon}, {point.lat}]"}))
            assert (point.commune == "75110") == inside
            assert point.commune.startswith("751")
    finally:
        store.close()

    again = _import(store_url, region, capsys, "--replace")
    assert again["stages"] == report["stages"]
    assert again["existing_assets"]["unchanged"] == len(kept)
    assert again["existing_assets"]["changed"] == again["existing_assets"]["new"] == 0
