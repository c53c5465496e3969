# SPDX-License-Identifier: MIT
"""Which of the assets an import writes are already stored, and which of those it would change.

Neighbouring communes share the assets of their surroundings: importing the 9e writes again the
10e's charging points near their common boundary. A planner must see when that rewrite changes
a stored asset (another attribute, another position, another own commune code), so the report
lists them; re-importing the same files changes none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from mobility.assets import Asset, Layer
from mobility.importing.report import ExistingChanges
from mobility.store.base import Store

IDS_PER_READ = 500
"""Ids asked of the store per round trip."""


def compare_existing(store: Store, assets: Sequence[Asset]) -> ExistingChanges:
    """Count the assets that are new, stored unchanged, or stored and changed by the import."""
    by_layer: dict[Layer, list[Asset]] = defaultdict(list)
    for asset in assets:
        by_layer[asset.layer].append(asset)
    changes = ExistingChanges()
    for layer, wanted in by_layer.items():
        stored: dict[str, Asset] = {}
        for start in range(0, len(wanted), IDS_PER_READ):
            batch = [asset.id for asset in wanted[start : start + IDS_PER_READ]]
            stored.update(store.existing_assets(layer, batch))
        for asset in wanted:
            before = stored.get(asset.id)
            if before is None:
                changes.new += 1
            elif before.same_content(asset):
                changes.unchanged += 1
            else:
                changes.add_changed(f"{layer.value}/{asset.id}")
    return changes
