# SPDX-License-Identifier: MIT
"""Run the API as production runs it: one uvicorn command line for every place that starts it.

``make serve-prod`` and the image run ``python -m api.server`` (uvicorn with N worker processes
on one socket, uvloop and httptools, no access log, 30 s for requests in flight on a stop,
proxy headers believed only from ``MOBILITY_TRUSTED_PROXIES``, a worker replaced only when it
has not answered its supervisor for :data:`WORKER_HEALTHCHECK_S`); the load benchmark and the tests
that need real workers start the same command through :func:`running`, so what they measure and
check is what is deployed.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
READY_PATH = "/conformance"
WORKER_HEALTHCHECK_S = 30
"""How long a worker may leave its supervisor's ping unanswered before it is killed and
replaced. uvicorn's 5 s default replaced busy workers on a saturated 2-core machine (seen under
the load benchmark): each replacement drops the worker's prepared communes and its requests in
flight. A worker that truly hangs is still replaced, half a minute later."""
NO_RATE_LIMITS = {
    "MOBILITY_RATE_LIMIT_READS": "0",
    "MOBILITY_RATE_LIMIT_ANALYSES": "0",
    "MOBILITY_RATE_LIMIT_WRITES": "0",
    "MOBILITY_RATE_LIMIT_PER_KEY": "0",
}
"""The settings that turn the per-client and per-key budgets off: for the test suite and the
benchmarks, which send from one address far more than any real client."""


def uvicorn_command(
    *,
    host: str,
    port: int,
    workers: int | None,
    trusted_proxies: Sequence[str],
    log_level: str = "info",
) -> list[str]:
    """Return the production uvicorn command line (run with this interpreter).

    Without ``workers`` uvicorn starts ``WEB_CONCURRENCY`` processes (one if unset).
    """
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "api.main:app",
        f"--host={host}",
        f"--port={port}",
        *([f"--workers={workers}"] if workers else []),
        "--loop=uvloop",
        "--http=httptools",
        "--no-access-log",
        f"--log-level={log_level}",
        f"--forwarded-allow-ips={','.join(trusted_proxies)}",
        "--timeout-graceful-shutdown=30",
        f"--timeout-worker-healthcheck={WORKER_HEALTHCHECK_S}",
    ]


def free_port(host: str = "127.0.0.1") -> int:
    """Return a port nobody listens on at the moment."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_until_serving(process: subprocess.Popen[bytes], base_url: str, wait_s: float) -> None:
    """Return once the server answers its first request; raise if it exits or never answers."""
    deadline = time.monotonic() + wait_s
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with code {process.returncode}")
        try:
            if httpx.get(f"{base_url}{READY_PATH}", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not answer within {wait_s:g} s")
        time.sleep(0.1)


@dataclass(frozen=True)
class RunningServer:
    """A server started by :func:`running`."""

    base_url: str
    port: int
    pid: int
    """The uvicorn process (the only worker when there is one, else the workers' supervisor)."""


@contextmanager
def running(
    env: Mapping[str, str], *, workers: int = 1, wait_s: float = 180.0
) -> Iterator[RunningServer]:
    """Run the production command on a free loopback port; yield where it answers.

    ``env`` is the servers' whole environment (``MOBILITY_DATABASE_URL`` and any other
    setting). The kernel hands each new connection to one of the ``workers`` processes. The
    server is stopped on exit.
    """
    host, port = "127.0.0.1", free_port()
    proxies = [p for p in env.get("MOBILITY_TRUSTED_PROXIES", "").split(",") if p.strip()]
    command = uvicorn_command(
        host=host, port=port, workers=workers, trusted_proxies=proxies, log_level="warning"
    )
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 (our own command line)
    base_url = f"http://{host}:{port}"
    try:
        wait_until_serving(process, base_url, wait_s)
        yield RunningServer(base_url, port, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: Sequence[str] | None = None) -> None:
    """Replace this process with the production server (settings from ``MOBILITY_*``)."""
    parser = argparse.ArgumentParser(prog="python -m api.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, help="worker processes (WEB_CONCURRENCY if unset)")
    args = parser.parse_args(argv)
    settings = Settings()  # refuse a bad configuration before starting any worker
    command = uvicorn_command(
        host=args.host,
        port=args.port,
        workers=args.workers,
        trusted_proxies=settings.trusted_proxies,
    )
    os.execv(command[0], command)  # noqa: S606 (this interpreter, our own command line)


if __name__ == "__main__":
    main()
