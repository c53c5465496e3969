# SPDX-License-Identifier: MIT
"""A real uvicorn process on 127.0.0.1 for tests that use real HTTP clients (GDAL, Chromium).

A separate process, not a thread: GDAL holds the interpreter lock while it reads, so a server in
the same process could never answer it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.support.paths import ROOT

STARTUP_WAIT_S = 180.0
"""How long to wait for the server's first answer: generous, as a loaded machine starts slowly
(a server that exits is reported at once)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(database_url: str, *, workers: int = 1, **environment: str) -> Iterator[str]:
    """Run ``uvicorn api.main:app`` on a free port over the given store; yield its base URL.

    With ``workers`` above 1 uvicorn starts that many worker processes on one socket, as
    ``make serve-prod`` does: the kernel hands each new connection to one of them.
    """
    port = free_port()
    env = {**os.environ, "MOBILITY_DATABASE_URL": database_url, **environment}
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--workers", str(workers)]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_WAIT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with code {process.returncode}")
            try:
                if httpx.get(f"{base_url}/conformance", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not answer within {STARTUP_WAIT_S:g} s")
            time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
