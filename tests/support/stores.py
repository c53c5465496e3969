# SPDX-License-Identifier: MIT
"""Store fixtures: a fresh SQLite file or a truncated PostGIS database per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from mobility.assets import Layer
from mobility.errors import StoreUnavailableError
from mobility.store import AssetQuery, SqlStore, open_store
from tests.support.paths import SAMPLE_MANIFEST

DEFAULT_POSTGIS_URL = "postgresql://postgres@127.0.0.1:5432/mobility_test"


def postgis_url_or_skip() -> str:
    """Return a reachable PostGIS URL; skip (or fail in CI) with the reason otherwise."""
    url = os.environ.get("MOBILITY_TEST_POSTGIS_URL", DEFAULT_POSTGIS_URL)
    try:
        store = open_store(url)
    except (StoreUnavailableError, Exception) as exc:  # noqa: BLE001 (any failure means no PostGIS)
        reason = f"no PostGIS reachable at {url}: {type(exc).__name__}: {exc}"
        if os.environ.get("MOBILITY_TEST_REQUIRE_POSTGIS"):
            pytest.fail(reason)
        pytest.skip(reason)
    store.close()
    return url


def empty_postgis(url: str) -> SqlStore:
    store = open_store(url)
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "TRUNCATE scenarios, commune_inputs, asset_places, assets, commune_files, "
                "communes, api_keys, write_audit, ocpi_parties, rate_counters, batches, batch_rows "
                "CASCADE"
            )
        )
    return store


def fresh_store(backend: str, tmp_path: Path) -> Iterator[SqlStore]:
    if backend == "sqlite":
        store = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    else:
        store = empty_postgis(postgis_url_or_skip())
    try:
        yield store
    finally:
        store.close()


def build_sample(path: Path) -> None:
    """Load the shipped commune into a new SQLite file (the template the API tests copy).

    Prepared as the CLI leaves it, so every copy's workers read the payload kept with it.
    """
    from mobility.coverage.context import prepare_commune
    from mobility.manifest import load_manifest

    store = open_store(f"sqlite:///{path}")
    try:
        code, _ = load_manifest(store, SAMPLE_MANIFEST)
        prepare_commune(store, code)
        with store.engine.begin() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        store.close()


def copy_sqlite(template: Path, target: Path) -> str:
    shutil.copy(template, target)
    return f"sqlite:///{target}"


def sample_postgis(template: Path) -> str:
    """Empty the test PostGIS database, fill it from a SQLite template; return its URL."""
    url = postgis_url_or_skip()
    target = empty_postgis(url)
    source = open_store(f"sqlite:///{template}")
    try:
        copy_store(source, target)
    finally:
        source.close()
        target.close()
    return url


def copy_store(source: SqlStore, target: SqlStore) -> None:
    """Copy every commune, file and asset from one store into another.

    An asset seen by two communes (overlapping, or in one's surroundings) is written once.
    """
    for record in source.list_communes():
        files = [
            file
            for role in ("streets", "population", "buildings")
            if (file := source.get_commune_file(record.code, role)) is not None
        ]
        target.save_commune(record, files)
        for layer in Layer:
            query = AssetQuery(layer=layer, commune=record.code, surroundings=True)
            target.add_assets(list(source.iter_assets(query)), upsert=True)
