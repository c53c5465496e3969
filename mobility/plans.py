# SPDX-License-Identifier: MIT
"""A scenario: a named set of changes to a commune's assets, kept apart from the base data.

Planners compare plans before they spend money. A scenario adds assets (for instance the sites a
siting answer suggested), changes some and removes others, without touching what is stored; every
analysis can then be run on the base or on the scenario, and the two compared. Only promotion writes
the changes into the base data.

These records sit below the store, which reads and writes them, and below ``mobility.scenarios``,
which builds, views and compares them (and re-exports them for its callers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from mobility.assets import Asset, Layer, PlannedChargingPoint

ChangeAction = Literal["add", "change", "remove"]
CHANGE_ACTIONS: tuple[ChangeAction, ...] = ("add", "change", "remove")


@dataclass(frozen=True)
class AssetChange:
    """One change: an asset added, an existing one replaced, or an existing one removed."""

    action: ChangeAction
    layer: Layer
    asset_id: str
    asset: Asset | None = None
    """The asset as the scenario has it; ``None`` for a removal."""

    @property
    def planned(self) -> bool:
        """Tell whether the asset is an incomplete planned record (a charging point to build)."""
        return self.asset is not None and isinstance(self.asset.attributes, PlannedChargingPoint)

    def to_record(self) -> dict[str, Any]:
        """Return the change as the JSON object the store keeps."""
        record: dict[str, Any] = {
            "action": self.action,
            "layer": self.layer.value,
            "id": self.asset_id,
        }
        if self.asset is not None:
            record.update(
                lon=self.asset.lon,
                lat=self.asset.lat,
                properties=self.asset.properties(),
                footprint=self.asset.footprint,
            )
        return record


@dataclass(frozen=True)
class Scenario:
    """A stored scenario over one commune."""

    id: str
    commune: str
    name: str
    changes: tuple[AssetChange, ...]
    description: str | None = None
    base_revision: int = 0
    revision: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    promoted_at: datetime | None = None

    def apply(self, layer: Layer, base: Iterable[Asset]) -> list[Asset]:
        """Return the layer's assets as the scenario has them, in the base's order then added."""
        mine = [c for c in self.changes if c.layer is layer]
        replaced = {c.asset_id: c.asset for c in mine if c.action == "change" and c.asset}
        removed = {c.asset_id for c in mine if c.action == "remove"}
        result: list[Asset] = []
        seen: set[str] = set()
        for asset in base:
            seen.add(asset.id)
            if asset.id not in removed:
                result.append(replaced.get(asset.id, asset))
        added = [c.asset for c in mine if c.action == "add" and c.asset_id not in seen]
        result += [asset for asset in added if asset is not None]
        return result

    def describe(self) -> dict[str, Any]:
        """Return the short statement an analysis run on the scenario carries in its method."""
        return {
            "id": self.id,
            "name": self.name,
            "changes": self.counts(),
            "base_revision": self.base_revision,
            "rule": "the commune's stored assets with the scenario's additions, changes and "
            "removals applied; the stored data is not modified",
        }

    def counts(self) -> dict[str, dict[str, int]]:
        """Return how many assets the scenario adds, changes and removes, per layer."""
        table: dict[str, dict[str, int]] = {}
        for change in self.changes:
            row = table.setdefault(change.layer.value, dict.fromkeys(CHANGE_ACTIONS, 0))
            row[change.action] += 1
        return table
