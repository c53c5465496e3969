# SPDX-License-Identifier: MIT
"""What a citizen reads on /map, at both sizes (1400×900 and 390×844), in French and English.

Whom the figures count is what the API says of the population source (never assumed); a gap's
distance is said to be that of its people nearest to an asset; an API refusal is told in the
page's language with the API's words below; "Suggest" is disabled, with the reason, while a
search is running.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.web.conftest import DESKTOP, PHONE, MapPage
from tests.web.test_map import NNBSP, api, fr_integer, plain

CODE = "75110"
VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
# Whole words only: the API's English "inhabitants" in the technical text is not the page's.
FRENCH_RESIDENTS = re.compile(r"\bhabitants?\b", re.IGNORECASE)
ENGLISH_RESIDENTS = re.compile(r"\bresidents?\b", re.IGNORECASE)

OpenMap = Callable[..., MapPage]


def population_source(base_url: str) -> dict[str, Any]:
    commune = api(base_url, f"/collections/communes/items/{CODE}")
    (source,) = [s for s in commune["properties"]["info"]["sources"] if s["role"] == "population"]
    return source  # type: ignore[no-any-return]


def text_of(page: MapPage, selector: str) -> str:
    return plain(page.page.locator(selector).inner_text())


def ask_sites(page: MapPage, label: str, button: str, count: str = "3") -> None:
    page.page.get_by_label(label).fill(count)
    page.page.get_by_role("button", name=button).click()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_panel_names_the_population_the_api_describes_in_both_languages(
    open_map: OpenMap, base_url: str, viewport: dict[str, int]
) -> None:
    source = population_source(base_url)
    demand = api(
        base_url, f"/communes/{CODE}/coverage/zones", layer="charging-points", within_m=300
    )["method"]["demand"]
    page = open_map(viewport=viewport)
    ask_sites(page, "Nombre de sites", "Suggérer des sites")
    page.wait("() => window.mapState.counts.suggestions === 3 && window.mapState.pending === 0")
    assert page.state()["population"]["attribution"] == source["attribution"]

    panels = ("#summary", "#gaps-population", "#siting-summary", "#method")
    for selector in panels:
        text = text_of(page, selector)
        assert "Qui est compté" in text, selector
        assert plain(source["attribution"]) in text, selector
        assert demand["population_field"] in text, selector
    assert "personnes comptées" in text_of(page, "#summary")
    assert "personnes comptées" in text_of(page, "#gaps")
    assert "personnes comptées" in text_of(page, "#suggestions")
    body = page.page.locator("body").inner_text()
    assert not FRENCH_RESIDENTS.search(body), FRENCH_RESIDENTS.findall(body)
    page.screenshot(f"population-fr-{viewport['width']}.png", full_page=True)

    page.page.get_by_role("button", name="Switch to English").click()
    for selector in panels:
        text = text_of(page, selector)
        assert "Who is counted:" in text, selector
        assert plain(source["attribution"]) in text, selector
    assert "of the people counted live within 300" in text_of(page, "#summary")
    assert "people counted" in text_of(page, "#gaps")
    body = page.page.locator("body").inner_text()
    assert not ENGLISH_RESIDENTS.search(body), ENGLISH_RESIDENTS.findall(body)
    page.screenshot(f"population-en-{viewport['width']}.png", full_page=True)
    assert page.problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_gap_says_its_distance_is_that_of_its_people_nearest_to_an_asset(
    open_map: OpenMap, base_url: str, viewport: dict[str, int]
) -> None:
    gaps = api(base_url, f"/communes/{CODE}/gaps", layer="charging-points", within_m=300)
    first = gaps["features"][0]["properties"]
    assert first["nearest_asset_m"] is not None
    page = open_map(viewport=viewport)
    item = page.page.locator("ol#gaps > li").first
    text = plain(item.inner_text())
    assert text.startswith(
        f"Manque n°1 : {fr_integer(first['population_unserved'])} personnes comptées à plus de "
        f"300{NNBSP}m à pied"
    ), text
    assert (
        "Les personnes comptées de ce manque les plus proches d'un équipement en sont à "
        f"{fr_integer(first['nearest_asset_m'])}{NNBSP}m à pied par les rues ; "
        "les autres en sont plus loin."
    ) in text, text
    assert "équipement le plus proche à" not in text

    page.page.get_by_role("button", name="Switch to English").click()
    text = plain(page.page.locator("ol#gaps > li").first.inner_text())
    metres = f"{round(first['nearest_asset_m']):,}"
    assert (
        "The people counted in this gap who are nearest to an asset are "
        f"{metres}{NNBSP}m on foot from it along the streets; the others are farther."
    ) in text, text
    item.scroll_into_view_if_needed()
    page.screenshot(f"gaps-{viewport['width']}.png")
    assert page.problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_api_refusal_is_told_in_the_page_language_with_the_api_words_below(
    open_map: OpenMap, base_url: str, viewport: dict[str, int]
) -> None:
    refusal = httpx.post(
        f"{base_url}/communes/{CODE}/siting",
        json={"layer": "charging-points", "mode": "walk", "within_m": 300, "count": 0},
        timeout=30,
    )
    assert refusal.status_code == 422
    (field_error,) = refusal.json()["errors"]
    assert field_error["field"] == "count"

    page = open_map(viewport=viewport)
    # The form forbids 0; a reader who bypasses it meets the API's own refusal.
    page.page.evaluate("() => document.querySelector('#site-count').removeAttribute('min')")
    ask_sites(page, "Nombre de sites", "Suggérer des sites", count="0")
    page.wait("() => window.mapState.errors.length > 0 && window.mapState.pending === 0")
    error = page.page.locator("#siting-summary .siting-summary__error")
    message = error.locator(".problem__message").inner_text()
    assert message == "La demande a été refusée : valeur non acceptée pour le nombre de sites."
    detail = error.locator(".problem__detail")
    assert field_error["message"] in detail.inner_text()
    assert detail.get_attribute("lang") == "en"
    assert message in page.page.locator("#status").inner_text()
    error.scroll_into_view_if_needed()
    page.screenshot(f"error-fr-{viewport['width']}.png")

    page.page.get_by_role("button", name="Switch to English").click()
    message = error.locator(".problem__message").inner_text()
    assert message == "The request was refused: value not accepted for the number of sites."
    assert message in page.page.locator("#status").inner_text()
    assert field_error["message"] in error.locator(".problem__detail").inner_text()
    assert page.page.locator("#siting-submit").is_enabled()
    # The only problems the browser met are the refusal itself (the response, and Chromium's
    # console line about it).
    assert any(p.startswith("HTTP 422") and p.endswith("/siting") for p in page.problems)
    assert all("422" in p for p in page.problems), page.problems


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_suggest_is_disabled_with_its_reason_while_a_search_is_running(
    open_map: OpenMap, viewport: dict[str, int]
) -> None:
    page = open_map(viewport=viewport)
    button = page.page.get_by_role("button", name="Suggérer des sites")
    reason = page.page.locator("#siting-reason")
    assert button.is_enabled() and reason.inner_text() == ""
    held: list[Any] = []
    page.page.route(f"**/communes/{CODE}/siting", lambda route: held.append(route))

    ask_sites(page, "Nombre de sites", "Suggérer des sites")
    page.wait("() => window.mapState.sitingRunning === true")
    while not held:  # the request reaches the route once the browser sends it
        page.page.wait_for_timeout(20)
    assert button.is_disabled()
    assert reason.inner_text() == "Recherche en cours : patientez jusqu'à sa réponse."
    assert button.get_attribute("aria-describedby") == "siting-reason"
    assert page.state()["sitingButton"] == {"enabled": False, "reason": "sitingBusy"}
    button.scroll_into_view_if_needed()
    page.screenshot(f"siting-busy-{viewport['width']}.png")

    held[0].continue_()
    page.wait("() => window.mapState.counts.suggestions === 3 && window.mapState.pending === 0")
    assert button.is_enabled() and reason.inner_text() == ""
    assert page.state()["sitingButton"] == {"enabled": True, "reason": None}
    assert page.problems == []
