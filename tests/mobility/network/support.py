# SPDX-License-Identifier: MIT
"""Fixture paths, tiny inline GraphML/OSM documents, and the street-graph contract check."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import osmium
import shapely
from shapely.geometry import LineString

from mobility.geo import in_france, metric_transformer

ROOT = Path(__file__).resolve().parents[3]
PARIS_GRAPHML = ROOT / "data" / "paris-10e" / "voies_paris_75110_graph.graphml"
SGL_GRAPHML = (
    ROOT
    / "tests"
    / "fixtures"
    / "saint-germain-en-laye-78551"
    / "osm_all_private_graph_saint-germain-en-laye_osmnx.graphml.gz"
)
GARE_DU_NORD_OSM = (
    ROOT / "tests" / "fixtures" / "osm" / "osm_extract_paris09-10_gare-du-nord.osm.gz"
)


def graphml_doc(nodes: str, edges: str, *, edgedefault: str = "directed", keys: str = "") -> bytes:
    """Build a small GraphML document with the usual OSMnx keys."""
    return f"""<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="x" for="node" attr.name="x" attr.type="string"/>
  <key id="y" for="node" attr.name="y" attr.type="string"/>
  <key id="hw" for="edge" attr.name="highway" attr.type="string"/>
  <key id="ow" for="edge" attr.name="oneway" attr.type="string"/>
  <key id="len" for="edge" attr.name="length" attr.type="string"/>
  <key id="geom" for="edge" attr.name="geometry" attr.type="string"/>
  <key id="ms" for="edge" attr.name="maxspeed" attr.type="string"/>
  {keys}
  <graph edgedefault="{edgedefault}">
{nodes}
{edges}
  </graph>
</graphml>""".encode()


def graphml_node(node_id: str, x: float, y: float) -> str:
    return f'<node id="{node_id}"><data key="x">{x}</data><data key="y">{y}</data></node>'


def graphml_edge(source: str, target: str, **data: str) -> str:
    body = "".join(f'<data key="{key}">{value}</data>' for key, value in data.items())
    return f'<edge source="{source}" target="{target}">{body}</edge>'


def osm_doc(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n{body}\n</osm>'.encode()


def assert_street_contract(graph: nx.MultiDiGraph) -> None:
    """Check every rule of the normalized street graph documented in mobility.network.model."""
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.graph["crs"] == "EPSG:4326"
    assert graph.graph["source_format"] in ("graphml", "osm", "lines")
    assert isinstance(graph.graph["has_classes"], bool)
    for node, attrs in graph.nodes(data=True):
        assert isinstance(node, int)
        assert isinstance(attrs["x"], float) and isinstance(attrs["y"], float)
        assert in_france(attrs["x"], attrs["y"])
        assert isinstance(attrs["source_id"], str)
    lines = []
    lengths = []
    for u, v, _, attrs in graph.edges(keys=True, data=True):
        line = attrs["geometry"]
        assert isinstance(line, LineString)
        assert line.coords[0] == (graph.nodes[u]["x"], graph.nodes[u]["y"])
        assert line.coords[-1] == (graph.nodes[v]["x"], graph.nodes[v]["y"])
        assert isinstance(attrs["length"], float) and attrs["length"] > 0
        for key in ("name", "highway", "access"):
            assert attrs[key] is None or isinstance(attrs[key], str)
        assert attrs["maxspeed_kmh"] is None or attrs["maxspeed_kmh"] > 0
        for key in ("oneway", "walk", "drive"):
            assert isinstance(attrs[key], bool)
        lines.append(line)
        lengths.append(attrs["length"])
    metric = shapely.length(shapely.transform(np.array(lines), _to_lambert93))
    gap = np.abs(np.array(lengths) - metric)
    assert np.all(gap <= np.maximum(0.5, 0.03 * metric)), float(gap.max())


def _to_lambert93(coords: np.ndarray) -> np.ndarray:
    xs, ys = metric_transformer().transform(coords[:, 0], coords[:, 1])
    return np.column_stack([xs, ys])


def write_pbf(xml: Path, pbf: Path) -> Path:
    """Convert an OSM XML file (plain or gzipped) to PBF, object by object, with pyosmium."""
    with osmium.SimpleWriter(str(pbf)) as writer:
        for element in osmium.FileProcessor(str(xml)):
            writer.add(element)
    return pbf
