# SPDX-License-Identifier: MIT
"""The load benchmark's tables: every run's figures, and the same figures against the goals.

The goals of the service on real workers: per worker, one item at 1,000 requests/s or more and
a 100-item page at 300 or more; a p99 under 100 ms at 16 connections per worker; two workers at
least 1.6 times one; no error. A ratio of 1 or more meets its goal (for the p99: the goal over
the measure).
"""

from __future__ import annotations

from bench.load_client import LoadResult

Measured = dict[tuple[str, int], dict[tuple[str, int], LoadResult]]
"""Results by run (backend, workers), then by request name and connection count."""

REQUESTS_PER_S_GOAL = {"item": 1000.0, "page": 300.0}
"""Requests/s one worker should serve, by request."""
P99_GOAL_MS = 100.0
SCALING_GOAL = 1.6
"""Two workers' requests/s over one worker's."""


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _single(measured: Measured, backend: str, name: str, connections: int) -> LoadResult | None:
    return measured.get((backend, 1), {}).get((name, connections))


def scaling(
    measured: Measured, backend: str, workers: int, name: str, connections: int, per_worker: int
) -> float | None:
    """Requests/s over one worker's, at the same total connections or the same per worker."""
    result = measured[(backend, workers)][(name, connections)]
    if per_worker and connections == per_worker * workers:
        single = _single(measured, backend, name, per_worker)
    else:
        single = _single(measured, backend, name, connections)
    if single is None or single.requests_per_s <= 0:
        return None
    return result.requests_per_s / single.requests_per_s


def report_rows(measured: Measured, names: list[str], per_worker: int) -> list[list[str]]:
    """One row per request, run and connection count."""
    rows = []
    for name in names:
        for (backend, workers), results in measured.items():
            for (request, connections), result in results.items():
                if request != name:
                    continue
                ratio = scaling(measured, backend, workers, name, connections, per_worker)
                client_us = result.client_cpu_us_per_request
                rows.append(
                    [
                        name,
                        f"{backend} x{workers}",
                        str(connections),
                        f"{result.requests_per_s:,.0f}",
                        _ms(result.percentile_ms(0.50)),
                        _ms(result.percentile_ms(0.99)),
                        str(result.errors),
                        "-" if workers == 1 or ratio is None else f"{ratio:.2f}x",
                        _ms(result.server_cpu_ms_per_request),
                        _ms(result.database_cpu_ms_per_request),
                        str(result.replaced),
                        f"{result.client_cpu_share:.2f}",
                        "-" if client_us is None else f"{client_us:.0f}",
                        f"{result.load_average:.1f}",
                    ]
                )
    return rows


def _row(goal: str, run: str, connections: int, target: str, value: str, ratio: float) -> list[str]:
    return [
        goal,
        run,
        str(connections),
        target,
        value,
        f"{ratio:.2f}",
        "yes" if ratio >= 1 else "no",
    ]


def goal_rows(measured: Measured, names: list[str], per_worker: int) -> list[list[str]]:
    """Each goal against what each run measured (a ratio of 1 or more meets it)."""
    rows = []
    for (backend, workers), results in measured.items():
        run = f"{backend} x{workers}"
        for (name, connections), result in results.items():
            goal = REQUESTS_PER_S_GOAL.get(name)
            if workers == 1 and goal is not None:
                rate = result.requests_per_s
                rows.append(
                    _row(
                        f"{name} req/s per worker",
                        run,
                        connections,
                        f">= {goal:,.0f}",
                        f"{rate:,.0f}",
                        rate / goal,
                    )
                )
            p99 = result.percentile_ms(0.99)
            if per_worker and connections == per_worker * workers and p99:
                rows.append(
                    _row(
                        f"{name} p99 ms",
                        run,
                        connections,
                        f"< {P99_GOAL_MS:.0f}",
                        f"{p99:,.1f}",
                        P99_GOAL_MS / p99,
                    )
                )
            ratio = scaling(measured, backend, workers, name, connections, per_worker)
            if workers == 2 and ratio is not None:
                rows.append(
                    _row(
                        f"{name} 2 workers / 1",
                        run,
                        connections,
                        f">= {SCALING_GOAL}x",
                        f"{ratio:.2f}x",
                        ratio / SCALING_GOAL,
                    )
                )
    errors = sum(r.errors for results in measured.values() for r in results.values())
    rows.append(["errors", "all", "-", "0", str(errors), "-", "yes" if errors == 0 else "no"])
    order = {name: i for i, name in enumerate(names)}
    return sorted(rows, key=lambda row: (order.get(row[0].split()[0], len(order)), row[0]))
