# SPDX-License-Identifier: MIT
"""The documentation pages load nothing from elsewhere; every answer carries security headers."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.docs_pages import ASSETS
from api.map_page import STATIC_DIR

URL = re.compile(r"""(?:src|href)=["']([^"']+)["']|url:\s*["']([^"']+)["']|(https?://[^\s"'<>]+)""")


def _urls(html: str) -> list[str]:
    return [next(part for part in match if part) for match in URL.findall(html)]


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_documentation_pages_reference_only_this_server(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    urls = _urls(page.text)
    assert urls, "the page references its assets"
    external = [url for url in urls if "://" in url or url.startswith("//")]
    assert external == []
    assert all(url.startswith((ASSETS + "/", "/api")) for url in urls), urls
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    if not (STATIC_DIR / "docs").is_dir():
        pytest.skip("the documentation assets are not built (make web)")
    for url in urls:
        if url.startswith(ASSETS):
            asset = client.get(url)
            assert asset.status_code == 200 and len(asset.content) > 500, url


def test_the_url_finder_sees_a_cdn() -> None:
    """The check above can fail: a page that loads Swagger UI from a CDN is caught."""
    html = '<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js">'
    assert _urls(html) == ["https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/collections", 200),
        ("GET", "/collections/communes/items/75110", 200),
        ("GET", "/collections/communes/items/99999", 404),
        ("GET", "/ocpi/2.2.1/locations/FRXXXPNOPE", 401),
        ("DELETE", "/collections/charging-points/items/nope", 401),
        ("GET", "/api", 200),
    ],
)
def test_every_answer_carries_security_headers(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_the_map_keeps_its_own_policy(client: TestClient) -> None:
    page = client.get("/map")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
