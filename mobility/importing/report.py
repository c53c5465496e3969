# SPDX-License-Identifier: MIT
"""The report of a commune import: per stage what was read, kept and dropped, and why.

A planner who cut a commune out of region-wide files must be able to check the cut: how many
lines, zones and points each file held, how many were kept, and every reason for the others,
with counts that add up (``read == kept + sum(dropped)`` for every stage). Then where the assets
stand (in the commune or in its surroundings) and which assets already stored the import changed,
since neighbouring communes share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

CHANGED_IDS_LISTED = 50
"""At most this many changed asset ids are listed (the count stays exact)."""


@dataclass
class StageReport:
    """One stage of an import: a source file read, what was kept and what was dropped, by reason.

    ``read`` counts the stage's units (communes, lines, zones, rows, features), ``kept`` those
    carried into the commune, ``dropped`` the others by reason; ``facts`` holds the figures
    particular to the stage (pieces after noding, duplicates resolved...).
    """

    stage: str
    unit: str
    source: dict[str, Any] | None = None
    read: int = 0
    kept: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def drop(self, reason: str, count: int) -> None:
        """Count ``count`` units dropped for ``reason`` (zero counts are not listed)."""
        if count:
            self.dropped[reason] = self.dropped.get(reason, 0) + count

    def to_dict(self) -> dict[str, Any]:
        """Return the stage as JSON-ready values."""
        return {
            "stage": self.stage,
            "unit": self.unit,
            "source": self.source,
            "read": self.read,
            "kept": self.kept,
            "dropped": dict(self.dropped),
            "facts": dict(self.facts),
            "notes": list(self.notes),
        }

    def lines(self) -> list[str]:
        """Return the stage in a few lines for a terminal."""
        name = f" ({self.source['filename']})" if self.source else ""
        head = f"{self.stage}{name}: read {self.read:,} {self.unit}, kept {self.kept:,}"
        dropped = [f"{count:,} {reason}" for reason, count in self.dropped.items()]
        text = [head + (f"; dropped {', '.join(dropped)}" if dropped else "")]
        text += [f"  {note}" for note in self.notes]
        return text


@dataclass
class ExistingChanges:
    """Assets the import writes that were already stored, by outcome (ids listed, capped)."""

    new: int = 0
    unchanged: int = 0
    changed: int = 0
    changed_ids: list[str] = field(default_factory=list)

    def add_changed(self, label: str) -> None:
        """Count a changed asset, listing its ``layer/id`` label while under the cap."""
        self.changed += 1
        if len(self.changed_ids) < CHANGED_IDS_LISTED:
            self.changed_ids.append(label)

    def to_dict(self) -> dict[str, Any]:
        """Return the counts and the listed ids."""
        return {
            "new": self.new,
            "unchanged": self.unchanged,
            "changed": self.changed,
            "changed_ids": list(self.changed_ids),
            "changed_ids_truncated": self.changed > len(self.changed_ids),
        }


@dataclass
class ImportReport:
    """The whole import: the commune, its margin, every stage, where the assets stand."""

    code: str
    name: str
    margin_m: float
    stages: list[StageReport] = field(default_factory=list)
    layers: dict[str, dict[str, int]] = field(default_factory=dict)
    existing: ExistingChanges = field(default_factory=ExistingChanges)
    status: Literal["written", "refused"] = "written"
    refusal: str | None = None

    @property
    def served_at(self) -> str:
        """Return the API path the commune is served at."""
        return f"/communes/{self.code}"

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready values (what ``--json`` prints)."""
        return {
            "code": self.code,
            "name": self.name,
            "status": self.status,
            "refusal": self.refusal,
            "margin_m": self.margin_m,
            "stages": [stage.to_dict() for stage in self.stages],
            "layers": {layer: dict(counts) for layer, counts in self.layers.items()},
            "existing_assets": self.existing.to_dict(),
            "served_at": self.served_at,
        }

    def text(self) -> str:
        """Return the report for a terminal, ending with where the commune is served."""
        lines = [f"commune {self.code} {self.name}, surroundings margin {self.margin_m:,.0f} m"]
        for stage in self.stages:
            lines += stage.lines()
        for layer, counts in self.layers.items():
            lines.append(
                f"{layer}: {counts['in_commune']:,} in the commune, "
                f"{counts['in_surroundings']:,} in its surroundings"
            )
        existing = self.existing
        lines.append(
            f"already stored: {existing.unchanged:,} unchanged, {existing.changed:,} changed "
            f"by this import, {existing.new:,} new"
        )
        if existing.changed_ids:
            more = existing.changed - len(existing.changed_ids)
            lines.append(
                "  changed: "
                + ", ".join(existing.changed_ids)
                + (f" … and {more:,} more (use --json)" if more else "")
            )
        if self.status == "refused":
            lines.append(f"nothing written: {self.refusal}")
        else:
            lines.append(f"served at {self.served_at}")
        return "\n".join(lines)
