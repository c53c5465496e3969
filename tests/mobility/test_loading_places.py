# SPDX-License-Identifier: MIT
"""Loading a file into one commune never moves nor hides another's asset, and says what it changes.

The issue's case on the real files: Paris 10e (75110) loaded from its manifest, then Paris as a
whole (75056, boundary from the region-wide communes file) loaded with the regional IRVE file.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from mobility.assets import UNKNOWN_COMMUNE, Layer
from mobility.boundary import read_boundary
from mobility.commune import CommuneInputs, SourceFile, build_commune
from mobility.errors import InvalidInputError
from mobility.features import feature_from_asset
from mobility.loading import CHANGED_IDS_LISTED, load_asset_file
from mobility.manifest import load_manifest
from mobility.places import Place
from mobility.store import AssetQuery, CommuneRecord, SqlStore, open_store
from tests.support.paths import IDF_CONTEXT, PARIS

REGIONAL_IRVE = IDF_CONTEXT / "irve_statique_subset_75_92_93_94.csv.gz"
COMMUNES = IDF_CONTEXT / "communes_75_92_93_94_adminexpress2018_simplified.geojson.gz"
TENTH_IRVE = PARIS / "irve_statique_75110.csv"
PARIS_MARGIN_M = 300.0


def _irve_rows(data: bytes) -> list[dict[str, str]]:
    text = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    return list(csv.DictReader(io.StringIO(text.decode("utf-8"))))


def _ids(store: SqlStore, code: str, *, surroundings: bool = False) -> list[str]:
    query = AssetQuery(Layer.CHARGING_POINTS, commune=code, surroundings=surroundings)
    return [asset.id for asset in store.iter_assets(query)]


def _paris_whole() -> CommuneRecord:
    record, _ = build_commune(
        CommuneInputs(
            code="75056",
            name="Paris",
            boundary=SourceFile("boundary", COMMUNES.name, COMMUNES.read_bytes()),
            streets=SourceFile(
                "streets", "voies.graphml", (PARIS / "voies_paris_75110_graph.graphml").read_bytes()
            ),
            margin_m=PARIS_MARGIN_M,
        )
    )
    return record


@pytest.fixture
def sample(sample_store_url: str) -> Iterator[SqlStore]:
    store = open_store(sample_store_url)
    try:
        yield store
    finally:
        store.close()


def test_paris_loaded_over_its_tenth_takes_nothing_from_it(sample: SqlStore) -> None:
    tenth = sorted(row["id_pdc_itinerance"] for row in _irve_rows(TENTH_IRVE.read_bytes()))
    assert sample.count_assets(Layer.CHARGING_POINTS, "75110") == 89
    assert _ids(sample, "75110") == tenth

    paris = _paris_whole()
    assert paris.margin_m == PARIS_MARGIN_M and paris.info["surroundings"] == {"margin_m": 300.0}
    sample.save_commune(paris, [])
    data = gzip.decompress(REGIONAL_IRVE.read_bytes())
    report = load_asset_file(
        sample, "75056", data, fmt="irve", source_name=REGIONAL_IRVE.name, mode="valid-rows"
    )

    # the 10e still answers its 89 points, by count and by query, with their own code
    assert sample.count_assets(Layer.CHARGING_POINTS, "75110") == 89
    assert _ids(sample, "75110") == tenth
    assert {sample.get_asset(Layer.CHARGING_POINTS, i).commune for i in tenth} == {"75110"}
    # Paris sees them too
    in_paris = _ids(sample, "75056")
    assert set(tenth) <= set(in_paris)

    # the report's counts add up, against places.py over the file's own rows
    rows = {row["id_pdc_itinerance"]: row for row in _irve_rows(data)}
    kept = _ids(sample, "75056", surroundings=True)
    assert report.written_total == len(kept) == report.in_commune + report.in_surroundings
    assert report.in_commune == len(in_paris)
    assert report.written_total + report.outside_commune == len(report.read.assets)
    assert report.in_surroundings > 0
    # all 89 points of the 10e were stored before: each is reported changed or unchanged
    assert report.changed_existing + report.unchanged_existing == 89
    assert report.changed_existing_ids == sorted(report.changed_existing_ids)
    assert set(report.changed_existing_ids) <= set(tenth)

    # the margin's points keep the code their source gives: never Paris's
    place = Place.of(paris)
    margin_only = sorted(set(kept) - set(in_paris))
    assert len(margin_only) == report.in_surroundings
    for asset_id in margin_only:
        asset = sample.get_asset(Layer.CHARGING_POINTS, asset_id)
        assert asset.commune == rows[asset_id]["code_insee_commune"] != "75056"
        assert place.inside_surroundings([asset.lon], [asset.lat])[0]
        assert not place.inside_commune([asset.lon], [asset.lat])[0]

    # loading the same file again changes nothing, and says so
    again = load_asset_file(sample, "75056", data, fmt="irve", mode="valid-rows")
    assert again.changed_existing == 0 and again.changed_existing_ids == []
    assert again.unchanged_existing == again.written_total == report.written_total


def test_a_reload_with_other_values_lists_the_changed_points(sample: SqlStore) -> None:
    rows = _irve_rows(TENTH_IRVE.read_bytes())
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "puissance_nominale": "3.7"})
    report = load_asset_file(sample, "75110", out.getvalue().encode(), fmt="irve")
    assert report.changed_existing == 89
    assert (
        report.changed_existing_ids
        == sorted(r["id_pdc_itinerance"] for r in rows)[:CHANGED_IDS_LISTED]
    )
    assert report.unchanged_existing == 0
    assert report.to_dict()["changed_existing"] == 89
    assert "89 already stored changed" in report.summary()


def test_a_margin_asset_in_no_loaded_commune_has_no_code(store: SqlStore) -> None:
    boundary = read_boundary((PARIS / "boundary_75110.geojson").read_bytes(), code="75110")
    tenth = CommuneRecord(code="75110", name="Paris 10e", boundary=boundary, margin_m=300.0)
    store.save_commune(tenth, [])
    velib = (PARIS / "velib_stations_75110_500m.geojson").read_bytes()
    report = load_asset_file(store, "75110", velib, fmt="geojson", layers=[Layer.HUBS])
    assert report.in_commune == 53  # the stations inside the boundary, as the data README says
    assert report.in_surroundings > 0
    hubs = list(store.iter_assets(AssetQuery(Layer.HUBS, commune="75110", surroundings=True)))
    inside = {a.id for a in store.iter_assets(AssetQuery(Layer.HUBS, commune="75110"))}
    assert len(hubs) == report.written_total
    for hub in hubs:
        expected = "75110" if hub.id in inside else UNKNOWN_COMMUNE
        assert hub.commune == expected
        assert feature_from_asset(hub)["properties"]["commune"] == (expected or None)
    # once a neighbour is loaded, its boundary names the code of the stations inside it
    store.save_commune(replace(_paris_whole(), margin_m=None), [])
    again = load_asset_file(store, "75110", velib, fmt="geojson", layers=[Layer.HUBS])
    assert again.changed_existing == report.in_surroundings
    for hub in store.iter_assets(AssetQuery(Layer.HUBS, commune="75110", surroundings=True)):
        assert hub.commune == ("75110" if hub.id in inside else "75056")


def test_a_manifest_may_give_the_commune_a_margin(store: SqlStore, tmp_path: Path) -> None:
    manifest = json.loads((PARIS / "commune.json").read_text(encoding="utf-8"))
    for entry in [manifest["boundary"], manifest["streets"], *manifest["assets"]]:
        entry["file"] = str(PARIS / entry["file"])
    del manifest["population"]
    path = tmp_path / "commune.json"
    path.write_text(json.dumps({**manifest, "margin_m": 250}), encoding="utf-8")
    code, reports = load_manifest(store, path)
    record = store.get_commune(code)
    assert record.margin_m == 250.0 and record.info["surroundings"] == {"margin_m": 250.0}
    velib = next(r for r in reports if r.read.source_name.startswith("velib"))
    assert velib.in_commune == 53 and velib.in_surroundings > 0
    hubs = AssetQuery(Layer.HUBS, commune=code)
    assert (
        store.query_assets(hubs).number_matched
        < store.query_assets(replace(hubs, surroundings=True)).number_matched
    )
    with pytest.raises(InvalidInputError) as refused:
        path.write_text(json.dumps({**manifest, "margin_m": -1}), encoding="utf-8")
        load_manifest(store, path, replace=True)
    assert [p.field for p in refused.value.problems] == ["margin_m"]
    assert store.get_commune(code).margin_m == 250.0
