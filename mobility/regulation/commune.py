# SPDX-License-Identifier: MIT
"""The regulatory diagnostics of a stored commune: read its points, zones and inputs, then compute.

These adapters read the store (charging points with or without a scenario, the IRIS zones of the
population file, the inputs the commune supplied) and call the pure functions
``sdirve_indicators`` and ``afir_check``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import geopandas as gpd

from mobility.assets import Layer
from mobility.coverage.zones import commune_zones
from mobility.errors import FieldProblem, InvalidInputError
from mobility.regulation.afir import AfirCheck, FleetFigures, afir_check
from mobility.regulation.inputs import Fleet, SdirveInputs, check_iris_codes, parse_inputs
from mobility.regulation.iris import iris_of
from mobility.regulation.sdirve import sdirve_indicators
from mobility.regulation.sdirve_result import SdirveIndicators
from mobility.scenarios import commune_assets

if TYPE_CHECKING:
    from mobility.store.base import CommuneInput, CommuneRecord
    from mobility.store.sql import SqlStore

SDIRVE_KEY = "sdirve"
FLEET_KEY = "fleet"


def read_zones(store: SqlStore, record: CommuneRecord) -> gpd.GeoDataFrame | None:
    """Return the commune's population zones (``zone``, ``name``, ``geometry``), if it has any."""
    population = store.get_commune_file(record.code, "population")
    if population is None:
        return None
    return commune_zones(population, record.boundary)


def iris_codes(store: SqlStore, code: str) -> set[str]:
    """Return the IRIS codes of the commune (empty when its zones carry no IRIS codes)."""
    iris = iris_of(read_zones(store, store.get_commune(code)))
    return set() if iris is None else {str(zone) for zone in iris["zone"]}


def store_sdirve_inputs(store: SqlStore, code: str, inputs: SdirveInputs) -> CommuneInput:
    """Check the per-IRIS codes against the commune's IRIS and store the SDIRVE inputs."""
    if inputs.iris:
        check_iris_codes(inputs, iris_codes(store, code), commune=code)
    else:
        store.get_commune(code)
    return store.put_commune_input(
        code, SDIRVE_KEY, inputs.model_dump(mode="json", exclude_none=True)
    )


def store_fleet(store: SqlStore, code: str, fleet: Fleet) -> CommuneInput:
    """Store the commune's registered fleet."""
    return store.put_commune_input(code, FLEET_KEY, fleet.model_dump(mode="json"))


def commune_sdirve(
    store: SqlStore, code: str, *, today: date, scenario_id: str | None = None
) -> SdirveIndicators:
    """Return the SDIRVE diagnostic of a stored commune, on its base data or a scenario.

    Raises NotFoundError for an unknown commune or scenario, InvalidInputError for a scenario of
    another commune.
    """
    record = store.get_commune(code)
    base = commune_assets(store, code, Layer.CHARGING_POINTS)
    scenario = (
        commune_assets(store, code, Layer.CHARGING_POINTS, scenario_id)
        if scenario_id is not None
        else None
    )
    stored = store.get_commune_input(code, SDIRVE_KEY)
    inputs = None
    if stored is not None:
        inputs = parse_inputs(SdirveInputs, stored.value, stored=True)
    return sdirve_indicators(
        commune=code,
        commune_name=record.name,
        base_assets=base,
        scenario_assets=scenario,
        scenario_id=scenario_id,
        zones=read_zones(store, record),
        inputs=inputs,
        inputs_stored_at=stored.updated_at if stored else None,
        today=today,
    )


def commune_afir(
    store: SqlStore,
    code: str,
    *,
    bev: int | None = None,
    phev: int | None = None,
    scenario_id: str | None = None,
) -> AfirCheck:
    """Return the AFIR check of a stored commune.

    The fleet is ``bev`` and ``phev`` when both are given, else the commune's stored fleet
    input, else unknown (the answer then has no target). One count without the other is refused.
    """
    store.get_commune(code)
    if (bev is None) != (phev is None):
        given, other = ("bev", "phev") if phev is None else ("phev", "bev")
        raise InvalidInputError(
            f"{other} is needed with {given}",
            problems=[
                FieldProblem(
                    other, f"give {other} with {given}, or neither to use the stored fleet"
                )
            ],
        )
    fleet: FleetFigures | None = None
    if bev is not None and phev is not None:
        fleet = FleetFigures(bev, phev, "query parameters bev and phev", None, "request")
    else:
        stored = store.get_commune_input(code, FLEET_KEY)
        if stored is not None:
            parsed = parse_inputs(Fleet, stored.value, stored=True)
            fleet = FleetFigures(
                parsed.bev, parsed.phev, parsed.source, parsed.as_of, "stored", stored.updated_at
            )
    assets = commune_assets(store, code, Layer.CHARGING_POINTS, scenario_id)
    return afir_check(commune=code, assets=assets, fleet=fleet, scenario_id=scenario_id)
