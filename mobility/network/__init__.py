# SPDX-License-Identifier: MIT
"""The street network: load street files into one normalized graph and derive mode views.

See :mod:`mobility.network.model` for the graph contract the rest of the domain relies on.
"""

from mobility.network.classes import is_drivable, is_walkable, parse_oneway
from mobility.network.frames import edges_to_frame, undirected_edges_frame
from mobility.network.graphml import read_graphml
from mobility.network.line_file import read_line_file
from mobility.network.line_kept import ClippedLineFile, clip_line_file
from mobility.network.loading import load_streets
from mobility.network.osm_xml import read_osm_xml
from mobility.network.speeds import (
    CLASSLESS_SPEED_KMH,
    DEFAULT_SPEED_KMH,
    WALK_SPEED_KMH,
    default_speed_kmh,
    parse_maxspeed,
)
from mobility.network.views import ComponentReport, Mode, build_mode_view

__all__ = [
    "CLASSLESS_SPEED_KMH",
    "DEFAULT_SPEED_KMH",
    "WALK_SPEED_KMH",
    "ClippedLineFile",
    "ComponentReport",
    "Mode",
    "build_mode_view",
    "clip_line_file",
    "default_speed_kmh",
    "edges_to_frame",
    "is_drivable",
    "is_walkable",
    "load_streets",
    "parse_maxspeed",
    "parse_oneway",
    "read_graphml",
    "read_line_file",
    "read_osm_xml",
    "undirected_edges_frame",
]
