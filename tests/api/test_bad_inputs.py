# SPDX-License-Identifier: MIT
"""The bad-input catalogue: every kind of wrong request an integrator may send, on both stores.

Each class is one request through the real ASGI app. It must be refused with its 4xx status as
an ``application/problem+json`` body that names the field at fault (or says the reason), and
every table of the store must be exactly as it was (a digest of all rows before and after), so
no refusal leaves a partial write behind.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.conftest import API_KEY, make_settings
from tests.support.digest import store_digest
from tests.support.ocpi import register
from tests.support.paths import PARIS
from tests.support.stores import copy_sqlite, sample_postgis

KEY = {"X-API-Key": API_KEY}
JSON = {**KEY, "Content-Type": "application/json"}
PARKING = "/collections/parking/items"
POINTS = "/collections/charging-points/items"
SITING = "/communes/75110/siting"
GARE_DE_L_EST = [2.3590, 48.8768]
OCPI_HEADERS: dict[str, dict[str, str]] = {}
"""The registered OCPI party's Authorization header, per backend (OCPI asks a token first)."""
JSON_LIMIT_MB = 2.0
UPLOAD_LIMIT_MB = 4.0


def parking(**properties: Any) -> dict[str, Any]:
    """A valid parking feature in Paris 10e, with the given properties over the defaults."""
    return {
        "type": "Feature",
        "id": "bad-input-probe",
        "geometry": {"type": "Point", "coordinates": GARE_DE_L_EST},
        "properties": {"kind": "bicycle", "capacity": 10, **properties},
    }


def at(coordinates: list[float]) -> dict[str, Any]:
    feature = parking()
    feature["geometry"]["coordinates"] = coordinates
    return feature


def raw(text: str) -> bytes:
    return text.encode()


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def irve_csv(*, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False) -> bytes:
    """The shipped IRVE file re-written with another delimiter or encoding."""
    text = (PARIS / "irve_statique_75110.csv").read_text(encoding="utf-8")
    if delimiter != ",":
        text = text.replace(",", delimiter)
    data = text.encode(encoding, errors="replace")
    return b"\xef\xbb\xbf" + data if bom else data


SITE = {"layer": "charging-points", "within_m": 300}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[2.35, 48.87], [2.37, 48.88], [2.37, 48.87], [2.35, 48.88], [2.35, 48.87]]],
}


@dataclass(frozen=True)
class Bad:
    """One bad request and how it must be refused."""

    method: str
    path: str
    status: int
    fields: tuple[str, ...] = ()
    reason: str = ""
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=lambda: dict(JSON))


CATALOGUE: dict[str, Bad] = {
    # -- bodies that are not JSON, or not the JSON we take ---------------------------------------
    "malformed json": Bad("POST", PARKING, 422, ("body",), content=raw('{"type": "Feature",')),
    "body not utf-8": Bad("POST", PARKING, 400, ("body",), content=b'{"name": "caf\xe9"}'),
    "nan in body": Bad("POST", PARKING, 400, ("body",), content=raw('{"capacity": NaN}')),
    "infinity in body": Bad("POST", SITING, 400, ("body",), content=raw('{"within_m": Infinity}')),
    "array not feature": Bad("POST", PARKING, 422, ("type",), json=[1, 2, 3]),
    "feature collection": Bad(
        "POST", PARKING, 422, ("type",), json={"type": "FeatureCollection", "features": []}
    ),
    "wrong content type": Bad(
        "POST", PARKING, 415, reason="send JSON", content=raw("kind=car"), headers=KEY
    ),
    "json over the limit": Bad(
        "POST",
        PARKING,
        413,
        reason="MOBILITY_MAX_JSON_MB",
        content=b"[" + b"0," * 1_100_000 + b"0]",
    ),
    # -- geometry --------------------------------------------------------------------------------
    "line geometry": Bad(
        "POST",
        PARKING,
        422,
        ("geometry.type",),
        json={**parking(), "geometry": {"type": "LineString", "coordinates": [[2.35, 48.87]] * 2}},
    ),
    "no geometry": Bad("POST", PARKING, 422, ("geometry",), json={**parking(), "geometry": None}),
    "swapped lon lat": Bad(
        "POST", PARKING, 422, ("geometry.coordinates",), reason="swapped", json=at([48.8768, 2.359])
    ),
    "outside france": Bad("POST", PARKING, 422, ("geometry.coordinates",), json=at([-74.0, 40.7])),
    "outside the commune": Bad("POST", PARKING, 422, ("geometry",), json=at([5.3698, 43.2965])),
    "height dropped": Bad(
        "POST", PARKING, 422, ("geometry.coordinates",), json=at([*GARE_DE_L_EST, 35.0])
    ),
    "coordinates as text": Bad(
        "POST",
        PARKING,
        422,
        ("geometry.coordinates",),
        json=at(["2.359", "48.8768"]),  # type: ignore[list-item]
    ),
    # -- properties ------------------------------------------------------------------------------
    "huge power": Bad(
        "POST",
        POINTS,
        422,
        ("properties.puissance_nominale",),
        json={**parking(), "properties": {"puissance_nominale": 1e308}},
    ),
    "negative capacity": Bad(
        "POST", PARKING, 422, ("properties.capacity",), json=parking(capacity=-4)
    ),
    "unknown enum": Bad("POST", PARKING, 422, ("properties.kind",), json=parking(kind="spaceship")),
    "missing field": Bad(
        "POST",
        PARKING,
        422,
        ("properties.kind",),
        json={**parking(), "properties": {"capacity": 3}},
    ),
    "extra field": Bad("POST", PARKING, 422, ("properties.colour",), json=parking(colour="blue")),
    "boolean as number": Bad(
        "POST", PARKING, 422, ("properties.covered",), json=parking(covered=1)
    ),
    "count as text": Bad(
        "POST", PARKING, 422, ("properties.capacity",), json=parking(capacity="12")
    ),
    "one megabyte name": Bad(
        "POST", PARKING, 422, ("properties.name",), json=parking(name="P" * 1_000_000)
    ),
    "nul in name": Bad(
        "POST", PARKING, 422, ("properties.name",), json=parking(name="Gare\x00Est")
    ),
    "escape in name": Bad(
        "POST", PARKING, 422, ("properties.name",), json=parking(name="\x1b[31mred\x1b[0m")
    ),
    "bidi override in name": Bad(
        "POST",
        PARKING,
        422,
        ("properties.name",),
        reason="U+202E",
        json=parking(name="abc\u202edcba"),
    ),
    "bidi isolate in operator": Bad(
        "POST", PARKING, 422, ("properties.operator",), json=parking(operator="\u2066x\u2069")
    ),
    "spaces over capacity": Bad(
        "POST", PARKING, 422, ("properties",), json=parking(capacity=2, pmr_spaces=5)
    ),
    "empty hub modes": Bad(
        "POST",
        "/collections/hubs/items",
        422,
        ("properties.modes",),
        json={**parking(), "properties": {"name": "Gare", "modes": []}},
    ),
    "id taken": Bad(
        "POST",
        PARKING,
        409,
        reason="already exists",
        json={**parking(), "id": "osm-node-2551682391"},
    ),
    "body id differs from path": Bad(
        "PUT", f"{PARKING}/osm-node-2551682391", 422, ("id",), json={**parking(), "id": "other"}
    ),
    "merge patch breaks geometry": Bad(
        "PATCH",
        f"{PARKING}/osm-node-2551682391",
        422,
        ("geometry",),
        json={"geometry": "here"},
        headers={**KEY, "Content-Type": "application/merge-patch+json"},
    ),
    # -- ids and paths ---------------------------------------------------------------------------
    "sql-like id": Bad("DELETE", f"{PARKING}/x';DROP TABLE assets;--", 422, ("featureId",)),
    "path traversal id": Bad("GET", f"{PARKING}/..%2F..%2Fetc%2Fpasswd", 404, reason="Not Found"),
    "dot-dot id": Bad("PUT", f"{PARKING}/..", 405, reason="GET, HEAD", json=parking()),
    "bad insee code": Bad("GET", "/communes/7511/afir", 422, ("code",)),
    "unknown commune": Bad("GET", "/communes/13055/sdirve", 404, reason="13055"),
    "unknown scenario": Bad("GET", "/scenarios/nope-0001", 404, reason="nope-0001"),
    "unknown collection": Bad("GET", "/collections/bikes/items", 404, reason="Not Found"),
    # -- query parameters ------------------------------------------------------------------------
    "limit zero": Bad("GET", f"{PARKING}?limit=0", 422, ("limit",)),
    "limit too large": Bad("GET", f"{PARKING}?limit=10001", 422, ("limit",)),
    "negative offset": Bad("GET", f"{PARKING}?offset=-1", 422, ("offset",)),
    "bbox of three numbers": Bad("GET", f"{PARKING}?bbox=2.3,48.8,2.4", 422, ("bbox",)),
    "bbox upside down": Bad("GET", f"{PARKING}?bbox=2.3,48.9,2.4,48.8", 422, ("bbox",)),
    "bbox out of range": Bad("GET", f"{PARKING}?bbox=2.3,48.8,200,48.9", 422, ("bbox",)),
    "power range empty": Bad(
        "GET", f"{POINTS}?min_power_kw=50&max_power_kw=22", 422, ("min_power_kw", "max_power_kw")
    ),
    "unknown query enum": Bad(
        "GET", "/communes/75110/coverage?layer=hubs&within_m=300&mode=teleport", 422, ("mode",)
    ),
    "absurd reach": Bad(
        "GET", "/communes/75110/coverage?layer=hubs&within_m=1e9", 422, ("within_m",)
    ),
    "both reaches": Bad(
        "GET", "/communes/75110/gaps?layer=hubs&within_m=300&within_min=5", 422, ("within_m",)
    ),
    "filter of another layer": Bad(
        "GET", "/communes/75110/coverage?layer=hubs&within_m=300&kind=car", 422, ("kind",)
    ),
    "phev without bev": Bad("GET", "/communes/75110/afir?phev=100", 422, ("bev",)),
    "ocpi date as number": Bad("GET", "/ocpi/2.2.1/locations?date_to=0.5", 422, ("date_to",)),
    # -- analyses --------------------------------------------------------------------------------
    "siting count zero": Bad("POST", SITING, 422, ("count",), json={**SITE, "count": 0}),
    "siting count absurd": Bad("POST", SITING, 422, ("count",), json={**SITE, "count": 10_000}),
    "siting count and budget": Bad(
        "POST",
        SITING,
        422,
        reason="exactly one of count or budget",
        json={**SITE, "count": 2, "budget": 1000},
    ),
    "self-intersecting exclusion": Bad(
        "POST",
        SITING,
        422,
        ("exclusions",),
        reason="Self-intersection",
        json={**SITE, "count": 2, "exclusions": BOWTIE},
    ),
    # -- scenarios and inputs --------------------------------------------------------------------
    "scenario removes unknown ids": Bad(
        "POST",
        "/scenarios",
        422,
        ("remove[0].ids[0]",),
        json={"commune": "75110", "name": "x", "remove": [{"layer": "hubs", "ids": ["no-such"]}]},
    ),
    "scenario name with control": Bad(
        "POST", "/scenarios", 422, ("name",), json={"commune": "75110", "name": "a\x07b"}
    ),
    "scenario description too long": Bad(
        "POST",
        "/scenarios",
        422,
        ("description",),
        json={"commune": "75110", "name": "x", "description": "d" * 5_001},
    ),
    "fleet date as number": Bad(
        "PUT",
        "/communes/75110/inputs/fleet",
        422,
        ("as_of",),
        json={"bev": 10, "phev": 5, "as_of": 20240101, "source": "SDES"},
    ),
    "fleet count as text": Bad(
        "PUT",
        "/communes/75110/inputs/fleet",
        422,
        ("bev",),
        json={"bev": "10", "phev": 5, "as_of": "2024-01-01", "source": "SDES"},
    ),
    # -- files -----------------------------------------------------------------------------------
    "empty file": Bad(
        "POST",
        "/communes/75110/imports/irve",
        422,
        reason="empty",
        content=b"",
        headers={**KEY, "Content-Type": "text/csv"},
    ),
    "csv with semicolons": Bad(
        "POST",
        "/communes/75110/imports/irve",
        422,
        reason="not a position",
        content=irve_csv(delimiter=";"),
        headers={**KEY, "Content-Type": "text/csv"},
    ),
    "broken zip": Bad(
        "POST",
        "/communes/75110/imports/gtfs",
        422,
        reason="not a readable zip",
        content=zipped({"stops.txt": b"stop_id\n1\n"})[:-30],
        headers={**KEY, "Content-Type": "application/zip"},
    ),
    "zip without stops": Bad(
        "POST",
        "/communes/75110/imports/gtfs",
        422,
        reason="stops.txt",
        content=zipped({"agency.txt": b"agency_id\n1\n"}),
        headers={**KEY, "Content-Type": "application/zip"},
    ),
    "file over the upload limit": Bad(
        "POST",
        "/communes/75110/imports/irve",
        413,
        reason="MOBILITY_MAX_UPLOAD_MB",
        content=gzip.compress(b"") + b"x" * int(UPLOAD_LIMIT_MB * 1_000_000 + 1),
        headers={**KEY, "Content-Type": "text/csv"},
    ),
    # -- keys ------------------------------------------------------------------------------------
    "missing key": Bad(
        "POST",
        PARKING,
        401,
        reason="X-API-Key",
        json=parking(),
        headers={"Content-Type": "application/json"},
    ),
    "wrong key": Bad(
        "DELETE",
        f"{PARKING}/osm-node-2551682391",
        403,
        reason="not valid",
        headers={"X-API-Key": "w" * 24},
    ),
    # -- methods ---------------------------------------------------------------------------------
    "method not served": Bad("PATCH", "/scenarios", 405, reason="GET, HEAD, POST"),
}


@pytest.fixture(scope="module", params=["sqlite", "postgis"])
def bad_client(
    request: pytest.FixtureRequest, sample_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """A client over the shipped commune on each backend, shared by the module's refusals."""
    if request.param == "sqlite":
        url = copy_sqlite(sample_template, tmp_path_factory.mktemp("bad") / "store.sqlite")
    else:
        url = sample_postgis(sample_template)
    settings = make_settings(url, max_json_mb=JSON_LIMIT_MB, max_upload_mb=UPLOAD_LIMIT_MB)
    with TestClient(create_app(settings)) as client:
        OCPI_HEADERS[request.param] = register(client)  # token C, before any digest is taken
        yield client


def test_the_catalogue_is_large_enough() -> None:
    assert len(CATALOGUE) >= 40


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_bad_input_is_refused_and_writes_nothing(
    bad_client: TestClient, name: str, request: pytest.FixtureRequest
) -> None:
    bad = CATALOGUE[name]
    backend = request.node.callspec.params["bad_client"]
    store = bad_client.app.state.store  # type: ignore[attr-defined]
    before = store_digest(store)
    body = json.dumps(bad.json).encode() if bad.json is not None else bad.content
    headers = dict(bad.headers)
    if bad.path.startswith("/ocpi/"):
        headers.update(OCPI_HEADERS[backend])
    response = bad_client.request(bad.method, bad.path, content=body, headers=headers)
    assert response.status_code == bad.status, response.text[:500]
    if bad.path.startswith("/ocpi/"):  # OCPI answers in its own envelope (2001: invalid)
        envelope = response.json()
        assert envelope["status_code"] == 2001
        assert all(name in envelope["status_message"] for name in bad.fields)
        assert store_digest(store) == before
        return
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == bad.status
    named = {error["field"] for error in problem.get("errors", [])}
    assert set(bad.fields) <= named, (named, problem["detail"])
    said = problem["detail"] + " ".join(error["message"] for error in problem.get("errors", []))
    assert bad.reason in said, said
    assert store_digest(store) == before
