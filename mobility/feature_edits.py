# SPDX-License-Identifier: MIT
"""One feature written as a client asks: added, replaced or merge-patched, no change ever lost.

A merge patch is a read, a merge and a write. Two clients patching one feature at once both read
the same version; written plainly, the second write would silently drop the first one's change.
Here the write is conditioned on the revision read (the store checks it in the ``UPDATE``'s own
``WHERE``, a compare-and-swap): when another write landed in between, the patch is merged again
into the new version, so both changes are kept. A client that sent ``If-Match`` asked for its own
check instead, and a lost race is then its PreconditionFailedError, not a retry.
"""

from __future__ import annotations

from typing import Any

from mobility.assets import Asset, Layer
from mobility.errors import ConflictError, PreconditionFailedError
from mobility.features import CommuneLocator, asset_from_feature, feature_from_asset, merge_patch
from mobility.store import Precondition, Store, check_precondition

MAX_PATCH_ATTEMPTS = 50
"""Merges tried before a patch gives up on a feature that others keep writing (409)."""


def create_feature(store: Store, layer: Layer, feature: Any) -> Asset:
    """Check a GeoJSON Feature, place it in its commune, store it; return it as stored."""
    asset = asset_from_feature(layer, feature, locator=_locator(store))
    store.add_assets([asset])
    return store.get_asset(layer, asset.id)


def replace_feature(
    store: Store,
    layer: Layer,
    feature_id: str,
    feature: Any,
    *,
    if_match: Precondition | None = None,
) -> Asset:
    """Replace a stored feature whole (404 first when it is absent); return it as stored."""
    store.get_asset(layer, feature_id)
    asset = asset_from_feature(layer, feature, locator=_locator(store), feature_id=feature_id)
    return store.replace_asset(asset, if_match=if_match)


def patch_feature(
    store: Store,
    layer: Layer,
    feature_id: str,
    patch: Any,
    *,
    if_match: Precondition | None = None,
) -> Asset:
    """Apply an RFC 7396 merge patch to a stored feature; return it as stored.

    The patch is merged into the feature as served and the result checked as a whole, as a
    replacement would be. A patch that moves the point leaves the served ``commune`` out, so the
    new place decides it again; one that does not keeps it, even when it names a commune that is
    not loaded (an asset in a margin keeps the code it stands in).
    """
    locator = _locator(store)
    what = f"feature {feature_id!r} of {layer.value}"
    for _ in range(MAX_PATCH_ATTEMPTS):
        current = store.get_asset(layer, feature_id)
        check_precondition(if_match, current.revision, what)
        served = feature_from_asset(current)
        if _moves(patch):
            served["properties"].pop("commune", None)
        merged = merge_patch(served, patch)
        asset = asset_from_feature(layer, merged, locator=locator, feature_id=feature_id)
        read = Precondition(frozenset({current.revision}))
        try:
            return store.replace_asset(asset, if_match=read)
        except PreconditionFailedError:
            if if_match is not None and if_match.revisions is not None:
                raise
    raise ConflictError(
        f"{what} changed {MAX_PATCH_ATTEMPTS} times while this patch was merged into it: "
        "send it again"
    )


def _moves(patch: Any) -> bool:
    """Tell whether a merge patch gives the feature a new geometry."""
    return isinstance(patch, dict) and "geometry" in patch


def _locator(store: Store) -> CommuneLocator:
    return CommuneLocator(store.list_communes())
