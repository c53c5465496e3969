# SPDX-License-Identifier: MIT
"""GeoJSON FeatureCollections as every answer writes them, and the analyses' own kind.

One function builds the collection (``type``, ``features``, then any foreign members such as
``numberMatched`` or ``method``), so no module spells the envelope out again. An analysis answer
adds its summary, notes and method: :class:`AnalysisCollection` holds those four parts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Feature = dict[str, Any]


def feature_collection(features: Iterable[Feature], **members: Any) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection of the features, with the foreign members after them."""
    return {"type": "FeatureCollection", "features": list(features), **members}


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
"""One encoder for every call: ``json.dumps`` with options builds a new one each time."""


def encode_json(value: Any) -> str:
    """Return compact JSON text (UTF-8 kept, NaN refused), as every pre-encoded answer writes it."""
    return _ENCODER.encode(value)


def with_members(json_object: str, members: Mapping[str, Any]) -> str:
    """Return a JSON object's text with members appended, the object itself never parsed.

    The fast way to serve text already encoded (a stored record): only the new members are
    encoded. The object must not hold those names already (JSON would then have duplicates).
    """
    text = json_object.strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise ValueError("not the text of a JSON object")
    added = ",".join(f"{encode_json(name)}:{encode_json(value)}" for name, value in members.items())
    inner = text[1:-1].strip()
    if not added:
        return text
    return "{" + (f"{inner},{added}" if inner else added) + "}"


def feature_collection_json(features: Iterable[str], **members: Any) -> bytes:
    """Return a FeatureCollection's UTF-8 bytes from features already encoded as JSON text."""
    return joined_collection_json(",".join(features).encode("utf-8"), **members)


def joined_collection_json(features: bytes, **members: Any) -> bytes:
    """Return a FeatureCollection's UTF-8 bytes from its features' JSON, joined by commas.

    ``members`` (counts, links...) follow the features, each encoded here.
    """
    tail = "".join(f",{encode_json(name)}:{encode_json(value)}" for name, value in members.items())
    return b'{"type":"FeatureCollection","features":[' + features + b"]" + tail.encode() + b"}"


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
