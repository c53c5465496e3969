# SPDX-License-Identifier: MIT
"""The analysis questions read from a request's query, validated into the domain's terms.

Shared by the routers that ask the same question (coverage, gaps and areas; the map's zones),
so none imports another.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from api.params import (
    HubModeQuery,
    HubWithinM,
    MinPowerKw,
    ParkingKindQuery,
    TravelMode,
    WithinM,
    WithinMin,
    hub_reach_override,
)
from mobility.assets import HubMode, Layer
from mobility.coverage.filters import AssetFilter
from mobility.coverage.run import CoverageQuestion
from mobility.coverage.threshold import make_threshold
from mobility.intermodality import Reach
from mobility.intermodality.modes import DEFAULT_WITHIN_M as DEFAULT_HUB_WITHIN_M
from mobility.intermodality.run import HubsQuestion


def read_coverage_question(
    layer: Annotated[Layer, Query(description="Which assets serve the population.")],
    mode: TravelMode = "walk",
    within_m: WithinM = None,
    within_min: WithinMin = None,
    min_power_kw: MinPowerKw = None,
    free: Annotated[
        bool, Query(description="Only free-of-charge charging points (layer charging-points).")
    ] = False,
    pmr: Annotated[
        bool, Query(description="Only charging points accessible to PMR (layer charging-points).")
    ] = False,
    kind: ParkingKindQuery = None,
    hub_mode: HubModeQuery = None,
) -> CoverageQuestion:
    """Read and validate the parameters shared by every coverage route."""
    return CoverageQuestion(
        threshold=make_threshold(mode, within_m=within_m, within_min=within_min),
        asset_filter=AssetFilter(
            layer=layer,
            min_power_kw=min_power_kw,
            free_only=free,
            pmr_only=pmr,
            kind=kind,
            mode=hub_mode,
        ),
    )


CoverageQuestionDep = Annotated[CoverageQuestion, Depends(read_coverage_question)]


def read_hubs_question(
    within_m: HubWithinM = DEFAULT_HUB_WITHIN_M,
    public_transport_within_m: Annotated[
        float | None, hub_reach_override("public transport (rail, RER, metro, tram, bus)")
    ] = None,
    bike_share_within_m: Annotated[float | None, hub_reach_override("bike share")] = None,
    bike_parking_within_m: Annotated[
        float | None, hub_reach_override("bike parking (secure or not)")
    ] = None,
    charging_within_m: Annotated[float | None, hub_reach_override("charging points")] = None,
    car_share_within_m: Annotated[float | None, hub_reach_override("car share")] = None,
    car_parking_within_m: Annotated[float | None, hub_reach_override("car parking")] = None,
    hub_mode: Annotated[
        HubMode | None,
        Query(
            description="Assess only the hubs served by this mode (e.g. rer); every hub still "
            "brings its modes to the others."
        ),
    ] = None,
) -> HubsQuestion:
    """Read the reach (one for all modes, overridable per mode) and the hubs to assess."""
    reach = Reach.build(
        within_m,
        {
            "public_transport": public_transport_within_m,
            "bike_share": bike_share_within_m,
            "bike_parking": bike_parking_within_m,
            "charging": charging_within_m,
            "car_share": car_share_within_m,
            "car_parking": car_parking_within_m,
        },
    )
    return HubsQuestion(reach=reach, hub_mode=hub_mode)


HubsQuestionDep = Annotated[HubsQuestion, Depends(read_hubs_question)]
