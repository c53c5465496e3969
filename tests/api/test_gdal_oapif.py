# SPDX-License-Identifier: MIT
"""GDAL's OGC API – Features driver (the one QGIS uses) reads every layer as the API says."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pyogrio
import pytest

from tests.support.server import serve

LAYERS = ("charging-points", "parking", "hubs", "communes")


@pytest.fixture
def base_url(sample_store_url: str) -> Iterator[str]:
    with serve(sample_store_url) as url:
        yield url


def _matched(base_url: str, layer: str, **params: object) -> tuple[int, set[str]]:
    body = httpx.get(
        f"{base_url}/collections/{layer}/items", params={"limit": 10000, **params}
    ).json()
    return body["numberMatched"], {str(feature["id"]) for feature in body["features"]}


def test_gdal_reads_every_collection_completely(base_url: str) -> None:
    for layer in LAYERS:
        expected, _ = _matched(base_url, layer)
        assert expected > 0, layer
        frame = pyogrio.read_dataframe(f"OAPIF:{base_url}/collections/{layer}")
        assert len(frame) == expected, layer
        assert frame.crs is not None and frame.crs.to_epsg() == 4326


def test_gdal_pages_through_small_pages(base_url: str) -> None:
    expected, _ = _matched(base_url, "charging-points")
    # PAGE_SIZE is a dataset open option: GDAL then follows our `next` links page after page.
    frame = pyogrio.read_dataframe(f"OAPIF:{base_url}/collections/charging-points", PAGE_SIZE="10")
    assert len(frame) == expected == 89
    assert frame["puissance_nominale"].astype(float).between(0, 1000).all()


def test_gdal_bbox_matches_the_api(base_url: str) -> None:
    bbox = (2.350, 48.870, 2.360, 48.880)
    expected, _ = _matched(base_url, "charging-points", bbox=",".join(map(str, bbox)))
    assert 0 < expected < 89
    frame = pyogrio.read_dataframe(f"OAPIF:{base_url}/collections/charging-points", bbox=bbox)
    assert len(frame) == expected


def test_gdal_sees_the_layer_attributes(base_url: str) -> None:
    frame = pyogrio.read_dataframe(f"OAPIF:{base_url}/collections/hubs")
    assert {"name", "modes", "commune"} <= set(frame.columns)
    info = pyogrio.read_info(f"OAPIF:{base_url}/collections/parking")
    assert "kind" in list(info["fields"])
