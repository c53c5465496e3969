# SPDX-License-Identifier: MIT
"""The PBF street route against the OSM XML route, on the same OpenStreetMap data."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from shapely.geometry import Point, box

from mobility.errors import UnsupportedFormatError
from mobility.network import load_streets, read_osm_xml
from mobility.network.osm_pbf import read_osm_pbf
from tests.mobility.network.support import GARE_DU_NORD_OSM, write_pbf

CLIP = box(2.3460, 48.8780, 2.3510, 48.8805)
"""A box inside the Gare du Nord extract, cutting many of its streets."""


@pytest.fixture(scope="module")
def pbf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pbf(GARE_DU_NORD_OSM, tmp_path_factory.mktemp("pbf") / "gare_du_nord.osm.pbf")


def edge_rows(graph: nx.MultiDiGraph) -> list[tuple[Any, ...]]:
    """Every edge with every attribute, geometries as WKT, in a stable order."""
    rows = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = {k: (value.wkt if k == "geometry" else value) for k, value in data.items()}
        rows.append((u, v, key, sorted(attrs.items(), key=lambda item: item[0])))
    return sorted(rows, key=repr)


def assert_same_graph(got: nx.MultiDiGraph, expected: nx.MultiDiGraph) -> None:
    assert dict(got.nodes(data=True)) == dict(expected.nodes(data=True))
    assert edge_rows(got) == edge_rows(expected)
    assert got.graph == expected.graph


def test_pbf_gives_the_xml_street_graph(pbf: Path) -> None:
    expected = read_osm_xml(GARE_DU_NORD_OSM.read_bytes())
    got = read_osm_pbf(pbf)
    assert got.number_of_nodes() == 256
    assert got.number_of_edges() == 527
    assert_same_graph(got, expected)
    lengths = nx.get_edge_attributes(got, "length")
    assert lengths == nx.get_edge_attributes(expected, "length")


def test_load_streets_reads_pbf_by_suffix_and_by_content(pbf: Path) -> None:
    expected = read_osm_xml(GARE_DU_NORD_OSM.read_bytes())
    assert_same_graph(load_streets(pbf), expected)
    assert_same_graph(load_streets(pbf.read_bytes()), expected)  # an upload: sniffed
    assert_same_graph(load_streets(gzip.compress(pbf.read_bytes())), expected)


def test_clip_keeps_the_nodes_inside_like_an_xml_extract_cut_there(pbf: Path) -> None:
    """Reference: the XML with every node outside the box removed, read by the XML route."""
    root = ET.fromstring(gzip.decompress(GARE_DU_NORD_OSM.read_bytes()))  # noqa: S314 (ours)
    for node in root.findall("node"):
        if not CLIP.contains(Point(float(node.get("lon", "")), float(node.get("lat", "")))):
            root.remove(node)
    expected = load_streets(ET.tostring(root), clip=CLIP)
    got = load_streets(pbf, clip=CLIP)
    assert 0 < got.number_of_nodes() < 256
    assert_same_graph(got, expected)


def test_a_file_that_is_not_a_pbf_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "region.osm.pbf"
    fake.write_bytes(b"\x00\x00\x00\x0dnot a pbf at all" * 10)
    with pytest.raises(UnsupportedFormatError, match="not an OpenStreetMap PBF"):
        load_streets(fake)


def test_a_truncated_pbf_is_refused(pbf: Path, tmp_path: Path) -> None:
    data = pbf.read_bytes()
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnsupportedFormatError, match="broken or truncated"):
        load_streets(cut)
    with pytest.raises(UnsupportedFormatError, match="broken or truncated"):
        load_streets(data[: len(data) // 2])
