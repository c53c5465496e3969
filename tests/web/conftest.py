# SPDX-License-Identifier: MIT
"""Fixtures of the /map browser tests: Debian's Chromium driven by Playwright, a real server.

The tests skip, with the reason printed, when /usr/bin/chromium, Playwright or the built assets
are missing, unless MOBILITY_TEST_REQUIRE_BROWSER is set (as .ci/run does): then they fail.
No browser is downloaded: Playwright launches the system Chromium.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from api.routers.web import MAP_PAGE
from tests.conftest import API_KEY
from tests.support.paths import ROOT
from tests.support.server import serve
from tests.support.stores import copy_sqlite

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
# A function, not a string: the page's Content-Security-Policy forbids eval.
READY = "() => window.mapState && window.mapState.ready && window.mapState.pending === 0"


def _unavailable(reason: str) -> None:
    if os.environ.get("MOBILITY_TEST_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (MOBILITY_TEST_REQUIRE_BROWSER is set)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium, launched once for the session."""
    if not CHROMIUM.exists():
        _unavailable(f"no browser: {CHROMIUM} is absent (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    if not MAP_PAGE.is_file():
        _unavailable(f"the map's assets are not built ({MAP_PAGE}): run `make web`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def base_url(
    browser: Any, sample_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """uvicorn in a subprocess over a private copy of the shipped commune.

    It accepts the tests' API key (``X-API-Key``), so that a test can write (e.g. a scenario)
    through the API as a planner would; the page itself never writes.
    """
    url = copy_sqlite(sample_template, tmp_path_factory.mktemp("web") / "store.sqlite")
    with serve(url, MOBILITY_API_KEYS=API_KEY) as base:
        yield base


@dataclass
class MapPage:
    """A browser page on /map, with every console error and failed request it met."""

    page: Any
    problems: list[str] = field(default_factory=list)

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.page.evaluate("() => window.mapState")
        return state

    def wait(self, predicate: str = READY, timeout_ms: float = 30_000) -> None:
        self.page.wait_for_function(predicate, timeout=timeout_ms)

    def screenshot(self, name: str, *, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def open_map(browser: Any, base_url: str) -> Iterator[Callable[..., MapPage]]:
    """Open /map (query and viewport given) in a fresh context and wait until it is drawn."""
    contexts: list[Any] = []

    def _open(query: str = "", viewport: dict[str, int] = DESKTOP) -> MapPage:
        context = browser.new_context(viewport=viewport, locale="fr-FR")
        contexts.append(context)
        page = context.new_page()
        watched = MapPage(page)

        def on_console(message: Any) -> None:
            if message.type in ("error", "warning"):
                watched.problems.append(f"console {message.type}: {message.text}")

        def on_response(response: Any) -> None:
            if response.status >= 400:
                watched.problems.append(f"HTTP {response.status}: {response.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: watched.problems.append(f"page error: {error}"))
        page.on(
            "requestfailed",
            lambda request: watched.problems.append(
                f"request failed: {request.url} ({request.failure})"
            ),
        )
        page.on("response", on_response)
        response = page.goto(f"{base_url}/map{query}")
        assert response is not None and response.status == 200, response
        watched.wait()
        return watched

    yield _open
    for context in contexts:
        context.close()
