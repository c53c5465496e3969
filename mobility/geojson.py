# SPDX-License-Identifier: MIT
"""GeoJSON FeatureCollections as every answer writes them, and the analyses' own kind.

One function builds the collection (``type``, ``features``, then any foreign members such as
``numberMatched`` or ``method``), so no module spells the envelope out again. An analysis answer
adds its summary, notes and method: :class:`AnalysisCollection` holds those four parts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

Feature = dict[str, Any]


def feature_collection(features: Iterable[Feature], **members: Any) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection of the features, with the foreign members after them."""
    return {"type": "FeatureCollection", "features": list(features), **members}


@dataclass
class AnalysisCollection:
    """An analysis answered as features, with the figures, caveats and method that explain it."""

    features: list[Feature]
    method: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    summary: dict[str, Any] | None = None

    def to_geojson(self) -> dict[str, Any]:
        """Return the answer as a FeatureCollection (``summary`` only when there is one)."""
        summary = {"summary": self.summary} if self.summary is not None else {}
        return feature_collection(self.features, **summary, notes=self.notes, method=self.method)
