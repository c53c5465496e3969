# SPDX-License-Identifier: MIT
"""/map?batch=<id>: a stored coverage batch's communes shaded by share, with a legend.

The store holds the shipped commune, the grid communes and a broken one; their coverage rows are
computed by the function every batch worker runs and stored as ``--to-store`` stores them. The
page must draw each commune the batch finished with the share ``GET /batches/{id}/results``
serves (which is the share of ``GET /communes/{code}/coverage``), count the broken one as
failed, show the classes in a legend, and offer the batch in the picker of the commune view.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mobility.assets import Layer
from mobility.batch.coverage import CoverageParameters
from mobility.batch.recording import StoreRecorder
from mobility.batch.tasks import commune_rows
from mobility.store import open_store
from tests.support.adjacent import HOME, NEIGHBOUR
from tests.support.batch_territory import BROKEN, build_territory
from tests.support.server import serve
from tests.support.stores import copy_sqlite
from tests.web.conftest import DESKTOP, PHONE, MapPage
from tests.web.test_map import api

CODES = ["75110", HOME, NEIGHBOUR, BROKEN]
BATCH: dict[str, str] = {}


@pytest.fixture(scope="module")
def base_url(
    browser: object, sample_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """uvicorn over the territory, with its coverage batch stored."""
    url = copy_sqlite(sample_template, tmp_path_factory.mktemp("batch-map") / "store.sqlite")
    build_territory(url)
    parameters = CoverageParameters(layer=Layer.CHARGING_POINTS, within_m=300.0)
    store = open_store(url)
    try:
        recorder = StoreRecorder(store, parameters, CODES, "territory.parquet")
        recorder.start({})
        for code in CODES:
            recorder.commune(code, commune_rows(url, code, parameters))
        recorder.finish("finished")
    finally:
        store.close()
    BATCH["id"] = recorder.id
    with serve(url) as base:
        yield base


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_batch_communes_are_shaded_by_the_share_the_api_serves(
    open_map: object, base_url: str, viewport: dict[str, int]
) -> None:
    page: MapPage = open_map(f"?batch={BATCH['id']}", viewport)  # type: ignore[operator]
    batch = page.state()["batch"]
    assert batch["id"] == BATCH["id"] and batch["status"] == "finished"
    assert (batch["communes"], batch["drawn"], batch["failed"]) == (4, 3, 1)
    for code in CODES[:3]:
        expected = api(
            base_url, f"/communes/{code}/coverage", layer="charging-points", within_m=300
        )
        assert batch["shares"][code] == expected["summary"]["share"]
    assert BROKEN not in batch["shares"]
    legend = page.page.locator("#batch-legend")
    assert legend.is_visible()
    assert legend.locator("li").count() == 5 + 2  # five classes, no population, failed
    assert "en échec (1)" in legend.inner_text()
    assert page.page.locator("path.leaflet-interactive").count() == 3
    assert "3 communes dessinées sur 4, 1 en échec." in page.page.locator("#status").inner_text()
    assert not page.page.locator("#controls").is_visible()
    assert page.problems == []
    page.screenshot(f"batch-map-{viewport['width']}.png")


def test_the_commune_view_offers_the_batch_in_its_picker(open_map: object) -> None:
    page: MapPage = open_map("?commune=75110")  # type: ignore[operator]
    assert page.state()["batch"] is None
    picker = page.page.locator("#batch-select")
    assert picker.is_visible()
    assert picker.locator("option").all_inner_texts()[1].startswith(f"lot {BATCH['id']}")
    assert page.problems == []


def test_an_unknown_batch_is_said_missing(open_map: object) -> None:
    page: MapPage = open_map("?batch=0123456789abcdef")  # type: ignore[operator]
    assert page.state()["batch"] is None
    assert page.state()["errors"], "the page says the batch was not found"
