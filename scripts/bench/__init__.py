# SPDX-License-Identifier: MIT
"""The benchmarks' shared harness and the distance-engine benchmark's parts (never in the tests).

:mod:`bench.harness` times with repeats, reads memory, parses ``--quick`` and describes the
machine; :mod:`bench.tables` formats durations, sizes and ratios and prints the tables. The
``coverage_*`` modules are ``scripts/bench_coverage.py`` split by what they measure.
"""
