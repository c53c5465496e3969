# SPDX-License-Identifier: MIT
"""/map over a commune loaded without population: it says so, and how to add one.

The commune is the shipped one loaded from its manifest minus the ``population`` entry (the same
path as ``mobility commune load``), in a store and a server of this module's own. The API then
answers ``summary.share: null`` with ``summary.share_unavailable_reason``; the page must show that
reason and never "no gap: everyone is within reach", nor offer siting.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mobility.manifest import load_manifest
from mobility.store import open_store
from tests.support.paths import SAMPLE_MANIFEST
from tests.support.server import serve
from tests.web.conftest import DESKTOP, PHONE, MapPage
from tests.web.test_map import api, plain

CODE = "75110"
VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]

OpenMap = Callable[..., MapPage]


def manifest_without_population(folder: Path) -> Path:
    """The shipped manifest with its files named by absolute path and no population entry."""
    manifest = json.loads(SAMPLE_MANIFEST.read_text(encoding="utf-8"))
    base = SAMPLE_MANIFEST.parent
    del manifest["population"]
    for entry in [manifest["boundary"], manifest["streets"], *manifest["assets"]]:
        entry["file"] = str(base / entry["file"])
    path = folder / "commune.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def base_url(browser: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """uvicorn over a store holding the shipped commune without its population."""
    folder = tmp_path_factory.mktemp("no-population")
    url = f"sqlite:///{folder / 'store.sqlite'}"
    store = open_store(url)
    try:
        load_manifest(store, manifest_without_population(folder))
    finally:
        store.close()
    with serve(url) as base:
        yield base


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_map_says_the_population_is_missing_and_how_to_add_it(
    open_map: OpenMap, base_url: str, viewport: dict[str, int]
) -> None:
    zones = api(base_url, f"/communes/{CODE}/coverage/zones", layer="charging-points", within_m=300)
    summary = zones["summary"]
    assert summary["share"] is None
    reason = summary["share_unavailable_reason"]
    assert isinstance(reason, str) and reason

    page = open_map(viewport=viewport)
    state = page.state()
    assert state["population"] is None
    assert state["coverage"]["summary"]["share"] is None

    text = plain(page.page.locator("#summary").inner_text())
    assert "Cette commune n'a pas de population chargée" in text, text
    assert "--population zones.geojson --population-field" in text, text
    assert f"mobility commune add {CODE}" in text, text
    assert plain(reason) in text, text
    assert page.page.locator("#summary [lang=en]").inner_text() == reason
    assert "%" not in text and "non calculable" not in text

    gaps = plain(page.page.locator("#gaps").inner_text())
    assert "Manques inconnus : la commune n'a pas de population chargée" in gaps, gaps
    body = page.page.locator("body").inner_text()
    assert "Aucun manque" not in body and "tous les habitants" not in body

    button = page.page.get_by_role("button", name="Suggérer des sites")
    assert button.is_disabled()
    reason_shown = page.page.locator("#siting-reason").inner_text()
    assert reason_shown == (
        "Indisponible : sans population chargée, aucun site ne peut rapprocher personne."
    )
    assert state["sitingButton"] == {"enabled": False, "reason": "sitingNoPopulation"}
    page.screenshot(f"no-population-fr-{viewport['width']}.png", full_page=True)

    page.page.get_by_role("button", name="Switch to English").click()
    text = plain(page.page.locator("#summary").inner_text())
    assert "This commune has no population loaded" in text, text
    assert plain(reason) in text
    assert "No gap" not in page.page.locator("body").inner_text()
    assert (
        "Gaps unknown: the commune has no population loaded"
        in page.page.locator("#gaps").inner_text()
    )
    assert page.page.locator("#siting-reason").inner_text() == (
        "Not available: without population loaded, no site can bring anyone within reach."
    )
    assert page.page.get_by_role("button", name="Suggest sites").is_disabled()
    page.screenshot(f"no-population-en-{viewport['width']}.png", full_page=True)
    assert page.problems == []
