# SPDX-License-Identifier: MIT
"""What-if scenarios: changes to a commune's assets, analysed and compared before they are built."""

from mobility.plans import AssetChange, Scenario
from mobility.scenarios.view import base_assets, commune_assets, read_scenario

__all__ = ["AssetChange", "Scenario", "base_assets", "commune_assets", "read_scenario"]
