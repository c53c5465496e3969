# SPDX-License-Identifier: MIT
"""A write that changes a commune's sources: the shipped 10e saved again, its population scaled."""

from __future__ import annotations

import json
from pathlib import Path

from mobility.manifest import load_manifest
from mobility.store import SqlStore
from tests.support.paths import SAMPLE_MANIFEST


def replace_population(store: SqlStore, code: str, *, factor: float, work: Path) -> None:
    """Save the shipped commune again with every zone's population times ``factor``.

    The same streets and boundary, a population file of other bytes: the commune's sources
    change (and its revision moves), its assets stay as they are.
    """
    manifest = json.loads(SAMPLE_MANIFEST.read_text(encoding="utf-8"))
    assert manifest["code"] == code
    base = SAMPLE_MANIFEST.parent
    population = json.loads((base / manifest["population"]["file"]).read_text(encoding="utf-8"))
    field = manifest["population"]["field"]
    for feature in population["features"]:
        feature["properties"][field] = float(feature["properties"][field]) * factor
    scaled = work / "population_scaled.geojson"
    scaled.write_text(json.dumps(population), encoding="utf-8")
    for role in ("boundary", "streets"):
        manifest[role]["file"] = str(base / manifest[role]["file"])
    manifest["population"]["file"] = str(scaled)
    manifest["assets"] = []
    path = work / "commune_scaled.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    load_manifest(store, path, replace=True)
