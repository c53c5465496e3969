# SPDX-License-Identifier: MIT
"""OCPI Locations as the CPO interface serves them: a page of stations, or one by id.

The mapping of one station is :mod:`mobility.formats.ocpi`; this module reads every stored
charging point, groups them into Locations and answers the two OCPI questions: a page of the
Locations updated in a time window (with the total the ``X-Total-Count`` header gives), and the
Location of an id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mobility.assets import Layer
from mobility.formats.ocpi import locations_from_assets
from mobility.store.base import AssetQuery, Store

DEFAULT_PAGE = 50
MAX_PAGE = 1000
"""The largest page served; a larger ``limit`` is capped to it, as OCPI lets a server do."""
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

Location = dict[str, Any]


@dataclass(frozen=True)
class LocationPage:
    """One page of Locations, with what the paging headers need."""

    locations: list[Location]
    total: int
    offset: int
    limit: int

    @property
    def next_offset(self) -> int | None:
        """Return the offset of the next page, or None on the last one."""
        following = self.offset + self.limit
        return following if following < self.total else None


def read_locations(store: Store) -> list[Location]:
    """Return every stored charging station as an OCPI Location (JSON-ready)."""
    names = {record.code: record.name for record in store.list_communes()}
    assets = store.iter_assets(AssetQuery(layer=Layer.CHARGING_POINTS))
    return locations_from_assets(assets, city_of=lambda code: names.get(code, code))


def page_locations(
    store: Store,
    *,
    offset: int = 0,
    limit: int = DEFAULT_PAGE,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
) -> LocationPage:
    """Return the Locations updated in ``[date_from, date_to)`` from ``offset``, capped pages."""
    start, end = _utc(date_from), _utc(date_to)
    matched = [
        location
        for location in read_locations(store)
        if (start is None or updated_at(location) >= start)
        and (end is None or updated_at(location) < end)
    ]
    effective = min(limit, MAX_PAGE)
    return LocationPage(matched[offset : offset + effective], len(matched), offset, effective)


def find_location(store: Store, location_id: str) -> Location | None:
    """Return the Location of an id, or None when no station has it."""
    return next((loc for loc in read_locations(store) if loc["id"] == location_id), None)


def updated_at(location: Location) -> datetime:
    """Return a Location's ``last_updated`` as an aware UTC time."""
    return datetime.strptime(location["last_updated"], TIMESTAMP_FORMAT).replace(tzinfo=UTC)


def now_timestamp() -> str:
    """Return the current time as OCPI writes it (UTC, seconds, ``Z``)."""
    return datetime.now(UTC).strftime(TIMESTAMP_FORMAT)


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
