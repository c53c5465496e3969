# SPDX-License-Identifier: MIT
"""The page read's statements, one per shape of query, built once and run on the driver.

A page of a layer is the most frequent read after one item. Built anew for every request,
SQLAlchemy spends about as long preparing the statement (building it, its cache key, the
``BEGIN``/``COMMIT`` around it, a mapping per row) as the database spends answering it. So each
shape of query (which filters are present, on which backend) gets one statement with bound
parameters, built on first use and kept; the store runs it straight on the driver
(``SqlConnections._driver_rows``), the values of the query bound each time. The one statement is
its own consistent snapshot: each row carries the number of all matching rows.

A ``mode`` filter (hubs) is not served here: its ``LIKE`` pattern is escaped by SQLAlchemy from
the value itself, so that query keeps the general statement.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Boolean, Integer, Select, and_, bindparam, func, literal_column, select
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from mobility.store import schema
from mobility.store.base import AssetQuery

MATCHED = "matched_in_all"
"""The column a page's rows carry the number of every matching row in."""

Shape = tuple[str, bool, bool, bool, bool, bool, bool]
"""Backend, then which of commune, surroundings, bbox, min and max power, kind are given."""


def page_shape(query: AssetQuery, backend: str) -> Shape | None:
    """Return the query's shape, or None when its statement cannot be kept (a ``mode``)."""
    if query.mode is not None:
        return None
    return (
        backend,
        query.commune is not None,
        query.commune is not None and query.surroundings,
        query.bbox is not None,
        query.min_power_kw is not None,
        query.max_power_kw is not None,
        query.kind is not None,
    )


def page_params(query: AssetQuery) -> dict[str, Any]:
    """Return the values the shape's statement binds (those it does not use are ignored)."""
    params: dict[str, Any] = {
        "layer": query.layer.value,
        "commune": query.commune,
        "min_power_kw": query.min_power_kw,
        "max_power_kw": query.max_power_kw,
        "kind": query.kind,
        "limit": query.limit,
        "offset": query.offset,
    }
    if query.bbox is not None:
        params.update(zip(("west", "south", "east", "north"), query.bbox, strict=True))
    return params


@cache
def page_statement(shape: Shape) -> Select[Any]:
    """Return the page statement of a shape: the rows in id order, each with the total matched."""
    backend, commune, surroundings, bbox, min_power, max_power, kind = shape
    table = schema.assets
    clauses: list[ColumnElement[bool]] = [table.c.layer == bindparam("layer")]
    if commune:
        # the ids the commune sees, read from the membership's primary key (commune, layer, id)
        places = schema.asset_places
        membership = [
            places.c.commune == bindparam("commune"),
            places.c.layer == bindparam("layer"),
        ]
        if not surroundings:
            membership.append(places.c.in_commune.is_(True))
        clauses.append(table.c.id.in_(select(places.c.id).where(and_(*membership))))
    if bbox:
        corners: list[BindParameter[Any]] = [
            bindparam(name) for name in ("west", "south", "east", "north")
        ]
        if backend == "postgis":
            envelope = func.ST_MakeEnvelope(*corners, literal_column("4326"))
            clauses.append(literal_column("geom").op("&&", return_type=Boolean)(envelope))
        else:
            west, south, east, north = corners
            clauses += [table.c.lon >= west, table.c.lon <= east]
            clauses += [table.c.lat >= south, table.c.lat <= north]
    if min_power:
        clauses.append(table.c.power_kw >= bindparam("min_power_kw"))
    if max_power:
        clauses.append(table.c.power_kw <= bindparam("max_power_kw"))
    if kind:
        clauses.append(table.c.kind == bindparam("kind"))
    return (
        select(table, func.count().over().label(MATCHED))
        .where(and_(*clauses))
        .order_by(table.c.id)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )
