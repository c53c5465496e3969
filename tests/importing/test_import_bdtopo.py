# SPDX-License-Identifier: MIT
"""``mobility commune import 75110 --streets BDTOPO.gpkg``: the 10e from BD TOPO's road sections.

The GeoPackage is written here as IGN ships a département: the 10e's real street lines (the
shipped Paris centrelines) cut at every junction as BD TOPO cuts them, 3D, in Lambert-93, in the
``troncon_de_route`` layer next to a railway layer, each section given one of a few BD TOPO
profiles (every ``sens_de_circulation``, footpaths, a motorway, private and unbuilt roads) and a
viaduct at level 1 passing over the streets. The commune's walk and drive distances must equal a
plain networkx Dijkstra over the stored sections, joined at their ends, with the directions and
modes each profile has by BD TOPO's definitions, written out below by hand.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import networkx as nx
import numpy as np
import pyogrio
import pytest
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import LineString, shape

from mobility.coverage.context import ContextCache
from mobility.geo import metric_transformer, to_metric
from mobility.store import open_store
from tests.support.communes import run_cli
from tests.support.idf_import import ImportFiles, import_command, outline_of, read_features

Drive = Literal["both", "along", "against", "none"]
PROFILES: list[tuple[dict[str, Any], bool, Drive]] = [
    # BD TOPO fields, then who may use the section: walk, and cars which way
    ({"sens_de_circulation": "Double sens", "vitesse_moyenne_vl": 30}, True, "both"),
    ({"sens_de_circulation": "Double sens", "vitesse_moyenne_vl": 40}, True, "both"),
    ({"sens_de_circulation": "Sens direct", "vitesse_moyenne_vl": 30}, True, "along"),
    ({"sens_de_circulation": "Double sens", "nature": "Route à 2 chaussées"}, True, "both"),
    ({"sens_de_circulation": "Sens inverse", "vitesse_moyenne_vl": 25}, True, "against"),
    ({"sens_de_circulation": "Double sens", "vitesse_moyenne_vl": 50}, True, "both"),
    (
        {"sens_de_circulation": "Sans objet", "acces_vehicule_leger": "Physiquement impossible"},
        True,
        "none",
    ),
    ({"sens_de_circulation": "Double sens", "vitesse_moyenne_vl": 20}, True, "both"),
    ({"sens_de_circulation": "Sans objet", "nature": "Sentier"}, True, "none"),
    (
        {"sens_de_circulation": "Double sens", "acces_vehicule_leger": None, "prive": True},
        False,
        "none",
    ),
    ({"sens_de_circulation": "Double sens", "nature": "Escalier"}, True, "none"),
    ({"sens_de_circulation": "Double sens", "etat_de_l_objet": "En construction"}, False, "none"),
    ({"sens_de_circulation": "Sens direct", "nature": "Type autoroutier"}, False, "along"),
]
ORDER = [0, 1, 2, 3, 5, 7, 0, 1, 4, 3, 5, 7, 0, 6, 1, 8, 3, 9, 5, 10, 7, 11, 0, 12, 1, 3, 5]
"""The profile of section ``i`` is ``ORDER[i % len(ORDER)]``: mostly two-way streets, so that
the drive view is a large network, and every profile many times over."""
VIADUCT = len(PROFILES)
"""The profile number of the viaduct: a two-way road at level 1, joined at its ends only."""
MATCH_M = 0.01


def bdtopo_sections(region: ImportFiles) -> tuple[list[LineString], list[int]]:
    """The region's street lines cut at every junction (BD TOPO's sections), with profiles."""
    lines = [
        part
        for f in read_features(region.streets)
        for part in shapely.get_parts(to_metric(shape(f["geometry"])))
    ]
    pieces = shapely.get_parts(shapely.node(shapely.MultiLineString(lines)))
    sections = [p for p in pieces if p.length > 0]
    profiles = [ORDER[index % len(ORDER)] for index in range(len(sections))]
    centre = to_metric(outline_of("75110", read_features(region.iris))).centroid
    ends = np.array([s.coords[-1] for s in sections])
    start = ends[int(np.argmin(np.hypot(ends[:, 0] - centre.x, ends[:, 1] - centre.y)))]
    far = int(np.argmin(np.abs(np.hypot(*(ends - start).T) - 500.0)))
    sections.append(LineString([tuple(start), tuple(ends[far])]))
    profiles.append(VIADUCT)
    return sections, profiles


def write_bdtopo(folder: Path, sections: list[LineString], profiles: list[int]) -> Path:
    """Write the sections as IGN's ``troncon_de_route`` (3D, Lambert-93) and a railway layer."""
    fields: dict[str, list[Any]] = {
        "cleabs": [f"TRONROUT{p:02d}{i:014d}" for i, p in enumerate(profiles)],
        "nature": [],
        "importance": [],
        "sens_de_circulation": [],
        "vitesse_moyenne_vl": [],
        "position_par_rapport_au_sol": [],
        "acces_vehicule_leger": [],
        "acces_pieton": [None] * len(profiles),
        "etat_de_l_objet": [],
        "prive": [],
        "nom_collaboratif_gauche": [f"Voie {i}" for i in range(len(profiles))],
    }
    for profile in profiles:
        given = (
            {"sens_de_circulation": "Double sens", "position_par_rapport_au_sol": "1"}
            if profile == VIADUCT
            else PROFILES[profile][0]
        )
        fields["nature"].append(given.get("nature", "Route à 1 chaussée"))
        fields["importance"].append("4")
        fields["sens_de_circulation"].append(given["sens_de_circulation"])
        fields["vitesse_moyenne_vl"].append(given.get("vitesse_moyenne_vl", 0))
        fields["position_par_rapport_au_sol"].append(given.get("position_par_rapport_au_sol", "0"))
        fields["acces_vehicule_leger"].append(given.get("acces_vehicule_leger", "Libre"))
        fields["etat_de_l_objet"].append(given.get("etat_de_l_objet", "En service"))
        fields["prive"].append(bool(given.get("prive", False)))
    lines_3d = [
        LineString([(x, y, 30.0 + i % 7) for x, y in section.coords])
        for i, section in enumerate(sections)
    ]
    target = folder / "BDTOPO_3-4_TOUSTHEMES_GPKG_LAMB93_D075.gpkg"
    roads = gpd.GeoDataFrame(fields, geometry=lines_3d, crs="EPSG:2154")
    pyogrio.write_dataframe(roads, target, layer="troncon_de_route")
    railway = gpd.GeoDataFrame(
        {"nature": ["Voie ferrée principale"]}, geometry=[lines_3d[-1]], crs="EPSG:2154"
    )
    pyogrio.write_dataframe(railway, target, layer="troncon_de_voie_ferree", append=True)
    return target


def reference_graphs(features: list[dict[str, Any]]) -> tuple[nx.Graph, nx.DiGraph]:
    """Join the stored sections at their ends; who may use each comes from its profile."""
    walk, drive = nx.Graph(), nx.DiGraph()
    for feature in features:
        profile = int(feature["properties"]["cleabs"][8:10])
        walks, way = (True, "both") if profile == VIADUCT else PROFILES[profile][1:]
        line = shape(feature["geometry"])
        u, v, length = line.coords[0], line.coords[-1], line.length
        arcs = {"both": [(u, v), (v, u)], "along": [(u, v)], "against": [(v, u)], "none": []}
        for graph, pairs in ((walk, [(u, v)] if walks else []), (drive, arcs[way])):
            for a, b in pairs:
                if a != b and (not graph.has_edge(a, b) or graph[a][b]["length"] > length):
                    graph.add_edge(a, b, length=length)
    return walk, drive


def simple(view: nx.MultiDiGraph, directed: bool) -> nx.Graph:
    """Our mode view as a simple graph: the shortest edge between two nodes."""
    graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    for u, v, data in view.edges(data=True):
        if not graph.has_edge(u, v) or graph[u][v]["length"] > data["length"]:
            graph.add_edge(u, v, length=data["length"])
    return graph


def assert_same_distances(ours: nx.Graph, view: nx.MultiDiGraph, theirs: nx.Graph) -> None:
    """Distances from 10 nodes to 40 others are equal on both graphs (nodes paired by place)."""
    nodes = sorted(view.nodes)
    x, y = metric_transformer().transform(
        [view.nodes[n]["x"] for n in nodes], [view.nodes[n]["y"] for n in nodes]
    )
    places = list(theirs.nodes)
    gap_m, nearest = cKDTree(np.asarray(places)).query(np.column_stack([x, y]))
    assert float(gap_m.max()) < MATCH_M
    place = {node: places[i] for node, i in zip(nodes, nearest.tolist(), strict=True)}
    pick = np.random.default_rng(16)
    for source in pick.choice(nodes, 10, replace=False).tolist():
        mine = nx.single_source_dijkstra_path_length(ours, source, weight="length")
        reference = nx.single_source_dijkstra_path_length(theirs, place[source], weight="length")
        for target in pick.choice(nodes, 40, replace=False).tolist():
            assert mine[target] == pytest.approx(reference[place[target]], rel=1e-9, abs=1e-6)


def test_distances_on_a_bdtopo_import_equal_dijkstra_on_its_sections(
    tmp_path: Path, region: ImportFiles, capsys: pytest.CaptureFixture[str]
) -> None:
    sections, profiles = bdtopo_sections(region)
    gpkg = write_bdtopo(tmp_path, sections, profiles)
    url = f"sqlite:///{tmp_path}/bdtopo.sqlite"
    code = run_cli(url, *import_command(region, "--streets", str(gpkg), margin_m=300))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    streets = next(s for s in json.loads(captured.out)["stages"] if s["stage"] == "streets")
    assert streets["facts"]["layer"] == "troncon_de_route"
    assert streets["facts"]["field_rules"] == "bdtopo"
    assert streets["facts"]["crs_read"] == "EPSG:2154"
    assert any("bdtopo sections joined at their ends only" in note for note in streets["notes"])
    store = open_store(url)
    try:
        stored = store.get_commune_file("75110", "streets")
        assert stored is not None
        features = json.loads(gzip.decompress(stored.content))["features"]
        model = ContextCache().get(store, "75110").model
        walk_view, _ = model.mode_view("walk")
        drive_view, _ = model.mode_view("drive")
    finally:
        store.close()
    assert any(f["properties"]["position_par_rapport_au_sol"] == "1" for f in features)
    walk, drive = reference_graphs(features)
    assert_same_distances(simple(walk_view, directed=False), walk_view, walk)
    assert_same_distances(simple(drive_view, directed=True), drive_view, drive)
    assert drive_view.number_of_nodes() > 300, drive_view.number_of_nodes()
    assert walk_view.number_of_nodes() > 1000, walk_view.number_of_nodes()


def test_a_layer_the_file_does_not_hold_is_refused_naming_the_option(
    tmp_path: Path, region: ImportFiles, capsys: pytest.CaptureFixture[str]
) -> None:
    sections, profiles = bdtopo_sections(region)
    gpkg = write_bdtopo(tmp_path, sections[:50], profiles[:50])
    url = f"sqlite:///{tmp_path}/refused.sqlite"
    args = ["commune", "import", "75110", "--boundaries", str(region.iris), "--streets"]
    code = run_cli(url, *args, str(gpkg), "--streets-layer", "troncon_de_rue")
    assert code == 1
    err = capsys.readouterr().err
    assert "streets_layer: no layer 'troncon_de_rue'" in err
    assert "troncon_de_route, troncon_de_voie_ferree" in err
    store = open_store(url)
    try:
        assert not store.has_commune("75110")
    finally:
        store.close()
