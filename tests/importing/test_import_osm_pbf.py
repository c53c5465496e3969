# SPDX-License-Identifier: MIT
"""``mobility commune import --osm region.osm.pbf``: streets and OSM assets from one file.

The PBF is written by the test from the shipped Gare du Nord OSM XML extract. The commune's
stored streets must give the graph of the PBF cut to the surroundings, and the parking and hubs
stored must be those the OSM XML reader finds within the surroundings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point

from mobility.assets import Layer
from mobility.formats.osm_xml import read_osm_xml
from mobility.network import load_streets
from mobility.network.osm_pbf import read_osm_pbf
from mobility.store import AssetQuery, open_store
from tests.mobility.network.support import GARE_DU_NORD_OSM, write_pbf
from tests.mobility.network.test_osm_pbf import assert_same_graph
from tests.support.communes import run_cli
from tests.support.digests import store_digest
from tests.support.idf_import import (
    MARGIN_M,
    ImportFiles,
    buffered,
    import_command,
    outline_of,
    read_features,
)


def _import(url: str, region: ImportFiles, *extra: str) -> int:
    return run_cli(url, *import_command(region, *extra, replace=True))


def test_an_osm_pbf_gives_the_streets_and_the_osm_assets(
    store_url: str, region: ImportFiles, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pbf = write_pbf(GARE_DU_NORD_OSM, tmp_path / "idf.osm.pbf")
    capsys.readouterr()
    # valid-rows: the extract holds a parking with a bad capacity:disabled tag
    assert _import(store_url, region, "--osm", str(pbf), "--mode", "valid-rows") == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    streets = next(s for s in report["stages"] if s["stage"] == "streets")
    assert streets["unit"] == "ways" and 0 < streets["kept"] <= streets["read"]
    around = buffered(outline_of("75110", read_features(region.iris)), MARGIN_M)
    expected = {
        (asset.layer, asset.id)
        for asset in read_osm_xml(GARE_DU_NORD_OSM.read_bytes()).assets
        if around.covers(Point(asset.lon, asset.lat))
    }
    assert len(expected) > 20
    store = open_store(store_url)
    try:
        stored = store.get_commune_file("75110", "streets")
        assert stored is not None and stored.filename.endswith("_75110_surroundings.osm.pbf")
        assert len(stored.content) < pbf.stat().st_size
        assert_same_graph(load_streets(stored.content), read_osm_pbf(pbf, clip=around))
        found = {
            (layer, asset.id)
            for layer in (Layer.PARKING, Layer.HUBS)
            for asset in store.iter_assets(AssetQuery(layer, commune="75110", surroundings=True))
        }
        assert found == expected
    finally:
        store.close()


def test_a_file_that_is_not_a_pbf_is_refused_and_nothing_written(
    store_url: str, region: ImportFiles, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fake = tmp_path / "idf.osm.pbf"
    fake.write_bytes(GARE_DU_NORD_OSM.read_bytes())  # an OSM XML under a PBF name
    store = open_store(store_url)
    try:
        before = store_digest(store)
        assert _import(store_url, region, "--osm", str(fake)) != 0
        assert _import(store_url, region) != 0  # neither --streets nor --osm
        assert store_digest(store) == before
    finally:
        store.close()
    err = capsys.readouterr().err
    assert "not an OpenStreetMap PBF" in err
    assert "streets" in err and "--osm" in err
