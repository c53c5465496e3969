# SPDX-License-Identifier: MIT
"""What a reader hands back: the assets it could validate and, row by row, what it refused.

Every reader in this package returns a :class:`ReadReport`. A bad row never stops a read: it is
recorded as one or more :class:`RejectedRow` (one per field at fault) and the reader moves on.
Only a file that is not in the expected format at all raises
:class:`~mobility.errors.UnsupportedFormatError`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from mobility.assets import AssetAttributes, Layer, is_valid_feature_id, natural_id_problem

ProgressFn = Callable[[int, int], None]
"""``progress(done, total)``: how far a reader is through a file (bytes or steps)."""

MAX_REJECTED_IN_SUMMARY = 1000
"""``ReadReport.to_dict`` lists at most this many refusals (the counts stay exact)."""


@dataclass(frozen=True)
class ParsedAsset:
    """One validated asset, ready to be placed into a commune.

    ``line`` is the CSV line number (the header being line 1) or the 1-based index of the feature
    in a GeoJSON FeatureCollection (the first feature of the group for grouped sources).
    ``footprint`` is the source polygon (GeoJSON geometry, lon/lat) when the source drew the asset
    as an area; ``lon``/``lat`` are then its centroid, computed in Lambert-93.
    """

    layer: Layer
    id: str
    lon: float
    lat: float
    attributes: AssetAttributes
    footprint: dict[str, Any] | None = None
    line: int | None = None


@dataclass(frozen=True)
class RejectedRow:
    """One reason a row (or feature) was refused, tied to the column or property at fault."""

    line: int | None
    id: str | None
    field: str
    reason: str
    position: tuple[float, float] | None = None
    """Where the row stands (lon, lat) when its position was read before the fault: a refused
    row far from the commune can then be told apart from one within its surroundings."""

    def to_dict(self) -> dict[str, Any]:
        """Return the refusal as a plain mapping for JSON bodies."""
        return {"line": self.line, "id": self.id, "field": self.field, "reason": self.reason}


@dataclass
class ReadReport:
    """The outcome of reading one file.

    ``duplicate_ids`` lists, once each, the ids met more than once: the last occurrence is kept
    and every earlier one is also recorded in ``rejected``. ``skipped`` counts rows deliberately
    not imported (not refused: they are not assets of ours), keyed by the reason.
    """

    format: str
    assets: list[ParsedAsset] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    rows_read: int = 0
    source_name: str = ""

    @property
    def rejected_rows(self) -> int:
        """Return how many distinct rows have at least one refusal."""
        return len({(row.line, row.id) for row in self.rejected})

    def count_by_layer(self) -> dict[str, int]:
        """Return the number of assets per layer id."""
        return dict(Counter(str(asset.layer) for asset in self.assets))

    def to_dict(self, *, max_rejected: int | None = MAX_REJECTED_IN_SUMMARY) -> dict[str, Any]:
        """Return a JSON-ready summary (at most ``max_rejected`` refusals listed in full)."""
        listed = self.rejected if max_rejected is None else self.rejected[:max_rejected]
        return {
            "format": self.format,
            "source_name": self.source_name,
            "rows_read": self.rows_read,
            "assets": len(self.assets),
            "assets_by_layer": self.count_by_layer(),
            "rejected_rows": self.rejected_rows,
            "rejected_count": len(self.rejected),
            "rejected": [row.to_dict() for row in listed],
            "rejected_truncated": len(listed) < len(self.rejected),
            "duplicate_ids": list(self.duplicate_ids),
            "skipped": dict(self.skipped),
        }


class ReportBuilder:
    """Collect assets, refusals and skips while a reader walks a file.

    Keeps the duplicate rule in one place: when an id comes again, the later asset replaces the
    earlier one, the id is listed in ``duplicate_ids`` and the earlier row is recorded as refused.
    """

    def __init__(self, fmt: str, *, source_name: str = "", id_field: str = "id") -> None:
        self.format = fmt
        self.source_name = source_name
        self.id_field = id_field
        self.rows_read = 0
        self._assets: dict[str, ParsedAsset] = {}
        self._rejected: list[RejectedRow] = []
        self._duplicates: dict[str, None] = {}
        self._skipped: Counter[str] = Counter()
        self._positions: dict[int, tuple[float, float]] = {}

    def place(self, line: int, lon: float, lat: float) -> None:
        """Record where the row at ``line`` stands, read before any later refusal of it."""
        self._positions[line] = (lon, lat)

    def reject(self, line: int | None, row_id: str | None, field_name: str, reason: str) -> None:
        """Record that a row was refused because of one field."""
        self._rejected.append(RejectedRow(line, row_id, field_name, reason))

    def skip(self, reason: str, count: int = 1) -> None:
        """Count a row deliberately not imported, with the reason."""
        self._skipped[reason] += count

    def add(self, asset: ParsedAsset, *, id_field: str | None = None) -> None:
        """Keep an asset; a later asset with the same id replaces the earlier one.

        An id unusable in a URL refuses the asset, naming ``id_field`` (default: the reader's);
        so does a charging point whose id is not its own roaming (else local) id, naming that
        field: two ids for one point would store it twice.
        """
        if not is_valid_feature_id(asset.id):
            self.reject(
                asset.line,
                asset.id,
                id_field or self.id_field,
                f"The id {asset.id!r} cannot be used in a URL: use letters, digits and ._:*- "
                "only, starting with a letter or digit, 128 characters at most.",
            )
            return
        mismatch = natural_id_problem(asset.id, asset.attributes)
        if mismatch is not None:
            self.reject(asset.line, asset.id, *mismatch)
            return
        previous = self._assets.pop(asset.id, None)
        if previous is not None:
            self.duplicate(asset.id, previous.line, asset.line)
        self._assets[asset.id] = asset

    def duplicate(
        self, asset_id: str, earlier: int | None, later: int | None, field_name: str | None = None
    ) -> None:
        """Record that ``asset_id`` came again: the earlier row is refused, the later one kept.

        Readers that gather rows before building assets (grouped sources) call it themselves.
        """
        self._duplicates[asset_id] = None
        where = f"line {later}" if later is not None else "later in the file"
        self.reject(
            earlier,
            asset_id,
            field_name or self.id_field,
            f"The id {asset_id} appears again at {where}; the later row is kept.",
        )

    def build(self) -> ReadReport:
        """Return the finished report (refusals sorted by line, stable otherwise)."""
        rejected = sorted(
            (self._placed(row) for row in self._rejected),
            key=lambda row: -1 if row.line is None else row.line,
        )
        return ReadReport(
            format=self.format,
            assets=list(self._assets.values()),
            rejected=rejected,
            duplicate_ids=list(self._duplicates),
            skipped=dict(self._skipped),
            rows_read=self.rows_read,
            source_name=self.source_name,
        )

    def _placed(self, row: RejectedRow) -> RejectedRow:
        """Return the refusal with its row's position, when the reader read one."""
        if row.position is not None or row.line is None:
            return row
        position = self._positions.get(row.line)
        return row if position is None else replace(row, position=position)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validation_problems(
    error: ValidationError,
    *,
    renames: Mapping[str, str] | None = None,
    known_fields: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """Turn a pydantic error into ``(field, reason)`` pairs with plain-sentence reasons.

    ``renames`` maps model field names back to the source's names (an OSM tag, a CSV column).
    A model-level error has no location: its field is the one of ``known_fields`` that the
    message names first, else ``"row"``.
    """
    renames = renames or {}
    known = tuple(known_fields)
    problems: list[tuple[str, str]] = []
    for detail in error.errors(include_url=False):
        message = str(detail.get("msg", "Invalid value")).removeprefix("Value error, ")
        if "_" not in message.split(" ", 1)[0]:  # leave a leading field name as written
            message = message[:1].upper() + message[1:]
        location = detail.get("loc") or ()
        if location and detail.get("type") != "missing":
            message += f" (got {_short(detail.get('input'))})"
        if not message.endswith("."):
            message += "."
        if location:
            name = str(location[0])
            rest = "".join(
                f"[{part}]" if isinstance(part, int) else f".{part}" for part in location[1:]
            )
            field_name = renames.get(name, name) + rest
        else:
            named = [(message.find(name), name) for name in known if name in message]
            field_name = min(named)[1] if named else "row"
            field_name = renames.get(field_name, field_name)
        problems.append((field_name, message))
    return problems
