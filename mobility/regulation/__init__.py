# SPDX-License-Identifier: MIT
"""Regulatory diagnostics of a commune's public charging: the SDIRVE indicators and AFIR target.

``sdirve_indicators`` computes the diagnostic of a schéma directeur IRVE (décret 2021-565, arrêté
of 10 May 2021) for the commune and per IRIS; ``sdirve_rows`` shapes it as rows of the national
SDIRVE Table Schema; ``afir_check`` compares the installed public power with the fleet-based
target of Regulation (EU) 2023/1804, art. 3(1). What only the commune knows (usage, forecast
fleet, objectives, registered fleet) is supplied as validated inputs (``inputs``) and never
invented.
"""

from mobility.regulation.afir import AfirCheck, afir_check
from mobility.regulation.inputs import Fleet, SdirveInputs
from mobility.regulation.power_classes import PowerClass, power_class
from mobility.regulation.sdirve import sdirve_indicators
from mobility.regulation.sdirve_csv import sdirve_rows, sdirve_schema_path, write_sdirve_csv
from mobility.regulation.sdirve_result import SdirveIndicators

__all__ = [
    "AfirCheck",
    "Fleet",
    "PowerClass",
    "SdirveIndicators",
    "SdirveInputs",
    "afir_check",
    "power_class",
    "sdirve_indicators",
    "sdirve_rows",
    "sdirve_schema_path",
    "write_sdirve_csv",
]
