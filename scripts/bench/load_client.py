# SPDX-License-Identifier: MIT
"""A small HTTP/1.1 load client on raw asyncio streams: keep-alive connections, closed loop.

Each connection sends one request, reads the whole answer, then sends the next, until the run's
time is up; latencies are taken per request. Written on raw streams rather than with httpx
because the client shares the machine's cores with the server it measures: an httpx request
costs several times the CPU of this loop, and that CPU would be taken from the server. It is the
fallback of ``wrk`` (:mod:`bench.load_wrk`), which costs far less CPU per request still. The run
reports the CPU the client itself used (``getrusage`` of this process, every thread), so its
weight on the figures is known.
"""

from __future__ import annotations

import asyncio
import resource
import time
from collections import Counter
from dataclasses import dataclass, field

REQUEST_TIMEOUT_S = 120.0
"""A request unanswered after this long counts as an error (its connection is reopened)."""
QUANTILES = (0.50, 0.99)
"""The latency quantiles every client reports."""


@dataclass(frozen=True)
class Target:
    """One request the load repeats."""

    name: str
    method: str
    path: str
    body: bytes | None = None


@dataclass
class LoadResult:
    """What one run measured, whichever client made the load."""

    client: str
    """``wrk`` or ``python`` (this module)."""
    connections: int
    completed: int = 0
    """Answers received whole, errors included."""
    errors: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    latency_ms: dict[float, float] = field(default_factory=dict)
    """Latency quantiles (0.5, 0.99) in milliseconds."""
    elapsed_s: float = 0.0
    client_cpu_s: float = 0.0
    """CPU time (user and system) the client used during the run."""
    server_cpu_s: float = 0.0
    """CPU time the server's processes used during the run (filled in by the caller)."""
    database_cpu_s: float | None = None
    """CPU time the PostgreSQL server's processes used during the run (None: SQLite, whose
    work is the server's own)."""
    replaced: int = 0
    """Server processes gone during the run (workers killed and started again)."""
    load_average: float = 0.0
    """The machine's 1-minute load average when the run ended (other jobs weigh on figures)."""

    @property
    def database_cpu_ms_per_request(self) -> float | None:
        """The database server's CPU per answer, in milliseconds (None: in the server)."""
        if self.database_cpu_s is None or not self.completed:
            return None
        return 1000 * self.database_cpu_s / self.completed

    @property
    def requests_per_s(self) -> float:
        """Answers completed per second of the run."""
        return self.completed / self.elapsed_s if self.elapsed_s else 0.0

    def percentile_ms(self, q: float) -> float | None:
        """The latency below which a fraction ``q`` of the answers came, in milliseconds."""
        return self.latency_ms.get(q)

    @property
    def client_cpu_share(self) -> float:
        """The client's CPU time over the run's wall time (1.0: one core busy all along)."""
        return self.client_cpu_s / self.elapsed_s if self.elapsed_s else 0.0

    @property
    def client_cpu_us_per_request(self) -> float | None:
        """The client's CPU per answer, in microseconds."""
        return 1e6 * self.client_cpu_s / self.completed if self.completed else None

    @property
    def server_cpu_ms_per_request(self) -> float | None:
        """The server's CPU per answer in milliseconds (other jobs on the machine skew it least)."""
        return 1e3 * self.server_cpu_s / self.completed if self.completed else None


def cpu_time_s(who: int = resource.RUSAGE_SELF) -> float:
    """User plus system CPU seconds of this process (or of its reaped children)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def quantiles_ms(latencies_s: list[float]) -> dict[float, float]:
    """Return :data:`QUANTILES` of the latencies, in milliseconds (empty without answers)."""
    if not latencies_s:
        return {}
    ordered = sorted(latencies_s)
    return {q: 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] for q in QUANTILES}


def encode_request(target: Target, host: str, port: int) -> bytes:
    """Return the bytes of the request, with a body and its length when the target has one."""
    lines = [
        f"{target.method} {target.path} HTTP/1.1",
        f"Host: {host}:{port}",
        "User-Agent: bench-load",
        "Accept: */*",
    ]
    if target.body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(target.body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + (target.body or b"")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one whole answer: (status, whether the server keeps the connection open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, headers.get("connection") != "close"


async def _connection(
    host: str,
    port: int,
    request: bytes,
    deadline: float,
    result: LoadResult,
    latencies_s: list[float],
) -> None:
    streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    while time.perf_counter() < deadline:
        if streams is None:
            streams = await asyncio.open_connection(host, port)
        reader, writer = streams
        started = time.perf_counter()
        try:
            writer.write(request)
            status, keep = await asyncio.wait_for(read_response(reader), REQUEST_TIMEOUT_S)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            result.errors += 1
            writer.close()
            streams = None
            continue
        latencies_s.append(time.perf_counter() - started)
        result.statuses[status] += 1
        if status >= 400:
            result.errors += 1
        if not keep:
            writer.close()
            streams = None
    if streams is not None:
        streams[1].close()


async def run_load(
    host: str, port: int, target: Target, *, connections: int, duration_s: float
) -> LoadResult:
    """Keep ``connections`` connections busy with ``target`` for ``duration_s`` seconds."""
    result = LoadResult("python", connections)
    latencies_s: list[float] = []
    request = encode_request(target, host, port)
    cpu_before = cpu_time_s()
    started = time.perf_counter()
    deadline = started + duration_s
    await asyncio.gather(
        *(
            _connection(host, port, request, deadline, result, latencies_s)
            for _ in range(connections)
        )
    )
    result.elapsed_s = time.perf_counter() - started
    result.client_cpu_s = cpu_time_s() - cpu_before
    result.completed = len(latencies_s)
    result.latency_ms = quantiles_ms(latencies_s)
    return result
