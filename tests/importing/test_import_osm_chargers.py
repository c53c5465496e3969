# SPDX-License-Identifier: MIT
"""``commune import --osm``: OSM charging stations, the IRVE record winning, all or nothing.

The PBF is written by the test: the shipped Gare du Nord OSM XML extract (minus the elements the
OSM reader refuses, so that the file is clean), plus charging stations placed by hand in
Lambert-93 around a real IRVE point of the 10e: one 20 m east of it (the same place: the IRVE
record wins and the report pairs them), one 300 m north (kept), and, in the refusal cases, a
station with an output that is not a power, inside the surroundings or far outside them.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

import osmium
import pytest
from shapely.geometry import Point

from mobility.assets import ChargingPoint, Layer
from mobility.formats.osm_xml import read_osm_xml
from mobility.geo import to_metric, to_wire
from mobility.importing.charger_matches import SAME_PLACE_M
from mobility.store import AssetQuery, open_store
from tests.mobility.network.support import GARE_DU_NORD_OSM
from tests.support.communes import run_cli
from tests.support.digests import store_digest
from tests.support.idf_import import (
    MARGIN_M,
    ImportFiles,
    buffered,
    import_command,
    irve_point,
    outline_of,
    read_features,
)

STATION = {
    "amenity": "charging_station",
    "operator": "Belib'",
    "capacity": "2",
    "socket:type2": "2",
    "socket:type2:output": "22 kW",
    "check_date": "2024-05-02",
}
SAME_PLACE, ELSEWHERE, BAD_INSIDE, BAD_OUTSIDE = (
    9_100_000_001,
    9_100_000_002,
    9_100_000_003,
    9_100_000_004,
)
_KINDS = {"n": "node", "w": "way", "r": "relation"}

Extra = list[tuple[int, tuple[float, float], dict[str, str]]]


def _irve_points(region: ImportFiles) -> list[tuple[str, Point]]:
    text = gzip.decompress(region.irve.read_bytes()).decode("utf-8")
    return [
        (row["id_pdc_itinerance"], irve_point(row)) for row in csv.DictReader(io.StringIO(text))
    ]


def _moved(point: Point, east_m: float, north_m: float) -> tuple[float, float]:
    metric = to_metric(point)
    moved = to_wire(Point(metric.x + east_m, metric.y + north_m))
    return (round(moved.x, 7), round(moved.y, 7))


def _write_pbf(path: Path, extra: Extra) -> Path:
    """The extract as PBF without its refused elements, the ``extra`` nodes before the ways."""
    refused = {row.id for row in read_osm_xml(GARE_DU_NORD_OSM.read_bytes()).rejected}
    pending = list(extra)
    with osmium.SimpleWriter(str(path)) as writer:
        for element in osmium.FileProcessor(str(GARE_DU_NORD_OSM)):
            if f"osm-{_KINDS[element.type_str()]}-{element.id}" in refused:
                continue
            if not isinstance(element, osmium.osm.Node) and pending:
                for node_id, location, tags in pending:
                    writer.add_node(
                        osmium.osm.mutable.Node(id=node_id, location=location, tags=tags)
                    )
                pending = []
            writer.add(element)
    return path


def _import(url: str, region: ImportFiles, pbf: Path, *extra: str) -> int:
    return run_cli(url, *import_command(region, "--osm", str(pbf), *extra, replace=True))


@pytest.fixture
def anchor(region: ImportFiles) -> tuple[str, Point]:
    """The IRVE point of the 10e nearest the Gare du Nord: the stations are placed around it."""
    gare = Point(2.3553, 48.8809)
    inside = buffered(outline_of("75110", read_features(region.iris)), 0)
    points = [(pid, p) for pid, p in _irve_points(region) if inside.covers(p)]
    return min(points, key=lambda item: to_metric(item[1]).distance(to_metric(gare)))


def test_an_osm_station_at_an_irve_point_is_dropped_and_reported(
    store_url: str,
    region: ImportFiles,
    anchor: tuple[str, Point],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    anchor_id, anchor_point = anchor
    same, elsewhere = _moved(anchor_point, 20.0, 0.0), _moved(anchor_point, 0.0, 300.0)
    irve = _irve_points(region)
    # by hand: 20 m from the anchor; the anchor's points share its position, none nearer
    near = [to_metric(p).distance(to_metric(Point(same))) for _, p in irve]
    assert min(near) == pytest.approx(20.0, abs=0.05)
    far = [to_metric(p).distance(to_metric(Point(elsewhere))) for _, p in irve]
    assert min(far) > SAME_PLACE_M
    same_station = {pid for pid, p in irve if p.equals(anchor_point)}
    pbf = _write_pbf(
        tmp_path / "idf.osm.pbf",
        [(SAME_PLACE, same, STATION), (ELSEWHERE, elsewhere, {**STATION, "name": "Nord"})],
    )
    capsys.readouterr()
    assert _import(store_url, region, pbf, "--irve", str(region.irve), "--mode", "valid-rows") == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    osm = next(stage for stage in report["stages"] if stage["stage"] == "osm")
    (match,) = osm["facts"]["irve_matches"]
    assert match["osm"] == f"local-osm-node-{SAME_PLACE}"
    assert match["irve"] in same_station and match["distance_m"] == pytest.approx(20.0, abs=0.1)
    assert any(reason.startswith("same place as an IRVE point") for reason in osm["dropped"])
    store = open_store(store_url)
    try:
        stored = {
            asset.id: asset
            for asset in store.iter_assets(
                AssetQuery(Layer.CHARGING_POINTS, commune="75110", surroundings=True)
            )
        }
    finally:
        store.close()
    assert f"local-osm-node-{SAME_PLACE}" not in stored
    assert anchor_id in stored
    kept = stored[f"local-osm-node-{ELSEWHERE}"]
    assert (kept.lon, kept.lat) == elsewhere
    assert isinstance(kept.attributes, ChargingPoint)
    assert (kept.attributes.nom_station, kept.attributes.puissance_nominale) == ("Nord", 22.0)


def test_a_bad_station_inside_refuses_the_import_naming_it(
    store_url: str,
    region: ImportFiles,
    anchor: tuple[str, Point],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    bad = {**STATION, "socket:type2:output": "fast"}
    inside = _moved(anchor[1], 0.0, -150.0)
    pbf = _write_pbf(tmp_path / "idf.osm.pbf", [(BAD_INSIDE, inside, bad)])
    store = open_store(store_url)
    try:
        before = store_digest(store)
        capsys.readouterr()
        assert _import(store_url, region, pbf) == 1
        assert store_digest(store) == before
    finally:
        store.close()
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "refused"
    assert f"local-osm-node-{BAD_INSIDE}: socket:type2:output" in report["refusal"]
    assert "'fast' is not a power" in report["refusal"]


def test_a_bad_station_outside_the_surroundings_is_ignored(
    store_url: str, region: ImportFiles, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    around = buffered(outline_of("75110", read_features(region.iris)), MARGIN_M)
    outside = (2.2500000, 48.8400000)  # Boulogne side, kilometres from the 10e
    assert not around.covers(Point(outside))
    bad = {**STATION, "capacity": "many"}
    pbf = _write_pbf(tmp_path / "idf.osm.pbf", [(BAD_OUTSIDE, outside, bad)])
    capsys.readouterr()
    assert _import(store_url, region, pbf) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "written"
    assert f"{BAD_OUTSIDE}" not in json.dumps(report)


def test_a_truncated_pbf_is_refused_and_nothing_written(
    store_url: str, region: ImportFiles, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    whole = _write_pbf(tmp_path / "whole.osm.pbf", []).read_bytes()
    cut = tmp_path / "idf.osm.pbf"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    store = open_store(store_url)
    try:
        before = store_digest(store)
        assert _import(store_url, region, cut) != 0
        assert store_digest(store) == before
    finally:
        store.close()
    assert "broken or truncated" in capsys.readouterr().err
