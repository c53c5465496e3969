# SPDX-License-Identifier: MIT
"""A commune's streets as a light GeoJSON FeatureCollection, for drawing them as a basemap.

One feature per street segment (a two-way street is drawn once), coordinates rounded to 6
decimals (about 0.1 m), with the properties a map needs: the street's name, its length and which
modes may use it. The collection is built once per street graph and kept while the graph lives.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import networkx as nx
import shapely

from mobility.coverage.context import CommuneContext
from mobility.geojson import feature_collection
from mobility.network import undirected_edges_frame

COORDINATE_DECIMALS = 6

_cache: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[str, Any]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def streets_feature_collection(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Return the graph's street segments as a GeoJSON FeatureCollection (cached per graph).

    Parameters
    ----------
    graph
        A normalized street graph (the commune's whole graph, both modes).

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...]}``; each feature is a LineString with
        ``name`` (or null), ``length_m``, ``walk``, ``drive`` and ``oneway``.
    """
    with _lock:
        cached = _cache.get(graph)
    if cached is not None:
        return cached
    frame = undirected_edges_frame(graph)
    features = []
    for index, row in enumerate(frame.itertuples(index=False)):
        coordinates = [
            [round(x, COORDINATE_DECIMALS), round(y, COORDINATE_DECIMALS)]
            for x, y in shapely.get_coordinates(row.geometry).tolist()
        ]
        features.append(
            {
                "type": "Feature",
                "id": index,
                "geometry": {"type": "LineString", "coordinates": coordinates},
                "properties": {
                    "name": row.name if isinstance(row.name, str) and row.name else None,
                    "length_m": round(float(row.length), 1),
                    "walk": bool(row.walk),
                    "drive": bool(row.drive),
                    "oneway": bool(row.oneway),
                },
            }
        )
    collection = feature_collection(features)
    with _lock:
        _cache[graph] = collection
    return collection


def commune_streets(context: CommuneContext) -> dict[str, Any]:
    """Return the commune's streets for drawing, with the street file's source (or null).

    The source (filename, attribution, licence, SHA-256) travels with the drawing so a map
    can credit it.
    """
    sources = context.record.info.get("sources", [])
    source = next((s for s in sources if isinstance(s, dict) and s.get("role") == "streets"), None)
    return {**streets_feature_collection(context.model.graph), "source": source}
