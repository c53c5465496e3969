# SPDX-License-Identifier: MIT
"""The routes are built at start-up by one request routed past the middlewares, on both stores.

That request must leave no trace (no audit row, no rate count, nothing prepared: every table as
it was) and must meet no route: a route serving its path would run at every start.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import create_app
from api.warm_routes import WARM_PATH
from mobility.store import open_store
from tests.conftest import make_settings
from tests.support.digests import store_digest


def test_the_start_up_request_leaves_no_trace_and_meets_no_route(sample_store_url: str) -> None:
    store = open_store(sample_store_url)
    try:
        before = store_digest(store)
        settings = make_settings(sample_store_url)
        with TestClient(create_app(settings)):
            pass  # started (the routes warmed) and stopped, nothing asked
        assert store_digest(store) == before
        with TestClient(create_app(settings)) as client:
            assert client.get(WARM_PATH).status_code == 404
    finally:
        store.close()
