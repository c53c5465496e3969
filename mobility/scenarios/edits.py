# SPDX-License-Identifier: MIT
"""Scenario writes as a request makes them: the changes checked against the base, then stored.

The changes a client asks for are checked against the commune's stored assets (ids that exist,
places inside the commune) before anything is written; a replacement keeps the scenario over its
commune.
"""

from __future__ import annotations

from mobility.errors import FieldProblem, InvalidInputError
from mobility.plans import AssetChange, Scenario
from mobility.scenarios.build import ChangeRequest, build_changes
from mobility.scenarios.view import base_assets
from mobility.store.base import Precondition, Store


def check_changes(store: Store, code: str, request: ChangeRequest) -> list[AssetChange]:
    """Return the requested changes checked against the commune's base assets."""
    record = store.get_commune(code)
    layers = {g.layer for g in request.add} | {g.layer for g in request.change}
    layers |= {g.layer for g in request.remove}
    base_ids = {layer: {asset.id for asset in base_assets(store, code, layer)} for layer in layers}
    return build_changes(record, base_ids, request)


def create_scenario(
    store: Store, code: str, name: str, request: ChangeRequest, *, description: str | None
) -> Scenario:
    """Check the changes and store a new scenario of the commune."""
    changes = check_changes(store, code, request)
    return store.create_scenario(code, name, changes, description=description)


def replace_scenario(
    store: Store,
    scenario_id: str,
    code: str,
    name: str,
    request: ChangeRequest,
    *,
    description: str | None,
    if_match: Precondition | None = None,
) -> Scenario:
    """Replace a scenario's name, description and changes; its commune cannot change."""
    current = store.get_scenario(scenario_id)
    if code != current.commune:
        raise InvalidInputError(
            "a scenario stays over its commune",
            problems=[FieldProblem("commune", f"must be {current.commune}")],
        )
    return store.update_scenario(
        scenario_id,
        name=name,
        description=description,
        clear_description=description is None,
        changes=check_changes(store, code, request),
        if_match=if_match,
    )
