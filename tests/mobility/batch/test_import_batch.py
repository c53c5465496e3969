# SPDX-License-Identifier: MIT
"""An import batch of three Paris arrondissements on the real LocalCluster of two workers.

Each commune the batch imports must be the commune ``mobility commune import`` stores from the
same files (the same record, sources and assets, hence the same coverage); a run stopped after
its first commune resumes without importing it again; a commune the boundaries file lacks is a
failed row while the others are imported; ``--departement`` picks the file's communes (or,
without one, the store's).
"""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from distributed import Client
from fastapi.testclient import TestClient

from api.main import create_app
from mobility.assets import Layer
from mobility.batch.command import batch_communes
from mobility.batch.ledger import ledger_path
from mobility.cli import main
from mobility.coverage.layers import read_layer
from mobility.errors import InvalidInputError
from mobility.store import open_store
from tests.conftest import make_settings
from tests.mobility.batch.conftest import ARRONDISSEMENTS
from tests.support.idf_import import ImportFiles, file_args, read_features, run_import

MISSING = "75121"
"""A code of the range that no arrondissement has: the boundaries file lacks it."""


def import_args(region: ImportFiles, out: Path, address: str, *selection: str) -> list[str]:
    """Return the ``batch import`` arguments over the cut files, on the test cluster."""
    return [
        "batch",
        "import",
        *selection,
        *file_args(region),
        "--out",
        str(out),
        "--scheduler",
        address,
    ]


def _batch(url: str, *args: str) -> int:
    return main(["--database-url", url, *args])


def _commune(api: TestClient, code: str) -> dict[str, Any]:
    body: dict[str, Any] = api.get(f"/communes/{code}").json()
    for source in body.get("info", {}).get("sources", []):
        source.pop("imported_at", None)
    return body


def _layers(url: str, code: str) -> list[tuple[Any, ...]]:
    """Return every asset the commune sees (in it and in its surroundings), sorted."""
    store = open_store(url)
    try:
        return sorted(
            (layer.value, a.id, a.lon, a.lat, json.dumps(a.properties(), sort_keys=True))
            for layer in Layer
            for a in read_layer(store, code, layer, None)
        )
    finally:
        store.close()


def test_batch_import_stores_what_the_one_commune_import_stores_and_resumes(
    store_url: str,
    paris_region: ImportFiles,
    dask_client: Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "import.parquet"
    address = dask_client.scheduler.address
    first, *others = ARRONDISSEMENTS
    # A run stopped after its first commune: the ledger holds it, and a line cut short.
    assert _batch(store_url, *import_args(paris_region, out, address, "--communes", first)) == 0
    with ledger_path(out).open("a", encoding="utf-8") as ledger:
        ledger.write('{"commune": "75103", "key": "cut sh')
    capsys.readouterr()
    selection = ("--communes", f"{first}-{ARRONDISSEMENTS[-1]},{MISSING}")
    assert _batch(store_url, *import_args(paris_region, out, address, *selection)) == 1
    printed = capsys.readouterr().out
    assert "3 communes computed, 1 already finished, 1 failed" in printed
    rows = gpd.read_parquet(out)
    done = rows[rows["status"] == "done"]
    assert list(done["commune"]) == list(ARRONDISSEMENTS)
    assert rows.iloc[0]["commune"] == first
    assert f"{MISSING}: " in printed and "no commune has the code 75121" in printed
    assert list(rows[rows["status"] == "failed"]["commune"]) == [MISSING]
    lines = ledger_path(out).read_text().splitlines()
    imported = [json.loads(line)["commune"] for line in lines if not line.endswith("cut sh")]
    assert imported.count(first) == 1, "the first commune was imported again"
    store = open_store(store_url)
    try:
        assert sorted(r.code for r in store.list_communes()) == list(ARRONDISSEMENTS)
    finally:
        store.close()

    reference = f"sqlite:///{tmp_path / 'one_by_one.sqlite'}"
    reports = {code: run_import(reference, capsys, paris_region, code) for code in others}
    with (
        TestClient(create_app(make_settings(store_url))) as batch_api,
        TestClient(create_app(make_settings(reference))) as one_api,
    ):
        for code in others:
            mine, theirs = _commune(batch_api, code), _commune(one_api, code)
            for moving in ("updated_at", "revision", "links"):
                mine.pop(moving, None), theirs.pop(moving, None)
            assert mine == theirs
            assert _layers(store_url, code) == _layers(reference, code)
            query = f"/communes/{code}/coverage?layer=charging-points&within_m=300"
            assert batch_api.get(query).json()["summary"] == one_api.get(query).json()["summary"]
            row = done[done["commune"] == code].iloc[0]
            report = json.loads(row["report"])
            assert report["code"] == code and report["status"] == "written"
            assert report["stages"] == reports[code]["stages"]
            assert report["layers"] == reports[code]["layers"]
            stages = {stage["stage"]: stage for stage in report["stages"]}
            assert row["zones"] == stages["population"]["kept"]
            assert row["street_lines"] == stages["streets"]["kept"]
            assert row["geometry"].is_valid


def test_departement_takes_the_boundaries_files_communes(
    paris_region: ImportFiles, tmp_path: Path
) -> None:
    in_file = {f["properties"]["DEPCOM"] for f in read_features(paris_region.iris)}
    store = open_store(f"sqlite:///{tmp_path / 'dep.sqlite'}")
    try:
        args = Namespace(communes=[MISSING], departement="75", boundaries=paris_region.iris)
        assert batch_communes(args, store) == [MISSING, *sorted(in_file)]
        with pytest.raises(InvalidInputError) as refused:
            batch_communes(Namespace(communes=[], departement="93", boundaries=None), store)
        assert refused.value.problems[0].field == "departement"
    finally:
        store.close()
