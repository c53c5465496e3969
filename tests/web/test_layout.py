# SPDX-License-Identifier: MIT
"""The /map page's first screen on a desktop (1400×900) and a phone (390×844).

On a phone the map comes first, right under the header, and fills most of the first screen; on a
desktop the legend (with the layer switches) is on the map, visible without scrolling. Both are
checked with the elements' bounding boxes against the viewport, before any scrolling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.web.conftest import DESKTOP, PHONE, MapPage

OpenMap = Callable[..., MapPage]


def box(page: MapPage, selector: str) -> dict[str, float]:
    found = page.page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not rendered"
    return found  # type: ignore[no-any-return]


def within_first_screen(found: dict[str, float], viewport: dict[str, int]) -> bool:
    return (
        found["y"] >= 0
        and found["x"] >= 0
        and found["y"] + found["height"] <= viewport["height"]
        and found["x"] + found["width"] <= viewport["width"]
    )


def scrolled(page: MapPage) -> Any:
    return page.page.evaluate("() => [window.scrollX, window.scrollY]")


def test_on_a_desktop_the_legend_and_its_switches_are_on_the_first_screen(
    open_map: OpenMap,
) -> None:
    page = open_map(viewport=DESKTOP)
    assert scrolled(page) == [0, 0]
    legend = box(page, "#legend")
    assert within_first_screen(legend, DESKTOP), legend
    map_box = box(page, "#map")
    assert within_first_screen(map_box, DESKTOP), map_box
    # The legend lies on the map, and leaves most of it free.
    assert (
        map_box["x"] <= legend["x"]
        and legend["x"] + legend["width"] <= map_box["x"] + map_box["width"]
    )
    assert legend["width"] * legend["height"] < 0.25 * map_box["width"] * map_box["height"]
    switches = page.page.locator("#legend input[type=checkbox]")
    assert switches.count() == 9
    for i in range(switches.count()):
        assert within_first_screen(box(page, f"#legend li:nth-child({i + 1}) input"), DESKTOP)

    # A switch works from where it is: the gaps leave the map and come back.
    gaps = page.page.get_by_label("Manques (personnes comptées hors de portée)", exact=False)
    gaps.uncheck()
    assert page.page.locator(".leaflet-gaps-pane path").count() == 0
    gaps.check()
    assert page.page.locator(".leaflet-gaps-pane path").count() == page.state()["counts"]["gaps"]

    # The controls and the coverage figure are on the first screen too.
    assert within_first_screen(box(page, "#controls"), DESKTOP)
    assert within_first_screen(box(page, "#summary .summary__figure"), DESKTOP)
    page.screenshot("layout-desktop.png")
    assert page.problems == []


def test_on_a_phone_the_map_comes_first_and_fills_the_first_screen(open_map: OpenMap) -> None:
    page = open_map(viewport=PHONE)
    assert scrolled(page) == [0, 0]
    width = page.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways at phone width"

    header, map_box = box(page, ".site-header"), box(page, "#map")
    controls, panels = box(page, "#controls"), box(page, "#panels")
    assert within_first_screen(map_box, PHONE), map_box
    assert map_box["y"] <= header["y"] + header["height"] + 2  # right under the header
    assert map_box["width"] >= PHONE["width"] - 2
    assert map_box["height"] >= 0.6 * PHONE["height"], map_box
    # Then the question, then the panels.
    assert map_box["y"] + map_box["height"] <= controls["y"] + 1
    assert controls["y"] + controls["height"] <= panels["y"] + 1

    # The legend is folded into one button on the map, which opens it.
    legend = page.page.locator("#legend-control")
    assert legend.get_attribute("open") is None
    toggle = box(page, "#legend-control > summary")
    assert within_first_screen(toggle, PHONE)
    page.page.locator("#legend-control > summary").click()
    assert legend.get_attribute("open") is not None
    assert page.page.locator("#legend").is_visible()
    page.page.locator("#legend-control > summary").click()

    page.screenshot("layout-phone.png")
    page.screenshot("layout-phone-full.png", full_page=True)
    assert page.problems == []
