# SPDX-License-Identifier: MIT
"""IGN BD TOPO ``troncon_de_route`` read as streets, checked section by section.

The GeoPackage is written here with pyogrio as IGN ships it: Lambert-93, 3D lines, the
``troncon_de_route`` layer next to another layer of lines (railways), BD TOPO 3's field names
and values. Every section's expected edges (which way, for whom, how fast) are written out by
hand from BD TOPO's definitions, not computed by the code under test.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import pyogrio
import pytest
from shapely.geometry import LineString

from mobility.network import build_mode_view, load_streets
from mobility.network.bdtopo_fields import BDTOPO, section_level, section_tags
from mobility.network.classes import classify_modes
from mobility.network.line_rules import choose_rules
from mobility.network.speeds import DEFAULT_SPEED_KMH
from mobility.network.views import add_speeds
from tests.mobility.network.line_files import X0, Y0, node_metric_xy
from tests.mobility.network.support import assert_street_contract

A, B, C, D = (0, 0), (100, 0), (200, 0), (100, 100)
G, H, N, J = (200, 100), (50, -60), (50, 60), (300, 0)
F, K, L, M = (0, 100), (0, -100), (300, 100), (100, 200)
CROSSING = (50, 0)
"""Where the bridge passes over « Rue Double »: both lines have a vertex there."""

SECTIONS: list[dict[str, Any]] = [
    # name, drawn points, then BD TOPO fields
    {"nom": "Rue Double", "points": [A, CROSSING, B], "sens": "Double sens", "vit": 40},
    {"nom": "Rue Directe", "points": [B, C], "sens": "Sens direct", "vit": 1, "imp": "5"},
    {"nom": "Rue Inverse", "points": [C, G], "sens": "Sens inverse", "vit": 25},
    {"nom": "Rue Piétonne", "points": [B, D], "sens": "Sans objet", "vit": 0, "vl": None},
    {
        "nom": "Sentier du Parc",
        "points": [D, G],
        "nature": "Sentier",
        "sens": "Sans objet",
        "vit": 0,
        "vl": "Physiquement impossible",
    },
    {"nom": "Pont", "points": [H, CROSSING, N], "sens": "Double sens", "vit": 30, "pos": "1"},
    {
        "nom": "Autoroute",
        "points": [C, J],
        "nature": "Type autoroutier",
        "sens": "Sens direct",
        "vit": 110,
        "imp": "1",
    },
    {"nom": "Voie Privée", "points": [A, F], "sens": "Double sens", "vl": None, "prive": True},
    {
        "nom": "Voie Privée Ouverte",
        "points": [F, D],
        "sens": "Double sens",
        "vit": 20,
        "prive": True,
        "vl": "Libre",
        "pieton": "Libre",
    },
    {
        "nom": "Desserte Réservée",
        "points": [A, K],
        "sens": "Double sens",
        "vit": 0,
        "vl": "Restreint aux ayants droit",
    },
    {
        "nom": "Rue en Travaux",
        "points": [G, L],
        "sens": "Double sens",
        "vit": 0,
        "etat": "En construction",
    },
    {"nom": "Bac", "points": [J, L], "nature": "Bac ou liaison maritime", "sens": "Double sens"},
    {"nom": "Escalier", "points": [D, M], "nature": "Escalier", "sens": "Sans objet", "vit": 0},
    {
        "nom": "Chemin",
        "points": [M, F],
        "nature": "Chemin",
        "sens": "Double sens",
        "vit": 1,
        "vl": "Libre",
    },
]

WALK, DRIVE = "walk", "drive"
EXPECTED: dict[str, set[tuple[tuple[int, int], tuple[int, int], str]]] = {
    # every directed edge: from, to, who may use it (BD TOPO's definitions, by hand)
    "Rue Double": {(A, B, WALK + DRIVE), (B, A, WALK + DRIVE)},
    "Rue Directe": {(B, C, WALK + DRIVE)},  # the walk view adds C -> B
    "Rue Inverse": {(G, C, WALK + DRIVE)},  # against the drawing
    "Rue Piétonne": {(B, D, WALK), (D, B, WALK)},  # « Sans objet »: no car traffic
    "Sentier du Parc": {(D, G, WALK), (G, D, WALK)},
    "Pont": {(H, N, WALK + DRIVE), (N, H, WALK + DRIVE)},
    "Autoroute": {(C, J, DRIVE)},
    "Voie Privée": {(A, F, ""), (F, A, "")},  # closed: its access fields open nothing
    "Voie Privée Ouverte": {(F, D, WALK + DRIVE), (D, F, WALK + DRIVE)},
    "Desserte Réservée": {(A, K, WALK), (K, A, WALK)},
    "Rue en Travaux": {(G, L, ""), (L, G, "")},
    "Bac": {(J, L, ""), (L, J, "")},
    "Escalier": {(D, M, WALK), (M, D, WALK)},
    "Chemin": {(M, F, WALK), (F, M, WALK)},
}
DRIVE_SPEEDS_KMH = {
    "Rue Double": 40.0,
    "Rue Directe": DEFAULT_SPEED_KMH["residential"],  # 1 km/h is IGN's « no speed »
    "Rue Inverse": 25.0,
    "Pont": 30.0,
    "Autoroute": 110.0,
    "Voie Privée Ouverte": 20.0,
}


def write_bdtopo(folder: Path, sections: list[dict[str, Any]], *, z_m: float = 35.0) -> Path:
    """Write the sections as BD TOPO's ``troncon_de_route`` (3D, Lambert-93) plus a railway."""
    rows = {
        "cleabs": [f"TRONROUT{index:016d}" for index in range(len(sections))],
        "nature": [s.get("nature", "Route à 1 chaussée") for s in sections],
        "importance": [s.get("imp", "4") for s in sections],
        "sens_de_circulation": [s["sens"] for s in sections],
        "vitesse_moyenne_vl": [s.get("vit") for s in sections],
        "position_par_rapport_au_sol": [s.get("pos", "0") for s in sections],
        "acces_vehicule_leger": [s.get("vl", "Libre") for s in sections],
        "acces_pieton": [s.get("pieton") for s in sections],
        "etat_de_l_objet": [s.get("etat", "En service") for s in sections],
        "prive": [bool(s.get("prive", False)) for s in sections],
        "fictif": [False for _ in sections],
        "nom_collaboratif_gauche": [s["nom"] for s in sections],
    }
    lines = [
        LineString([(X0 + x, Y0 + y, z_m) for x, y in section["points"]]) for section in sections
    ]
    target = folder / "BDTOPO_D075.gpkg"
    roads = gpd.GeoDataFrame(rows, geometry=lines, crs="EPSG:2154")
    pyogrio.write_dataframe(roads, target, layer="troncon_de_route")
    railway = gpd.GeoDataFrame(
        {"nature": ["Voie ferrée principale"]},
        geometry=[LineString([(X0 - 50, Y0 - 50, z_m), (X0 + 350, Y0 + 250, z_m)])],
        crs="EPSG:2154",
    )
    pyogrio.write_dataframe(railway, target, layer="troncon_de_voie_ferree", append=True)
    return target


@pytest.fixture(scope="module")
def bdtopo(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    return load_streets(write_bdtopo(tmp_path_factory.mktemp("bdtopo"), SECTIONS))


def _point(xy: Any) -> tuple[int, int]:
    return round(float(xy[0]) - X0), round(float(xy[1]) - Y0)


def _edges_by_name(graph: nx.MultiDiGraph) -> dict[str, set[tuple[Any, Any, str]]]:
    nodes, xy = node_metric_xy(graph)
    at = {node: _point(point) for node, point in zip(nodes, xy, strict=True)}
    found: dict[str, set[tuple[Any, Any, str]]] = {}
    for u, v, attrs in graph.edges(data=True):
        modes = (WALK if attrs["walk"] else "") + (DRIVE if attrs["drive"] else "")
        found.setdefault(attrs["name"], set()).add((at[u], at[v], modes))
    return found


def test_every_section_gives_the_edges_bd_topo_defines(bdtopo: nx.MultiDiGraph) -> None:
    assert_street_contract(bdtopo)
    assert _edges_by_name(bdtopo) == EXPECTED


def test_the_road_layer_is_read_with_bdtopo_rules_and_joined_at_section_ends(
    bdtopo: nx.MultiDiGraph,
) -> None:
    report = bdtopo.graph["line_file"]
    assert report["layer"] == "troncon_de_route" and report["field_rules"] == "bdtopo"
    assert report["level_info"] is True
    assert report["level_fields"] == ["position_par_rapport_au_sol"]
    assert report["junctions"] == "line ends" and report["crossings_split"] == 0
    assert (report["lines_read"], report["pieces"]) == (len(SECTIONS), len(SECTIONS))
    _, xy = node_metric_xy(bdtopo)
    places = {_point(point) for point in xy}
    assert CROSSING not in places  # the bridge passes over « Rue Double »
    assert places == {A, B, C, D, G, H, N, J, F, K, L, M}


def test_the_walk_view_keeps_the_bridge_apart_from_the_street_below(
    bdtopo: nx.MultiDiGraph,
) -> None:
    walk, report = build_mode_view(bdtopo, "walk")
    assert {attrs["name"] for _, _, attrs in walk.edges(data=True)} == {
        "Rue Double",
        "Rue Directe",
        "Rue Inverse",
        "Rue Piétonne",
        "Sentier du Parc",
        "Voie Privée Ouverte",
        "Desserte Réservée",
        "Escalier",
        "Chemin",
    }
    assert report.components == 2  # the bridge (and its ramps' ends) is a piece of its own


def test_drive_speeds_are_bd_topo_mean_speeds_or_the_class_speed(
    bdtopo: nx.MultiDiGraph,
) -> None:
    driven = bdtopo.copy()
    add_speeds(driven, "drive", has_classes=True)
    speeds = {a["name"]: a["speed_kmh"] for _, _, a in driven.edges(data=True) if a["drive"]}
    assert speeds == DRIVE_SPEEDS_KMH


@pytest.mark.parametrize(
    ("nature", "fields", "walk", "drive"),
    [
        ("Type autoroutier", {}, False, True),
        ("Autoroute", {}, False, True),
        ("Bretelle", {}, False, True),
        ("Route à 2 chaussées", {}, True, True),
        ("Rond-point", {}, True, True),
        ("Route empierrée", {}, True, True),
        ("Chemin", {}, True, False),
        ("Sentier", {}, True, False),
        ("Escalier", {}, True, False),
        ("Piste cyclable", {}, True, False),
        ("Bac ou liaison maritime", {}, False, False),
        ("Route à 1 chaussée", {"car_access": "À péage"}, True, True),
        ("Route à 1 chaussée", {"car_access": "Physiquement impossible"}, True, False),
        ("Route à 1 chaussée", {"car_access": "Restreint aux ayants droit"}, True, False),
        ("Route à 1 chaussée", {"car_access": "Inconnu"}, True, True),
        ("Route à 1 chaussée", {"foot_access": "Restreint aux ayants droit"}, False, True),
        ("Route à 1 chaussée", {"direction": "Sans objet"}, True, False),
        ("Route à 1 chaussée", {"private": "Vrai", "car_access": None}, False, False),
        ("Route à 1 chaussée", {"private": "Vrai", "car_access": "Libre"}, False, True),
        (
            "Route à 1 chaussée",
            {"private": "yes", "car_access": None, "foot_access": "Libre"},
            True,
            False,
        ),
        ("Route à 1 chaussée", {"state": "En projet"}, False, False),
        ("Route à 1 chaussée", {"state": "Non exploité"}, False, False),
    ],
)
def test_walk_and_drive_follow_nature_and_access(
    nature: str, fields: dict[str, str | None], walk: bool, drive: bool
) -> None:
    values: dict[str, str | None] = {
        "direction": "Double sens",
        "car_access": "Libre",
        "state": "En service",
        **fields,
    }
    tags = section_tags(
        nature,
        values["direction"],
        "30",
        values["car_access"],
        values.get("foot_access"),
        values["state"],
        values.get("private"),
        "4",
    )
    assert classify_modes(tags) == (walk, drive)


@pytest.mark.parametrize(
    ("position", "level"), [("0", 0), ("1", 1), ("-2", -2), ("Gué ou radier", 0), (None, 0)]
)
def test_levels_read_from_position_par_rapport_au_sol(position: str | None, level: int) -> None:
    assert section_level(position) == level


def test_the_rules_are_chosen_from_the_columns_long_or_shapefile_short() -> None:
    gpkg = ["cleabs", "nature", "sens_de_circulation", "vitesse_moyenne_vl"]
    shapefile = ["ID", "NATURE", "SENS", "VIT_MOY_VL", "POS_SOL", "ACCES_VL"]
    assert choose_rules(gpkg) is BDTOPO and choose_rules(shapefile) is BDTOPO
    assert choose_rules(["highway", "nature", "oneway"]).name == "osm-style"
    assert choose_rules(["nature", "sens"]).name == "osm-style"  # too little to be BD TOPO


SHAPEFILE_NAMES = {
    "nature": "NATURE",
    "importance": "IMPORTANCE",
    "sens_de_circulation": "SENS",
    "vitesse_moyenne_vl": "VIT_MOY_VL",
    "position_par_rapport_au_sol": "POS_SOL",
    "acces_vehicule_leger": "ACCES_VL",
    "acces_pieton": "ACCES_PED",
    "etat_de_l_objet": "ETAT",
    "prive": "PRIVE",
    "fictif": "FICTIF",
    "nom_collaboratif_gauche": "NOM_COLL_G",
}
"""BD TOPO's Shapefile names: ten characters at most, in capitals."""


def test_the_shapefile_edition_with_its_short_names_gives_the_same_edges(
    tmp_path: Path,
) -> None:
    roads = pyogrio.read_dataframe(write_bdtopo(tmp_path, SECTIONS), layer="troncon_de_route")
    shapefile = tmp_path / "TRONCON_DE_ROUTE.shp"
    pyogrio.write_dataframe(roads.rename(columns=SHAPEFILE_NAMES), shapefile)
    archive = tmp_path / "TRONCON_DE_ROUTE.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("TRONCON_DE_ROUTE.*"):
            if part.suffix != ".zip":
                zipped.write(part, part.name)
    graph = load_streets(archive)
    assert graph.graph["line_file"]["field_rules"] == "bdtopo"
    assert graph.graph["line_file"]["level_fields"] == ["POS_SOL"]
    assert _edges_by_name(graph) == EXPECTED
