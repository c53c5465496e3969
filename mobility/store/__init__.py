# SPDX-License-Identifier: MIT
"""Persistence: one interface, an embedded SQLite file by default, PostGIS to scale out."""

from mobility.store.base import (
    ASSET_PAGE_SIZE,
    ApiKeyRecord,
    AssetJson,
    AssetJsonPage,
    AssetPage,
    AssetQuery,
    CommuneFile,
    CommuneInput,
    CommuneRecord,
    OcpiParty,
    Precondition,
    PreparedPayload,
    Store,
    WriteRecord,
    check_precondition,
)
from mobility.store.batch_records import BatchRecord, BatchRow, BatchStatus
from mobility.store.sql import SqlStore
from mobility.store.sql_engine import DEFAULT_POOL_SIZE

DEFAULT_DATABASE_URL = "sqlite:///var/mobility.sqlite"
"""The embedded store: a SQLite file under ``var/`` of the working directory."""


_SQL_STORE_IMPLEMENTS_STORE: type[Store] = SqlStore
"""Checked by mypy: SqlStore offers every method of Store, with the same signatures."""


def open_store(url: str, *, pool_size: int = DEFAULT_POOL_SIZE) -> SqlStore:
    """Open (and create or upgrade the schema of) the store a database URL names.

    ``pool_size``: the connections the process keeps open to the database, at most.
    """
    return SqlStore(url, pool_size=pool_size)


__all__ = [
    "ASSET_PAGE_SIZE",
    "DEFAULT_DATABASE_URL",
    "DEFAULT_POOL_SIZE",
    "ApiKeyRecord",
    "AssetJson",
    "AssetJsonPage",
    "AssetPage",
    "AssetQuery",
    "BatchRecord",
    "BatchRow",
    "BatchStatus",
    "CommuneFile",
    "CommuneInput",
    "CommuneRecord",
    "OcpiParty",
    "Precondition",
    "PreparedPayload",
    "SqlStore",
    "Store",
    "WriteRecord",
    "check_precondition",
    "open_store",
]
