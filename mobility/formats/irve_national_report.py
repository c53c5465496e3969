# SPDX-License-Identifier: MIT
"""What selecting a commune's points from the national IRVE file repaired, set aside and refused.

The counts are exact; the lists that name rows (duplicates, swapped positions, recomputed codes,
refusals) stop at :data:`MAX_LISTED` entries each, since a national file can hold thousands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_LISTED = 100
"""Rows named in each list of the report (the counts beside them stay exact)."""


def listed(items: list[dict[str, Any]], limit: int = MAX_LISTED) -> list[dict[str, Any]]:
    """Return at most ``limit`` entries of a list the report names rows in."""
    return items[:limit]


@dataclass
class IrveCleaning:
    """The cleaning of a national IRVE file for one outline (commune + margin).

    ``rows_read`` counts every data row of the file; ``inside_outline`` the rows (all versions)
    whose position lies in the outline; ``kept`` the points returned. ``duplicates_resolved``
    counts the older versions set aside of the points the outline concerns, out of
    ``duplicates_in_file``; ``swapped_fixed`` the kept rows whose position was written latitude
    first, out of ``swapped_in_file``; ``codes_recomputed`` the kept rows whose
    ``code_insee_commune`` was missing or differed from the boundaries (``codes_unverified``:
    in no known boundary, the file's code kept). ``invalid_inside`` counts the rows refused by
    the per-row rules (``invalid_reasons`` says why); ``invalid_outside`` the rows not imported
    that fail the column-wide checks or cannot be read (counted only, never blocking).
    """

    source_name: str
    encoding: str
    delimiter: str
    rows_read: int
    inside_outline: int = 0
    kept: int = 0
    duplicates_in_file: int = 0
    duplicates_resolved: int = 0
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    swapped_in_file: int = 0
    swapped_fixed: int = 0
    swapped: list[dict[str, Any]] = field(default_factory=list)
    consolidated_positions: int = 0
    codes_recomputed: int = 0
    codes_unverified: int = 0
    codes: list[dict[str, Any]] = field(default_factory=list)
    unlocated: int = 0
    invalid_inside: int = 0
    invalid_reasons: list[dict[str, Any]] = field(default_factory=list)
    invalid_outside: int = 0
    max_listed: int = MAX_LISTED

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready values."""
        return {
            "source_name": self.source_name,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "rows_read": self.rows_read,
            "inside_outline": self.inside_outline,
            "kept": self.kept,
            "duplicates_in_file": self.duplicates_in_file,
            "duplicates_resolved": self.duplicates_resolved,
            "duplicates": list(self.duplicates),
            "swapped_in_file": self.swapped_in_file,
            "swapped_fixed": self.swapped_fixed,
            "swapped": list(self.swapped),
            "consolidated_positions": self.consolidated_positions,
            "codes_recomputed": self.codes_recomputed,
            "codes_unverified": self.codes_unverified,
            "codes": list(self.codes),
            "unlocated": self.unlocated,
            "invalid_inside": self.invalid_inside,
            "invalid_reasons": list(self.invalid_reasons),
            "invalid_outside": self.invalid_outside,
            "listed_at_most": self.max_listed,
        }

    def summary(self) -> str:
        """Return one line for a terminal."""
        delimiter = "semicolon" if self.delimiter == ";" else "comma"
        return (
            f"IRVE file ({self.encoding}, {delimiter}-separated): {self.rows_read:,} rows, "
            f"{self.inside_outline:,} inside the outline, {self.kept:,} points kept; "
            f"{self.duplicates_resolved:,} older duplicates set aside, "
            f"{self.swapped_fixed:,} swapped positions fixed, "
            f"{self.codes_recomputed:,} commune codes recomputed; "
            f"{self.invalid_inside:,} invalid rows inside (named in the report), "
            f"{self.invalid_outside:,} invalid rows outside (counted only)"
        )
