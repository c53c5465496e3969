# SPDX-License-Identifier: MIT
"""Which rule set reads a line file's fields: the most specific one that knows its columns.

A rule set is chosen from the columns alone, before any row is read, so one file is read by one
rule set throughout. The specific referentials come first; the OSM-style rules (last) read any
file, falling back to their documented defaults for the fields a file lacks.
"""

from __future__ import annotations

from collections.abc import Sequence

from mobility.network.bdtopo_fields import BDTOPO
from mobility.network.line_fields import OSM_STYLE, LineFields

LINE_FIELD_RULES: tuple[LineFields, ...] = (BDTOPO, OSM_STYLE)
"""The rule sets, tried in this order."""


def choose_rules(columns: Sequence[str]) -> LineFields:
    """Return the first rule set of :data:`LINE_FIELD_RULES` that reads these columns."""
    return next((rules for rules in LINE_FIELD_RULES if rules.matches(columns)), OSM_STYLE)
