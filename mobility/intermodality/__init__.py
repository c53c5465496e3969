# SPDX-License-Identifier: MIT
"""Intermodal hubs: which modes meet at each hub along the streets, and what to add where."""

from mobility.intermodality.analysis import IntermodalityResult, analyse_intermodality
from mobility.intermodality.modes import (
    ADDABLE_MODES,
    EXPECTED_MODES,
    MODES,
    AddableMode,
    ExpectedMode,
    IntermodalMode,
    Reach,
)

__all__ = [
    "ADDABLE_MODES",
    "EXPECTED_MODES",
    "MODES",
    "AddableMode",
    "ExpectedMode",
    "IntermodalMode",
    "IntermodalityResult",
    "Reach",
    "analyse_intermodality",
]
