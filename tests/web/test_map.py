# SPDX-License-Identifier: MIT
"""The /map page in a real browser: what it draws and says is what the API answers.

Each test opens the page served by uvicorn over the shipped commune and compares what is drawn
(``window.mapState`` and the DOM) and written (the French sentences) with the API's own answers,
fetched by the test. Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pytest

from tests.web.conftest import MapPage

CODE = "75110"
LAYERS = ("charging-points", "parking", "hubs")
NNBSP = "\u202f"  # fr-FR groups thousands with a narrow no-break space
SPACES = re.compile("[\u00a0\u202f]")  # either no-break space, before "%" and "m"

OpenMap = Callable[..., MapPage]


def fr_integer(value: float) -> str:
    """Format like Intl.NumberFormat('fr-FR') a whole number rounded half up: 1 240, 12 345."""
    number = int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{number:,}".replace(",", NNBSP)


def fr_percent(share: float) -> str:
    """Format a 0-1 share as fr-FR with one decimal: 64,7 %."""
    value = (Decimal(str(share)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}".replace(".", ",") + NNBSP + "%"


def plain(text: str) -> str:
    """Fold both no-break spaces into one, so that CLDR's choice of space does not matter."""
    return SPACES.sub(NNBSP, text)


def api(base_url: str, path: str, **params: Any) -> Any:
    response = httpx.get(f"{base_url}{path}", params=params, timeout=30)
    response.raise_for_status()
    return response.json()


def coverage_shares(base_url: str, within_m: int) -> dict[str, float]:
    report = api(base_url, f"/communes/{CODE}/coverage", layer="charging-points", within_m=within_m)
    return {row["zone"]: row["share"] for row in report["zones"]}


def test_the_page_draws_the_layers_and_zones_the_api_serves(
    open_map: OpenMap, base_url: str
) -> None:
    page = open_map()
    state = page.state()

    for layer in LAYERS:
        matched = api(base_url, f"/collections/{layer}/items", commune=CODE, limit=1)
        assert state["counts"][layer] == matched["numberMatched"] > 0, layer
        assert page.page.locator(f".asset-marker--{layer}").count() == matched["numberMatched"]

    zones = api(base_url, f"/communes/{CODE}/coverage/zones", layer="charging-points", within_m=300)
    table = coverage_shares(base_url, 300)
    assert state["counts"]["zones"] == len(zones["features"]) > 0
    assert page.page.locator(".leaflet-zones-pane path").count() == len(zones["features"])
    drawn = state["coverage"]["shares"]
    assert {zone: share for zone, share in drawn.items() if share is not None} == table
    assert all(share is None for zone, share in drawn.items() if zone not in table)

    gaps = api(base_url, f"/communes/{CODE}/gaps", layer="charging-points", within_m=300)
    assert state["counts"]["gaps"] == len(gaps["features"])
    assert page.page.locator(".leaflet-gaps-pane path").count() == len(gaps["features"])
    assert state["counts"]["streets"] == len(
        api(base_url, f"/communes/{CODE}/streets.geojson")["features"]
    )

    summary = plain(page.page.locator("#summary").inner_text())
    share = zones["summary"]["share"]
    assert (
        f"{fr_percent(share)} des personnes comptées vivent à moins de 300{NNBSP}m à pied"
        in summary
    )

    commune = api(base_url, f"/collections/communes/items/{CODE}")
    sources = page.page.locator("#sources").inner_text()
    for source in commune["properties"]["info"]["sources"]:
        assert source["attribution"] in sources
    assert "© OpenStreetMap contributors" in sources
    attribution = page.page.locator(".leaflet-control-attribution").inner_text()
    assert "© OpenStreetMap contributors" in attribution
    assert page.page.locator("html").get_attribute("lang") == "fr"

    path = page.screenshot("map-desktop.png")
    assert path.stat().st_size > 20_000
    assert page.problems == []


def test_changing_the_distance_redraws_the_coverage_as_the_api_says(
    open_map: OpenMap, base_url: str
) -> None:
    page = open_map()
    before = page.state()["coverage"]["shares"]

    slider = page.page.get_by_label("Distance le long des rues")
    slider.focus()
    page.page.keyboard.press("End")  # the keyboard moves the slider to its maximum, 1 000 m
    page.wait(
        "() => window.mapState.coverage && window.mapState.coverage.question.within_m === 1000"
        " && window.mapState.pending === 0"
    )

    after = {zone: s for zone, s in page.state()["coverage"]["shares"].items() if s is not None}
    assert after == coverage_shares(base_url, 1000)
    assert after != {zone: s for zone, s in before.items() if s is not None}
    assert plain(page.page.locator("#distance-value").inner_text()) == f"1{NNBSP}000{NNBSP}m"
    summary = plain(page.page.locator("#summary").inner_text())
    assert f"1{NNBSP}000{NNBSP}m à pied" in summary
    assert page.problems == []


def test_where_next_shows_numbered_sites_explained_with_the_siting_numbers(
    open_map: OpenMap, base_url: str
) -> None:
    page = open_map()
    page.page.get_by_label("Nombre de sites").fill("3")
    page.page.get_by_role("button", name="Suggérer des sites").click()
    page.wait("() => window.mapState.counts.suggestions === 3 && window.mapState.pending === 0")

    answer = httpx.post(
        f"{base_url}/communes/{CODE}/siting",
        json={
            "layer": "charging-points",
            "mode": "walk",
            "within_m": 300,
            "count": 3,
            "method": "greedy",
        },
        timeout=30,
    ).json()
    assert len(answer["features"]) == 3

    items = page.page.locator("ol#suggestions > li")
    assert items.count() == 3
    markers = page.page.locator(".leaflet-suggestions-pane .suggestion-marker")
    assert [markers.nth(i).inner_text().strip() for i in range(3)] == ["1", "2", "3"]

    share_before = answer["summary"]["share_before"]
    for index, feature in enumerate(answer["features"]):
        site = feature["properties"]
        text = plain(items.nth(index).inner_text())
        gained = fr_integer(site["population_gained"])
        assert re.search(r"\d" + NNBSP + r"\d{3}", gained) or int(site["population_gained"]) < 1000
        assert (
            f"Ce site rapprocherait {gained} personnes comptées d'une borne à moins de "
            f"300{NNBSP}m à pied" in text
        ), text
        assert f"{fr_percent(share_before)} → {fr_percent(site['share_after'])}" in text, text
        assert f"Site {site['rank']}" in text
        share_before = site["share_after"]

    summary = plain(page.page.locator("#siting-summary").inner_text())
    assert fr_integer(answer["summary"]["population_gained"]) in summary
    assert fr_percent(answer["summary"]["share_after"]) in summary

    items.first.scroll_into_view_if_needed()
    page.screenshot("map-desktop-suggestions.png")
    assert page.problems == []


def test_an_asset_opens_its_details_from_the_keyboard_and_english_is_one_click_away(
    open_map: OpenMap, base_url: str
) -> None:
    page = open_map()
    marker = page.page.locator(".asset-marker--hubs").first
    title = marker.get_attribute("title")
    marker.focus()
    page.page.keyboard.press("Enter")
    popup = page.page.locator(".leaflet-popup-content")
    popup.wait_for()
    hubs = api(base_url, "/collections/hubs/items", commune=CODE, limit=10_000)["features"]
    hub = next(f for f in hubs if title and f["properties"]["name"] in title)
    text = popup.inner_text()
    assert hub["properties"]["name"] in text and "Modes" in text
    for line in hub["properties"]["lines"]:
        assert line in text

    outline = page.page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus is visible

    page.page.get_by_role("button", name="Switch to English").click()
    assert page.page.locator("html").get_attribute("lang") == "en"
    assert page.page.locator("h1").inner_text() == "Where should the next sites go?"
    assert "of the people counted live within 300" in page.page.locator("#summary").inner_text()
    assert page.page.get_by_label("Distance along the streets").count() == 1
    assert page.problems == []


@pytest.mark.parametrize("query", ["?commune=75110&lang=en"])
def test_the_commune_and_language_can_be_chosen_in_the_address(
    open_map: OpenMap, query: str
) -> None:
    page = open_map(query)
    assert page.state()["commune"] == CODE
    assert page.page.locator("html").get_attribute("lang") == "en"
    assert "Paris 10e" in page.page.locator("#commune-title").inner_text()
    assert page.problems == []


def test_the_power_filter_redraws_the_charging_points_and_their_coverage(
    open_map: OpenMap, base_url: str
) -> None:
    page = open_map()
    for label in ("Équipement", "À pied", "En voiture", "Distance le long des rues"):
        assert page.page.get_by_label(label, exact=True).count() == 1, label
    power = page.page.get_by_label("Puissance minimale des bornes")
    power.select_option("50")
    page.wait(
        "() => window.mapState.coverage && window.mapState.coverage.question.min_power_kw === 50"
        " && window.mapState.pending === 0"
    )
    state = page.state()
    fast = api(
        base_url, "/collections/charging-points/items", commune=CODE, min_power_kw=50, limit=1
    )
    assert 0 < state["counts"]["charging-points"] == fast["numberMatched"] < 89
    report = api(
        base_url,
        f"/communes/{CODE}/coverage",
        layer="charging-points",
        within_m=300,
        min_power_kw=50,
    )
    shares = {zone: s for zone, s in state["coverage"]["shares"].items() if s is not None}
    assert shares == {row["zone"]: row["share"] for row in report["zones"]}
    assert "d'une borne de 50 kW ou plus" in page.page.locator("#summary").inner_text()

    page.page.get_by_label("Équipement", exact=True).select_option("hubs")
    page.wait(
        "() => window.mapState.coverage.question.layer === 'hubs' && window.mapState.pending === 0"
    )
    assert power.is_disabled()
    assert page.state()["coverage"]["question"]["min_power_kw"] is None
    assert page.problems == []
