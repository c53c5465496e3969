# SPDX-License-Identifier: MIT
"""What every benchmark script does alike: time with repeats, read memory, parse ``--quick``.

A benchmark run on a shared machine is only worth its medians and the conditions it ran in, so
the three scripts time the same way (medians of a few runs, stopped early when the runs get
expensive), read memory the same way (tracemalloc peaks, resident set growth) and print the same
header (the CPU, the libraries' versions, the load average at the start).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
"""The repository, put first on ``sys.path`` so that the scripts import ``mobility`` and the
tests' builders from the working tree, whatever the current directory."""

MAX_RUNS = 5
"""Most runs :func:`measure` makes of one measurement."""

TIMING_BUDGET_S = 3.0
""":func:`measure` repeats a measurement while the runs so far stay under this."""

TRACE_LIMIT_S = 4.0
""":func:`with_peak` makes no separate tracemalloc run when one run took longer than this."""


def use_repository() -> Path:
    """Put the repository first on ``sys.path`` (once) and return it."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return ROOT


def bench_parser(description: str, *, quick_help: str) -> argparse.ArgumentParser:
    """Return a parser with the ``--quick`` flag every benchmark offers (a short run)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    return parser


def log(message: str) -> None:
    """Report progress on stderr (stdout holds the tables), with the wall-clock time."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``fn`` once: (seconds, its result)."""
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Run ``fn`` ``runs`` times: (median seconds, the last result)."""
    times, result = [], None
    for _ in range(runs):
        took, result = timed(fn)
        times.append(took)
    return statistics.median(times), result


def measure(fn: Callable[[], Any], *, max_runs: int = MAX_RUNS) -> dict[str, Any]:
    """Median of up to ``max_runs`` runs, stopping early when the runs get expensive.

    Returns ``{"s": median seconds, "runs": runs made, "out": the last result}``.
    """
    times: list[float] = []
    out = None
    while True:
        elapsed, out = timed(fn)
        times.append(elapsed)
        if len(times) >= max_runs or sum(times) + elapsed > TIMING_BUDGET_S:
            break
    return {"s": statistics.median(times), "runs": len(times), "out": out}


def rss_bytes() -> int:
    """The process's resident set now (Linux ``/proc``)."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def hwm_bytes() -> int:
    """The process's peak resident set (``VmHWM``), 0 where ``/proc`` does not give it."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def reset_hwm() -> bool:
    """Reset the peak resident set to the current one; False where the kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def max_rss_mb() -> float:
    """The process's peak resident set since it started, in MB (``ru_maxrss``)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def traced_peak(fn: Callable[[], Any]) -> int:
    """Bytes at the tracemalloc peak of one run (Python and numpy allocations only)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - base


def with_peak(result: dict[str, Any], fn: Callable[[], Any]) -> dict[str, Any]:
    """Add the tracemalloc ``peak`` of one more run to a :func:`measure` result, drop ``out``."""
    if result["s"] <= TRACE_LIMIT_S:
        result["peak"] = traced_peak(fn)
    result.pop("out", None)
    return result


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: how much else was running."""
    return " / ".join(f"{value:.2f}" for value in os.getloadavg()) + " (1/5/15 min)"


def describe_machine(libraries: Sequence[str] = ("numpy", "scipy")) -> list[str]:
    """Lines naming the CPU, the memory, the system and the given libraries' versions."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next(
                (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")),
                model,
            )
        with open("/proc/meminfo", encoding="ascii") as handle:
            memory = f"RAM {int(handle.readline().split()[1]) / 1024**2:.1f} GiB, "
    except OSError:
        memory = ""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = [f"Python {platform.python_version()}"]
    for name in libraries:
        try:
            module = __import__(name)
            versions.append(f"{name} {module.__version__}")
        except Exception as exc:  # noqa: BLE001 - an optional peer missing is reported
            versions.append(f"{name} not importable ({type(exc).__name__})")
    return [
        f"CPU {model}, {os.cpu_count()} logical cores ({usable} usable), "
        f"{memory}{platform.system()} {platform.release()}",
        ", ".join(versions),
        f"load average at start: {load_average()} (other processes skew the timings)",
    ]
