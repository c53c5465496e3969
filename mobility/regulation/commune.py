# SPDX-License-Identifier: MIT
"""The regulatory diagnostics of a stored commune: read its points, zones and inputs, then compute.

These adapters read the store (charging points with or without a scenario, the IRIS zones of the
population file, the inputs the commune supplied) and call the pure functions
``sdirve_indicators`` and ``afir_check``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import geopandas as gpd

from mobility.assets import Asset, Layer
from mobility.coverage.zones import commune_zones
from mobility.errors import FieldProblem, InvalidInputError
from mobility.regulation.afir import AfirCheck, FleetFigures, afir_check
from mobility.regulation.compare import compare_afir, compare_sdirve
from mobility.regulation.inputs import Fleet, SdirveInputs, check_iris_codes, parse_inputs
from mobility.regulation.iris import iris_of
from mobility.regulation.points import distinct_points
from mobility.regulation.sdirve import sdirve_indicators
from mobility.regulation.sdirve_result import SdirveIndicators
from mobility.scenarios import Scenario, base_assets, commune_assets, read_scenario

if TYPE_CHECKING:
    from mobility.store.base import CommuneInput, CommuneRecord, Precondition, Store

SDIRVE_KEY = "sdirve"
FLEET_KEY = "fleet"


def read_zones(store: Store, record: CommuneRecord) -> gpd.GeoDataFrame | None:
    """Return the commune's population zones (``zone``, ``name``, ``geometry``), if it has any."""
    population = store.get_commune_file(record.code, "population")
    if population is None:
        return None
    return commune_zones(population, record.boundary)


def iris_codes(store: Store, code: str) -> set[str]:
    """Return the IRIS codes of the commune (empty when its zones carry no IRIS codes)."""
    iris = iris_of(read_zones(store, store.get_commune(code)))
    return set() if iris is None else {str(zone) for zone in iris["zone"]}


def store_sdirve_inputs(
    store: Store, code: str, inputs: SdirveInputs, *, if_match: Precondition | None
) -> CommuneInput:
    """Check the per-IRIS codes against the commune's IRIS and store the SDIRVE inputs.

    Without ``if_match`` the inputs are only created: stored inputs are replaced only by a
    write naming the revision it replaces (a commune's figures are work one must not lose).
    """
    if inputs.iris:
        check_iris_codes(inputs, iris_codes(store, code), commune=code)
    else:
        store.get_commune(code)
    value = inputs.model_dump(mode="json", exclude_none=True)
    return store.put_commune_input(
        code, SDIRVE_KEY, value, if_match=if_match, create_only=if_match is None
    )


def store_fleet(
    store: Store, code: str, fleet: Fleet, *, if_match: Precondition | None
) -> CommuneInput:
    """Store the commune's registered fleet (created, or replaced under ``if_match`` only)."""
    value = fleet.model_dump(mode="json")
    return store.put_commune_input(
        code, FLEET_KEY, value, if_match=if_match, create_only=if_match is None
    )


@dataclass(frozen=True)
class SdirveSources:
    """What the SDIRVE diagnostic reads from the store besides the charging points."""

    record: CommuneRecord
    zones: gpd.GeoDataFrame | None
    inputs: SdirveInputs | None
    inputs_stored_at: datetime | None


def read_sdirve_sources(store: Store, code: str) -> SdirveSources:
    """Read the commune, its IRIS zones and the SDIRVE figures it supplied, once."""
    record = store.get_commune(code)
    stored = store.get_commune_input(code, SDIRVE_KEY)
    return SdirveSources(
        record=record,
        zones=read_zones(store, record),
        inputs=parse_inputs(SdirveInputs, stored.value, stored=True) if stored else None,
        inputs_stored_at=stored.updated_at if stored else None,
    )


def _sdirve(
    sources: SdirveSources,
    base: list[Asset],
    scenario: list[Asset] | None,
    scenario_id: str | None,
    today: date,
) -> SdirveIndicators:
    return sdirve_indicators(
        commune=sources.record.code,
        commune_name=sources.record.name,
        base_assets=base,
        scenario_assets=scenario,
        scenario_id=scenario_id,
        zones=sources.zones,
        inputs=sources.inputs,
        inputs_stored_at=sources.inputs_stored_at,
        today=today,
    )


def commune_sdirve(
    store: Store, code: str, *, today: date, scenario_id: str | None = None
) -> SdirveIndicators:
    """Return the SDIRVE diagnostic of a stored commune, on its base data or a scenario.

    Raises NotFoundError for an unknown commune or scenario, InvalidInputError for a scenario of
    another commune.
    """
    sources = read_sdirve_sources(store, code)
    base = base_assets(store, code, Layer.CHARGING_POINTS)
    scenario = None
    if scenario_id is not None:
        scenario = read_scenario(store, code, scenario_id).apply(Layer.CHARGING_POINTS, base)
    return _sdirve(sources, base, scenario, scenario_id, today)


def resolve_fleet(
    store: Store, code: str, *, bev: int | None = None, phev: int | None = None
) -> FleetFigures | None:
    """Return the fleet: ``bev`` and ``phev`` when both are given, else the stored fleet input.

    None when neither is known; one count without the other is refused.
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
    if bev is not None and phev is not None:
        return FleetFigures(bev, phev, "query parameters bev and phev", None, "request")
    stored = store.get_commune_input(code, FLEET_KEY)
    if stored is None:
        return None
    parsed = parse_inputs(Fleet, stored.value, stored=True)
    return FleetFigures(
        parsed.bev, parsed.phev, parsed.source, parsed.as_of, "stored", stored.updated_at
    )


def commune_afir(
    store: Store,
    code: str,
    *,
    bev: int | None = None,
    phev: int | None = None,
    scenario_id: str | None = None,
    include_reserved: bool = False,
) -> AfirCheck:
    """Return the AFIR check of a stored commune (the fleet as :func:`resolve_fleet` finds it).

    Reserved-access points count only with ``include_reserved`` (see :func:`afir_check`).
    """
    fleet = resolve_fleet(store, code, bev=bev, phev=phev)
    assets = commune_assets(store, code, Layer.CHARGING_POINTS, scenario_id)
    return afir_check(
        commune=code,
        assets=assets,
        fleet=fleet,
        scenario_id=scenario_id,
        include_reserved=include_reserved,
    )


def compare_regulation(
    store: Store,
    scenario: Scenario,
    *,
    today: date,
    bev: int | None = None,
    phev: int | None = None,
    include_reserved: bool = False,
) -> dict[str, Any]:
    """Return the SDIRVE objectives and the AFIR gap on the base and on the scenario.

    The commune's points, zones, inputs and fleet are read once and both sides computed on them;
    the AFIR sides count the same points as ``/afir`` does (public only unless
    ``include_reserved``).
    """
    code = scenario.commune
    sources = read_sdirve_sources(store, code)
    fleet = resolve_fleet(store, code, bev=bev, phev=phev)
    base = base_assets(store, code, Layer.CHARGING_POINTS)
    planned = scenario.apply(Layer.CHARGING_POINTS, base)
    return {
        "sdirve": compare_sdirve(
            _sdirve(sources, base, None, None, today),
            _sdirve(sources, base, planned, scenario.id, today),
            distinct_points(planned),
        ),
        "afir": compare_afir(
            afir_check(
                commune=code,
                assets=base,
                fleet=fleet,
                scenario_id=None,
                include_reserved=include_reserved,
            ),
            afir_check(
                commune=code,
                assets=planned,
                fleet=fleet,
                scenario_id=scenario.id,
                include_reserved=include_reserved,
            ),
        ),
    }
