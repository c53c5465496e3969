# SPDX-License-Identifier: MIT
"""A real uvicorn process on 127.0.0.1 for tests that use real HTTP clients (GDAL, Chromium).

A separate process, not a thread: GDAL holds the interpreter lock while it reads, so a server in
the same process could never answer it. It is started by the production command
(:func:`api.server.running`), with the per-client and per-key rate limits off unless a test sets
them: the suite sends more requests from one address than a real client would.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from api.server import NO_RATE_LIMITS, running

STARTUP_WAIT_S = 180.0
"""How long to wait for the server's first answer: generous, as a loaded machine starts slowly
(a server that exits is reported at once)."""


@contextmanager
def serve(database_url: str, *, workers: int = 1, **environment: str) -> Iterator[str]:
    """Run the API on a free port over the given store; yield its base URL.

    With ``workers`` above 1 uvicorn starts that many worker processes on one socket, as
    ``make serve-prod`` does: the kernel hands each new connection to one of them.
    """
    env = {**os.environ, **NO_RATE_LIMITS, "MOBILITY_DATABASE_URL": database_url, **environment}
    with running(env, workers=workers, wait_s=STARTUP_WAIT_S) as server:
        yield server.base_url
