# SPDX-License-Identifier: MIT
"""The siting batch's question and rows: the commune's before/after and each suggested site.

The figures are those of ``POST /communes/{code}/siting`` with the same question: the commune's
row (rank 0, its boundary) carries the summary, each site's row (rank 1, 2, …, its point) the
site's properties.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from mobility.assets import Layer
from mobility.batch.analysis import CommuneAnalysis
from mobility.batch.tasks import Row
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.threshold import make_threshold
from mobility.errors import FieldProblem, InvalidInputError
from mobility.siting.run import CandidateChoice, CandidateSource, SitingQuestion, run_siting
from mobility.siting.suggest import SitingRequest
from mobility.store import Store

MAX_SITES = 1000
"""The most sites one commune's question asks for, as the API allows."""

SITING_COLUMNS = (
    "commune",
    "rank",
    "candidate_id",
    "population_gained",
    "population_covered_before",
    "population_covered_after",
    "share_before",
    "share_after",
    "method",
)


@dataclass(frozen=True)
class SitingParameters(CommuneAnalysis):
    """The siting question of a batch, as ``POST /communes/{code}/siting`` takes it."""

    layer: Layer
    within_m: float
    count: int
    method: Literal["auto", "greedy", "exact"] = "greedy"
    candidates: CandidateSource = "intersections"
    mode: str = "walk"
    analysis: str = "siting"
    columns: tuple[str, ...] = SITING_COLUMNS

    def question(self) -> SitingQuestion:
        """Return the validated question (the same validation as the API's)."""
        return SitingQuestion(
            request=SitingRequest(
                threshold=make_threshold(self.mode, within_m=self.within_m),  # type: ignore[arg-type]
                existing_filter=AssetFilter(self.layer),
                count=self.count,
                method=self.method,
            ),
            candidates=CandidateChoice(self.candidates),
        )

    def check(self) -> None:
        """Validate the question before any task is sent (count in the API's range)."""
        if not 1 <= self.count <= MAX_SITES:
            raise InvalidInputError(
                "the siting question is not valid",
                problems=[FieldProblem("count", f"must be in [1, {MAX_SITES}]")],
            )
        self.question()

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as JSON values (they key the ledger)."""
        return {
            "analysis": self.analysis,
            "layer": self.layer.value,
            "within_m": self.within_m,
            "count": self.count,
            "method": self.method,
            "candidates": self.candidates,
            "mode": self.mode,
        }

    def context_rows(self, store: Store, context: CommuneContext) -> list[Row]:
        """Return the commune's row (rank 0) and one row per suggested site."""
        code = context.record.code
        answer = run_siting(context, store, self.question())
        summary = answer.summary or {}
        method = json.dumps(answer.method, ensure_ascii=False, sort_keys=True)
        rows: list[Row] = [
            {
                "commune": code,
                "rank": 0,
                "candidate_id": None,
                "population_gained": summary["population_gained"],
                "population_covered_before": summary["population_covered_before"],
                "population_covered_after": summary["population_covered_after"],
                "share_before": summary["share_before"],
                "share_after": summary["share_after"],
                "method": method,
                "geometry": dict(context.record.boundary),
            }
        ]
        for site in answer.features:
            properties = site["properties"]
            rows.append(
                {
                    "commune": code,
                    "rank": properties["rank"],
                    "candidate_id": properties["candidate_id"],
                    "population_gained": properties["population_gained"],
                    "population_covered_before": None,
                    "population_covered_after": properties["population_covered_after"],
                    "share_before": None,
                    "share_after": properties["share_after"],
                    "method": method,
                    "geometry": site["geometry"],
                }
            )
        return rows
