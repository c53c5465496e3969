# SPDX-License-Identifier: MIT
"""The shipped commune (Paris 10e) loaded once into a temporary SQLite store for this package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mobility.assets import Asset, Layer
from mobility.coverage.context import CommuneContext, ContextCache
from mobility.manifest import load_manifest
from mobility.store import AssetQuery, SqlStore, open_store
from tests.support.paths import SAMPLE_MANIFEST


@pytest.fixture(scope="package")
def paris_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlStore]:
    path = tmp_path_factory.mktemp("siting") / "paris.sqlite"
    store = open_store(f"sqlite:///{path}")
    load_manifest(store, Path(SAMPLE_MANIFEST))
    yield store
    store.close()


@pytest.fixture(scope="package")
def paris(paris_store: SqlStore) -> CommuneContext:
    return ContextCache().get(paris_store, "75110")


def layer_assets(store: SqlStore, layer: Layer) -> list[Asset]:
    return store.query_assets(AssetQuery(layer=layer, commune="75110", limit=10_000)).assets
