# SPDX-License-Identifier: MIT
"""The PBF asset route against the OSM XML route, on the real Gare du Nord extract."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from shapely.geometry import box

from mobility.assets import Layer
from mobility.errors import UnsupportedFormatError
from mobility.formats import read_asset_file, sniff_format
from mobility.formats.osm_elements import OTHER_OBJECTS
from mobility.formats.osm_pbf import read_osm_pbf_all, read_osm_pbf_assets
from mobility.formats.osm_xml import read_osm_xml
from mobility.formats.report import ParsedAsset, ReadReport
from mobility.network import load_streets
from tests.mobility.network.support import GARE_DU_NORD_OSM, write_pbf


@pytest.fixture(scope="module")
def pbf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pbf(GARE_DU_NORD_OSM, tmp_path_factory.mktemp("pbf") / "gare_du_nord.osm.pbf")


@pytest.fixture(scope="module")
def from_xml() -> ReadReport:
    return read_osm_xml(GARE_DU_NORD_OSM.read_bytes(), source_name="extract")


def without_lines(assets: list[ParsedAsset]) -> list[ParsedAsset]:
    return [replace(asset, line=None) for asset in assets]


def assert_same_assets(got: ReadReport, expected: ReadReport) -> None:
    assert got.format == "osm-pbf"
    assert without_lines(got.assets) == without_lines(expected.assets)
    assert got.skipped == expected.skipped
    assert [replace(r, line=None) for r in got.rejected] == [
        replace(r, line=None) for r in expected.rejected
    ]


def test_pbf_gives_the_xml_assets(pbf: Path, from_xml: ReadReport) -> None:
    got = read_osm_pbf_assets(pbf, source_name="extract")
    assert got.count_by_layer()["parking"] > 80 and got.count_by_layer()["hubs"] > 10
    assert got.skipped[OTHER_OBJECTS] > 1000
    assert any(asset.footprint is not None for asset in got.assets)  # areas: centroid + outline
    assert_same_assets(got, from_xml)


def test_asset_upload_of_a_pbf_is_sniffed_and_read(pbf: Path, from_xml: ReadReport) -> None:
    data = pbf.read_bytes()
    assert sniff_format(data) == "osm"
    assert_same_assets(read_asset_file(data, source_name="extract"), from_xml)
    parking = read_asset_file(data, source_name="extract", layer=Layer.PARKING)
    assert {asset.layer for asset in parking.assets} == {Layer.PARKING}


def test_one_pass_gives_streets_and_assets(pbf: Path, from_xml: ReadReport) -> None:
    clip = box(2.3460, 48.8780, 2.3510, 48.8805)
    graph, report = read_osm_pbf_all(pbf, clip=clip, source_name="extract")
    assert_same_assets(report, from_xml)  # the clip cuts streets, never the assets' outlines
    reference = load_streets(pbf, clip=clip)
    assert set(graph.nodes) == set(reference.nodes)
    assert sorted(graph.edges(keys=True)) == sorted(reference.edges(keys=True))


def test_a_truncated_pbf_upload_is_refused(pbf: Path) -> None:
    data = pbf.read_bytes()
    with pytest.raises(UnsupportedFormatError, match="broken or truncated"):
        read_asset_file(data[: len(data) // 2])
