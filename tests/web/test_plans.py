# SPDX-License-Identifier: MIT
"""A plan (what-if scenario) on /map: chosen in the selector or linked, drawn, and explained.

The test creates a scenario through the API (three planned charging points: one in the largest
gap, two in the smallest), then compares what the page draws and writes with the API's answers:
the scenario's assets, the analyses run with ``scenario=`` and ``/scenarios/{id}/compare``.
This module has its own server (``base_url`` is per module), so the plan is not seen elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from shapely.geometry import shape

from tests.conftest import API_KEY
from tests.web.conftest import PHONE, MapPage
from tests.web.test_map import NNBSP, api, fr_integer, fr_percent, plain

CODE = "75110"
PLAN_NAME = "Trois bornes près des manques"
ANALYSES = ("/coverage/zones", "/service-areas", "/gaps")

OpenMap = Callable[..., MapPage]


@pytest.fixture(scope="module")
def plan(base_url: str) -> dict[str, Any]:
    """A scenario adding three planned charging points (only their power is given)."""
    gaps = api(base_url, f"/communes/{CODE}/gaps", layer="charging-points", within_m=300)
    places = [shape(gaps["features"][i]["geometry"]).representative_point() for i in (0, -1, -2)]
    body = {
        "commune": CODE,
        "name": PLAN_NAME,
        "description": "Trois bornes de 22 kW proposées au conseil.",
        "add": [
            {
                "layer": "charging-points",
                "properties": {"puissance_nominale": 22},
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
                        "properties": {},
                    }
                    for point in places
                ],
            }
        ],
    }
    response = httpx.post(
        f"{base_url}/scenarios", json=body, headers={"X-API-Key": API_KEY}, timeout=30
    )
    assert response.status_code == 201, response.text
    scenario: dict[str, Any] = response.json()
    assert scenario["counts"] == {"charging-points": {"add": 3, "change": 0, "remove": 0}}
    return scenario


def compared(base_url: str, sid: str, within_m: int, mode: str = "walk") -> dict[str, Any]:
    answer = api(
        base_url,
        f"/scenarios/{sid}/compare",
        within_m=within_m,
        mode=mode,
        layer="charging-points",
    )
    (layer,) = answer["layers"]
    return layer  # type: ignore[no-any-return]


def fr_gaps(closed: int, reduced: int) -> str:
    """The French sentence on gaps, by the page's rules."""
    if closed == 0 and reduced == 0:
        return "Aucune zone de manque n'est comblée ni réduite."
    if closed == 0:
        if reduced == 1:
            return "Aucune zone de manque n'est entièrement comblée ; 1 est réduite."
        return f"Aucune zone de manque n'est entièrement comblée ; {reduced} sont réduites."
    head = "1 zone de manque comblée" if closed == 1 else f"{closed} zones de manque comblées"
    if reduced == 0:
        return f"{head}."
    return f"{head}, 1 autre réduite." if reduced == 1 else f"{head}, {reduced} autres réduites."


def en_percent(share: float) -> str:
    """Format a 0-1 share as en-GB with one decimal, rounded half up: 64.7%."""
    value = (Decimal(str(share)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def en_integer(value: float) -> str:
    """Format as en-GB a whole number rounded half up: 8,769."""
    return f"{int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}"


def analysis_urls(page: MapPage) -> list[str]:
    """The analysis requests the page made (from the browser's resource timings)."""
    names: list[str] = page.page.evaluate(
        "() => performance.getEntriesByType('resource').map((entry) => entry.name)"
    )
    return [name for name in names if any(f"/communes/{CODE}{a}?" in name for a in ANALYSES)]


def shares_drawn(state: dict[str, Any]) -> dict[str, float]:
    return {zone: s for zone, s in state["coverage"]["shares"].items() if s is not None}


def coverage_shares(base_url: str, within_m: int, **extra: Any) -> dict[str, float]:
    report = api(
        base_url,
        f"/communes/{CODE}/coverage",
        layer="charging-points",
        within_m=within_m,
        **extra,
    )
    return {row["zone"]: row["share"] for row in report["zones"]}


def test_a_linked_plan_is_selected_drawn_and_explained_with_the_compare_figures(
    open_map: OpenMap, base_url: str, plan: dict[str, Any]
) -> None:
    sid = plan["id"]
    page = open_map(f"?scenario={sid}")
    state = page.state()

    select = page.page.get_by_label("Plan (scénario)")
    assert select.input_value() == sid
    assert select.locator("option:checked").inner_text() == PLAN_NAME
    assert state["scenario"]["id"] == sid and state["scenario"]["name"] == PLAN_NAME
    assert parse_qs(urlsplit(page.page.url).query)["scenario"] == [sid]

    # The assets are the plan's: the three new points drawn ringed, and counted.
    layer = api(base_url, f"/scenarios/{sid}/assets/charging-points")
    added = [f for f in layer["features"] if f["properties"]["scenario_change"] == "add"]
    assert len(added) == 3 and all(f["properties"]["planned"] for f in added)
    base_count = api(base_url, "/collections/charging-points/items", commune=CODE, limit=1)[
        "numberMatched"
    ]
    assert state["counts"]["charging-points"] == len(layer["features"]) == base_count + 3
    assert state["planned"]["charging-points"] == {"add": 3, "change": 0}
    assert state["counts"]["planned"] == 3
    assert page.page.locator(".asset-marker--charging-points").count() == base_count + 3
    assert page.page.locator(".asset-marker--planned-add").count() == 3
    legend = plain(page.page.locator(".legend__item--plannedAdd").inner_text())
    assert legend == "Nouveaux équipements du plan (3)"
    assert page.page.locator(".legend__item--plannedAdd").is_visible()

    # Every analysis ran on the plan, and what is drawn is what the API answers for it.
    urls = analysis_urls(page)
    assert len(urls) == 3 and all(parse_qs(urlsplit(u).query)["scenario"] == [sid] for u in urls)
    assert shares_drawn(state) == coverage_shares(base_url, 300, scenario=sid)
    assert f"Chiffres avec le plan «{NNBSP}{PLAN_NAME}{NNBSP}»" in plain(
        page.page.locator("#summary").inner_text()
    )

    # The explanation: the /compare figures, in words.
    figures = compared(base_url, sid, 300)
    comparison = state["comparison"]
    assert comparison["question"] == {"layer": "charging-points", "mode": "walk", "within_m": 300}
    assert comparison["share"] == figures["share"]
    assert comparison["population_covered"] == figures["population_covered"]
    assert (
        comparison["assets"]
        == figures["assets"]
        == {"base": base_count, "scenario": base_count + 3}
    )
    closed, reduced = len(figures["gaps"]["closed"]), len(figures["gaps"]["reduced"])
    assert comparison["gaps_closed"] == closed > 0
    assert comparison["gaps_reduced"] == reduced
    change = figures["population_covered"]["change"]
    assert change > 0

    panel = page.page.locator("#plan-panel")
    assert panel.is_visible()
    text = plain(panel.inner_text())
    assert (
        f"Avec le plan «{NNBSP}{PLAN_NAME}{NNBSP}», {fr_percent(figures['share']['scenario'])} "
        f"des personnes comptées vivent à moins de 300{NNBSP}m à pied d'une borne, contre "
        f"{fr_percent(figures['share']['base'])} aujourd'hui "
        f"(+{fr_integer(change)} personnes comptées)."
    ) in text, text
    assert fr_gaps(closed, reduced) in text, text
    assert (
        f"Équipements comptés : {fr_integer(base_count)} aujourd'hui, "
        f"{fr_integer(base_count + 3)} avec le plan (ajouts : 3, modifications : 0, retraits : 0)."
    ) in text, text
    assert plan["description"] in text

    # A new point opens from the keyboard and says it is planned.
    marker = page.page.locator(".asset-marker--planned-add").first
    assert "nouveau, prévu par le plan" in (marker.get_attribute("title") or "")
    marker.focus()
    page.page.keyboard.press("Enter")
    popup = page.page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert f"Nouveau dans le plan «{NNBSP}{PLAN_NAME}{NNBSP}»" in plain(popup.inner_text())
    assert "22 kW" in plain(popup.inner_text()).replace(NNBSP, " ")

    page.page.get_by_role("button", name="Voir les équipements du plan sur la carte").click()
    page.screenshot("map-desktop-plan.png")
    assert page.problems == []


def test_the_plan_follows_the_question_the_address_and_the_language(
    open_map: OpenMap, base_url: str, plan: dict[str, Any]
) -> None:
    sid = plan["id"]
    page = open_map()
    select = page.page.get_by_label("Plan (scénario)")
    select.focus()
    select.select_option(sid)
    page.wait(
        "() => window.mapState.scenario && window.mapState.comparison"
        " && window.mapState.counts.planned === 3 && window.mapState.pending === 0"
    )
    assert parse_qs(urlsplit(page.page.url).query)["scenario"] == [sid]

    # The explanation answers the question asked: at 200 m, the /compare figures at 200 m.
    slider = page.page.get_by_label("Distance le long des rues")
    slider.focus()
    page.page.keyboard.press("ArrowLeft")
    page.page.keyboard.press("ArrowLeft")  # 300 m → 200 m, by steps of 50 m
    page.wait(
        "() => window.mapState.comparison && window.mapState.comparison.question.within_m === 200"
        " && window.mapState.pending === 0"
    )
    figures = compared(base_url, sid, 200)
    state = page.state()
    assert state["comparison"]["share"] == figures["share"]
    assert state["comparison"]["population_covered"] == figures["population_covered"]
    assert shares_drawn(state) == coverage_shares(base_url, 200, scenario=sid)
    change = figures["population_covered"]["change"]
    text = plain(page.page.locator("#plan-panel").inner_text())
    assert (
        f"{fr_percent(figures['share']['scenario'])} des personnes comptées vivent à moins de "
        f"200{NNBSP}m à pied d'une borne, contre {fr_percent(figures['share']['base'])} "
        f"aujourd'hui (+{fr_integer(change)} personnes comptées)."
    ) in text, text

    page.page.get_by_role("button", name="Switch to English").click()
    text = page.page.locator("#plan-panel").inner_text()
    assert (
        f"With the plan “{PLAN_NAME}”, {en_percent(figures['share']['scenario'])} of the people "
        f"counted live within 200\u00a0m on foot of a charging point, against "
        f"{en_percent(figures['share']['base'])} today (+{en_integer(change)} people counted)."
    ) in text, text
    assert page.page.get_by_label("Plan (scenario)").input_value() == sid
    query = parse_qs(urlsplit(page.page.url).query)
    assert query["scenario"] == [sid] and query["lang"] == ["en"]

    # Back to the current data: the plan leaves the map, the panel and the address.
    page.page.get_by_label("Plan (scenario)").select_option("")
    page.wait(
        "() => window.mapState.scenario === null && window.mapState.counts.planned === 0"
        " && window.mapState.coverage.question.scenario === null && window.mapState.pending === 0"
    )
    assert "scenario" not in parse_qs(urlsplit(page.page.url).query)
    assert page.page.locator(".asset-marker--planned").count() == 0
    assert page.page.locator("#plan-panel").is_hidden()
    assert page.state()["comparison"] is None
    assert shares_drawn(page.state()) == coverage_shares(base_url, 200)
    assert page.problems == []


def test_without_a_plan_the_page_shows_the_current_data_as_before(
    open_map: OpenMap, base_url: str, plan: dict[str, Any]
) -> None:
    page = open_map()
    state = page.state()
    select = page.page.get_by_label("Plan (scénario)")
    assert select.input_value() == ""
    options = select.locator("option")
    assert [options.nth(i).inner_text() for i in range(options.count())] == [
        "Données actuelles",
        PLAN_NAME,
    ]
    assert state["scenario"] is None and state["comparison"] is None
    assert state["counts"]["planned"] == 0
    for layer in ("charging-points", "parking", "hubs"):
        matched = api(base_url, f"/collections/{layer}/items", commune=CODE, limit=1)
        assert state["counts"][layer] == matched["numberMatched"], layer
    assert page.page.locator(".asset-marker--planned").count() == 0
    assert page.page.locator("#plan-panel").is_hidden()
    assert page.page.locator(".legend__item--plan").first.is_hidden()
    urls = analysis_urls(page)
    assert len(urls) == 3 and all("scenario" not in parse_qs(urlsplit(u).query) for u in urls)
    assert shares_drawn(state) == coverage_shares(base_url, 300)
    assert "Chiffres avec le plan" not in page.page.locator("#summary").inner_text()
    assert page.problems == []


def test_a_plan_at_phone_width_keeps_the_page_narrow(
    open_map: OpenMap, plan: dict[str, Any]
) -> None:
    page = open_map(f"?scenario={plan['id']}", viewport=PHONE)
    width = page.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways at phone width"
    map_box = page.page.locator("#map").bounding_box()
    panel = page.page.locator("#plan-panel").bounding_box()
    assert map_box is not None and panel is not None
    assert map_box["y"] + map_box["height"] <= panel["y"] + 1
    page.screenshot("map-phone-plan.png", full_page=True)
    assert page.problems == []
