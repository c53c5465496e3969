# SPDX-License-Identifier: MIT
"""Small builders for the regulation tests: charging-point assets and square IRIS zones."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
from shapely.geometry import box

from mobility.assets import Asset, ChargingPoint, Layer, PlannedChargingPoint
from tests.support.builders import charging_point_properties

# Two IRIS side by side in the 10e (lon/lat), split at lon 2.355.
WEST_IRIS = ("751100001", (2.345, 48.870, 2.355, 48.880))
EAST_IRIS = ("751100002", (2.355, 48.870, 2.365, 48.880))
IN_WEST = (2.350, 48.875)
IN_EAST = (2.360, 48.875)


def point(
    asset_id: str,
    power_kw: float,
    *,
    at: tuple[float, float] = IN_WEST,
    station: str = "FRV75PTEST01",
    **overrides: Any,
) -> Asset:
    """A complete IRVE charging point; its roaming id comes from the asset id unless given."""
    properties = charging_point_properties(
        id_pdc_itinerance=overrides.pop("id_pdc_itinerance", roaming_id(asset_id)),
        id_station_itinerance=station,
        puissance_nominale=power_kw,
        **overrides,
    )
    return Asset(
        Layer.CHARGING_POINTS, asset_id, "75110", at[0], at[1], ChargingPoint(**properties)
    )


def roaming_id(asset_id: str) -> str:
    """A valid roaming id made from an asset id (``a-1`` gives ``FRV75EA1``)."""
    return "FRV75E" + "".join(ch for ch in asset_id.upper() if ch.isalnum())


def planned(asset_id: str, power_kw: float, *, at: tuple[float, float] = IN_EAST) -> Asset:
    """A point a scenario adds: only its power is known."""
    attributes = PlannedChargingPoint(puissance_nominale=power_kw)
    return Asset(Layer.CHARGING_POINTS, asset_id, "75110", at[0], at[1], attributes)


def zones() -> gpd.GeoDataFrame:
    """Two IRIS zones as ``commune_zones`` returns them (EPSG:4326)."""
    rows = [WEST_IRIS, EAST_IRIS]
    return gpd.GeoDataFrame(
        {"zone": [code for code, _ in rows], "name": ["West", "East"], "population": [1.0, 1.0]},
        geometry=[box(*bounds) for _, bounds in rows],
        crs="EPSG:4326",
    )
