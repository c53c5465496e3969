# SPDX-License-Identifier: MIT
"""The few rules the OpenAPI document states in words, applied to schemathesis' valid requests.

JSON Schema cannot compare two query parameters: "exactly one of within_m and within_min",
"bev with phev", "west not beyond east", "min_power_kw not above max_power_kw" and
"include_surroundings with commune" are written in
the parameters' descriptions, and the server refuses a request that breaks them with a 422 naming
the fields (tests/api/test_bad_inputs.py checks each refusal). So that the "schema-valid data is
accepted" check keeps its meaning for everything else, each request generated as valid is made
to follow these described rules too, the way a client reading the description would send it.
Requests generated as invalid are left as they are.
"""

from __future__ import annotations

import re
from typing import Any

import schemathesis
from schemathesis import GenerationMode

from api.preconditions import IF_MATCH_PATTERN

REACH_REQUIRED = {"Coverage", "CoverageZones", "Gaps", "ServiceAreas"}
"""Operations (without their get/head prefix) that need one of within_m and within_min."""
LAYER_FILTERS = {
    "charging-points": {"min_power_kw", "free", "pmr"},
    "parking": {"kind"},
    "hubs": {"hub_mode"},
}
"""The coverage filters each layer takes ("(layer parking)" in their descriptions)."""


def _stem(case: Any) -> str:
    operation_id = str(case.operation.definition.raw.get("operationId", ""))
    for prefix in ("get", "head"):
        if operation_id.startswith(prefix):
            return operation_id[len(prefix) :]
    return operation_id


def follow_described_rules(query: dict[str, Any], stem: str) -> dict[str, Any]:
    """Return the query as a client following the parameters' descriptions would send it."""
    query = dict(query)
    if query.get("within_m") is not None and query.get("within_min") is not None:
        query.pop("within_min")
    if stem in REACH_REQUIRED and query.get("within_m") is None and query.get("within_min") is None:
        query["within_m"] = 300
    if stem in REACH_REQUIRED and query.get("layer") in LAYER_FILTERS:
        others = set().union(*LAYER_FILTERS.values()) - LAYER_FILTERS[query["layer"]]
        query = {name: value for name, value in query.items() if name not in others}
    if (query.get("phev") is None) != (query.get("bev") is None):
        query.pop("phev", None)
        query.pop("bev", None)
    low, high = query.get("min_power_kw"), query.get("max_power_kw")
    if low is not None and high is not None and float(low) > float(high):
        query["min_power_kw"], query["max_power_kw"] = high, low
    if str(query.get("include_surroundings", "false")).lower() == "true" and not query.get(
        "commune"
    ):
        query.pop("include_surroundings")
    if isinstance(query.get("bbox"), str):
        query["bbox"] = _ordered_bbox(query["bbox"])
    return query


def _ordered_bbox(raw: str) -> str:
    parts = raw.split(",")
    half = len(parts) // 2
    lower, upper = parts[:half], parts[half:]
    for index in range(min(2, half)):
        if float(lower[index]) > float(upper[index]):
            lower[index], upper[index] = upper[index], lower[index]
    return ",".join(lower + upper)


def _follow(case: Any) -> Any:
    meta = case.meta
    if meta is None or meta.generation.mode is not GenerationMode.POSITIVE:
        return case
    headers = case.headers
    if headers is not None and "If-Match" in headers:
        if not re.match(IF_MATCH_PATTERN, str(headers["If-Match"])):
            # The coverage phase fills a header with "0" whatever its pattern: send a tag.
            headers["If-Match"] = '"1"'

    stem = _stem(case)
    if isinstance(case.query, dict) or stem in REACH_REQUIRED:
        case.query = follow_described_rules(dict(case.query or {}), stem)
    return case


@schemathesis.hook
def map_case(context: schemathesis.HookContext, case: Any) -> Any:
    """Make a request generated as valid follow the rules its parameters' descriptions state."""
    return _follow(case)


@schemathesis.hook
def before_add_examples(context: schemathesis.HookContext, examples: list[Any]) -> None:
    """Apply the same rules to the requests built from the document's examples."""
    for case in examples:
        _follow(case)
