# SPDX-License-Identifier: MIT
"""Schemathesis drives the real ASGI app from its own OpenAPI document, every check enabled.

The run is schemathesis' own engine (what ``st run`` does) with the settings of
``tests/api/schemathesis.toml``: the schema's examples, the coverage phase (boundaries, missing and
wrong parameters, undeclared methods), fuzzing and the stateful phase that follows the document's
links from a created item or scenario to the operations on it. A run is reproducible: the seed
is fixed (``MOBILITY_CONTRACT_SEED`` picks another, to explore further), generation is
derandomized, no example database replays an earlier run, the store is a fresh copy of the
shipped commune for each run, and the revisions and scenario ids the server hands out are pinned
(``tests/support/pinned.py``): the answers schemathesis learns from are the same every run.
Writes carry a valid key, so that validation, not authentication, answers them.
The rules the document states only in words are applied to the generated valid requests by
``tests/support/contract_rules.py``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.engine import Status, events, from_schema

import tests.support.contract_rules  # noqa: F401 (registers the hooks)
from api.main import create_app
from api.openapi import current_openapi
from tests.conftest import API_KEY, make_settings
from tests.support.pinned import pinned_clock_and_ids
from tests.support.stores import copy_sqlite

CONFIG = Path(__file__).with_name("schemathesis.toml")
MIN_CASES = 1_000


@dataclass
class ContractRun:
    """What one engine run generated, answered and found."""

    cases: int = 0
    statuses: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def contract_app(
    tmp_path_factory: pytest.TempPathFactory, sample_template: Path
) -> Iterator[FastAPI]:
    url = copy_sqlite(sample_template, tmp_path_factory.mktemp("contract") / "store.sqlite")
    # Thousands of requests from one client within a minute: the rate limits (tested on their own
    # in test_rate_limits.py) would answer 429 to most of them and hide the contract behind it.
    app = create_app(make_settings(url, failed_key_limit=0))
    # The store stays open for the module's tests (the client runs the lifespan).
    with pinned_clock_and_ids(), TestClient(app):
        yield app


@pytest.fixture(scope="module")
def contract_run(contract_app: FastAPI) -> ContractRun:
    settings = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    settings["seed"] = int(os.environ.get("MOBILITY_CONTRACT_SEED", settings["seed"]))
    settings["headers"] = {"X-API-Key": API_KEY}
    schema = schemathesis.openapi.from_asgi(
        "/api", contract_app, config=schemathesis.Config.from_dict(settings)
    )
    run = ContractRun()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _record(run, event)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            run.errors.append(str(getattr(event, "info", event)))
    return run


def _record(run: ContractRun, event: events.ScenarioFinished) -> None:
    recorder = event.recorder
    run.cases += len(recorder.cases)
    for interaction in recorder.interactions.values():
        if interaction.response is not None:
            request = interaction.request
            path = request.uri.split("://", 1)[-1].split("/", 1)[-1]
            run.statuses[f"{request.method} /{path.split('?')[0]}"].add(
                interaction.response.status_code
            )
    for checks in recorder.checks.values():
        for check in checks:
            if check.status is Status.FAILURE and check.failure_info is not None:
                failure = check.failure_info.failure
                status = getattr(failure, "status_code", None)
                run.failures.append(
                    f"{event.phase.value} {recorder.label} {check.name} (status {status}): "
                    f"{failure.title}: {failure.message[:300]}\n"
                    f"{check.failure_info.code_sample[:2000]}"
                )


def test_the_whole_api_keeps_its_documented_contract(contract_run: ContractRun) -> None:
    assert not contract_run.errors, contract_run.errors
    assert not contract_run.failures, "\n".join(sorted(set(contract_run.failures)))
    assert contract_run.cases >= MIN_CASES


def test_every_operation_is_reached_beyond_404(contract_run: ContractRun) -> None:
    """No operation is tested only on missing resources: the examples name real ones."""
    only_404 = []
    for path, methods in current_openapi()["paths"].items():
        template = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$")
        for method in methods:
            statuses = {
                status
                for label, answered in contract_run.statuses.items()
                if label.startswith(f"{method.upper()} ")
                and template.match(label.partition(" ")[2])
                for status in answered
            }
            if statuses <= {404}:
                only_404.append(f"{method.upper()} {path}: {sorted(statuses)}")
    assert not only_404, only_404
