# SPDX-License-Identifier: MIT
"""The loaded communes as a collection serves them: chosen by box and code, each as a Feature.

A commune's feature carries what a planner checks first: how many assets each layer holds, and
a note for every empty layer, so an analysis that finds nothing is not mistaken for good news.
"""

from __future__ import annotations

from typing import Any

from mobility.assets import Layer
from mobility.store.base import BBox, CommuneRecord, Store


def boxes_intersect(first: BBox, second: BBox) -> bool:
    """Tell whether two west, south, east, north boxes share at least a point."""
    west, south, east, north = first
    return not (west > second[2] or east < second[0] or south > second[3] or north < second[1])


def select_communes(
    store: Store, *, bbox: BBox | None = None, code: str | None = None
) -> list[CommuneRecord]:
    """Return the loaded communes whose box meets ``bbox`` and whose code is ``code`` (if given)."""
    return [
        record
        for record in store.list_communes()
        if (bbox is None or boxes_intersect(record.bbox, bbox)) and code in (None, record.code)
    ]


def commune_feature(store: Store, record: CommuneRecord) -> dict[str, Any]:
    """Return a commune as a GeoJSON Feature with its layer counts and notes."""
    counts = {layer.value: store.count_assets(layer, record.code) for layer in Layer}
    notes = [
        f"no {layer.replace('-', ' ')} loaded for this commune: the layer is empty"
        for layer, count in counts.items()
        if count == 0
    ]
    notes.extend(str(note) for note in record.info.get("notes", []))
    return {
        "type": "Feature",
        "id": record.code,
        "geometry": record.boundary,
        "properties": {
            "code": record.code,
            "name": record.name,
            "revision": record.revision,
            "layers": counts,
            "notes": notes,
            "info": record.info,
            "updated_at": record.updated_at.isoformat() if record.updated_at else None,
        },
    }
