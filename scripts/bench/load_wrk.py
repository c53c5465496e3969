# SPDX-License-Identifier: MIT
"""The load made by ``wrk``, a C load generator, and its report read into a LoadResult.

On a machine of two cores the client competes with the server it loads: ``wrk`` (one thread,
an event loop in C) spends a few microseconds of CPU per request where the asyncio client
(:mod:`bench.load_client`) spends tens, so the server's own capacity and scaling show more
honestly. Its CPU is read from ``getrusage(RUSAGE_CHILDREN)`` around the run (the server, a
child still running, is not counted there until it is reaped). ``wrk`` is found on the ``PATH``
(Debian and Ubuntu: ``apt-get install wrk``); without it the benchmark falls back on the asyncio
client and says so.
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.load_client import REQUEST_TIMEOUT_S, LoadResult, Target, cpu_time_s

UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}
LATENCY_LINE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
DONE_LINE = re.compile(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)")
NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def wrk_path() -> str | None:
    """Return where ``wrk`` is installed, or None."""
    return shutil.which("wrk")


def lua_script(target: Target) -> str:
    """Return the wrk script that sends the target's method, body and content type."""
    lines = [f'wrk.method = "{target.method}"', 'wrk.headers["User-Agent"] = "bench-load"']
    if target.body is not None:
        text = target.body.decode("utf-8")
        if "]==]" in text:
            raise ValueError("the body cannot be quoted as a Lua long string")
        lines += [f"wrk.body = [==[{text}]==]", 'wrk.headers["Content-Type"] = "application/json"']
    return "\n".join(lines) + "\n"


def parse_report(text: str, *, connections: int) -> LoadResult:
    """Read wrk's ``--latency`` report: answers, seconds, p50/p99, errors (non-2xx and socket)."""
    done = DONE_LINE.search(text)
    if done is None:
        raise ValueError(f"not a wrk report:\n{text}")
    result = LoadResult("wrk", connections)
    result.completed = int(done.group(1))
    result.elapsed_s = float(done.group(2)) * UNITS_MS[done.group(3)] / 1e3
    result.latency_ms = {
        int(q) / 100: float(value) * UNITS_MS[unit] for q, value, unit in LATENCY_LINE.findall(text)
    }
    non_2xx = NON_2XX.search(text)
    sockets = SOCKET_ERRORS.search(text)
    result.errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in sockets.groups()) if sockets else 0
    )
    return result


def run_wrk(
    host: str, port: int, target: Target, *, connections: int, duration_s: float
) -> LoadResult:
    """Keep ``connections`` connections busy with ``target`` for ``duration_s`` seconds."""
    command = wrk_path()
    if command is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "request.lua"
        script.write_text(lua_script(target), encoding="utf-8")
        cpu_before = cpu_time_s(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        finished = subprocess.run(
            [
                command,
                "--threads=1",
                f"--connections={connections}",
                f"--duration={max(1, round(duration_s))}s",
                f"--timeout={REQUEST_TIMEOUT_S:.0f}s",
                "--latency",
                f"--script={script}",
                f"http://{host}:{port}{target.path}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=duration_s + REQUEST_TIMEOUT_S + 30,
        )
        wall_s = time.perf_counter() - started
        cpu_s = cpu_time_s(resource.RUSAGE_CHILDREN) - cpu_before
    result = parse_report(finished.stdout, connections=connections)
    result.client_cpu_s = cpu_s
    result.elapsed_s = result.elapsed_s or wall_s
    return result
