# SPDX-License-Identifier: MIT
"""A store seen through a key bound to communes: reads pass, writes elsewhere are refused.

Every write of the store interface names, or leads to, the communes it changes: the commune an
asset stands in (before and after a replacement), the commune of an input, of a scenario. The
check is here, under every write route and import, rather than in each route, so that a new
route cannot forget it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mobility.assets import Asset, Layer
from mobility.errors import ForbiddenError
from mobility.keys import Principal
from mobility.plans import AssetChange, Scenario
from mobility.store.base import CommuneInput, Store


class CommuneBoundStore:
    """Delegate to ``inner``; refuse (ForbiddenError, nothing written) writes elsewhere."""

    def __init__(self, inner: Store, principal: Principal) -> None:
        self._inner = inner
        self._principal = principal

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def _check(self, *communes: str) -> None:
        outside = sorted({code for code in communes if not self._principal.may_write_in(code)})
        if outside:
            allowed = ", ".join(sorted(self._principal.communes))
            raise ForbiddenError(
                f"the key {self._principal.key_id} writes only in {allowed}, "
                f"not in {', '.join(outside)}"
            )

    def add_assets(self, assets: Sequence[Asset], *, upsert: bool = False) -> int:
        """Add assets, all of them in the key's communes (and, on upsert, the ones replaced)."""
        self._check(*(asset.commune for asset in assets))
        if upsert:
            for layer in {asset.layer for asset in assets}:
                ids = [asset.id for asset in assets if asset.layer == layer]
                self._check(*(a.commune for a in self._inner.existing_assets(layer, ids).values()))
        return self._inner.add_assets(assets, upsert=upsert)

    def replace_asset(self, asset: Asset, **options: Any) -> Asset:
        """Replace an asset standing in the key's communes, by one standing there too."""
        self._check(asset.commune, self._inner.get_asset(asset.layer, asset.id).commune)
        return self._inner.replace_asset(asset, **options)

    def delete_asset(self, layer: Layer, asset_id: str, **options: Any) -> None:
        """Delete an asset standing in the key's communes."""
        self._check(self._inner.get_asset(layer, asset_id).commune)
        self._inner.delete_asset(layer, asset_id, **options)

    def put_commune_input(
        self, code: str, key: str, value: dict[str, Any], **options: Any
    ) -> CommuneInput:
        """Replace an input of one of the key's communes."""
        self._check(code)
        return self._inner.put_commune_input(code, key, value, **options)

    def delete_commune_input(self, code: str, key: str, **options: Any) -> None:
        """Delete an input of one of the key's communes."""
        self._check(code)
        self._inner.delete_commune_input(code, key, **options)

    def create_scenario(
        self,
        commune: str,
        name: str,
        changes: Sequence[AssetChange],
        *,
        description: str | None = None,
    ) -> Scenario:
        """Create a scenario of one of the key's communes."""
        self._check(commune)
        return self._inner.create_scenario(commune, name, changes, description=description)

    def update_scenario(self, scenario_id: str, **fields: Any) -> Scenario:
        """Change a scenario of one of the key's communes."""
        self._check(self._inner.get_scenario(scenario_id).commune)
        return self._inner.update_scenario(scenario_id, **fields)

    def delete_scenario(self, scenario_id: str, **options: Any) -> None:
        """Delete a scenario of one of the key's communes."""
        self._check(self._inner.get_scenario(scenario_id).commune)
        self._inner.delete_scenario(scenario_id, **options)

    def promote_scenario(self, scenario_id: str) -> Scenario:
        """Promote a scenario of one of the key's communes."""
        self._check(self._inner.get_scenario(scenario_id).commune)
        return self._inner.promote_scenario(scenario_id)

    def save_commune(self, *args: Any, **kwargs: Any) -> Any:
        """Refused: loading or replacing a commune is for unbound keys (or the CLI)."""
        raise ForbiddenError(f"the key {self._principal.key_id} is bound: it loads no commune")

    def delete_commune(self, code: str) -> None:
        """Refused: removing a commune is for unbound keys (or the CLI)."""
        raise ForbiddenError(f"the key {self._principal.key_id} is bound: it removes no commune")


def store_for(store: Store, principal: Principal) -> Store:
    """Return the store as the key may use it: itself, or bound to the key's communes."""
    if not principal.communes:
        return store
    return CommuneBoundStore(store, principal)
